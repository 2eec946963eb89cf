"""Builds the compiled detector modules (see :mod:`.compiled`) with mypyc and a C compiler.

mypyc type-checks the modules of :data:`.compiled.COMPILED_MODULES` as one group (Presidio's
types are read, other libraries count as ``Any``), writes C, and setuptools compiles it. The
extensions are staged in a temporary folder and moved into the build folder of the sources'
digest only when complete.

Usage::

    python -m anonymize.detection.mypyc_build build    # idempotent: ~30 s once, then instant
    python -m anonymize.detection.mypyc_build status
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from anonymize.detection.compiled import (
    COMPILED_MODULES,
    GROUP,
    MANIFEST,
    ROOT,
    active_build,
    build_folder,
)

__all__ = ["CompiledBuildError", "build"]

_MYPY_CONFIG = """
[mypy]
ignore_missing_imports = True
follow_imports = skip
cache_dir = {work}/mypy

# The recognizers derive from Presidio's classes: mypyc must know them to build the subclasses.
[mypy-presidio_analyzer.*]
follow_imports = silent
"""
_SETUP = """
import sys
from setuptools import setup
from mypyc.build import mypycify

work, build_lib, *paths = sys.argv[1:]
modules = mypycify(["--config-file", work + "/mypy.ini", *paths],
                   group_name={group!r}, target_dir=work + "/c", opt_level="3")
setup(name="nijta-compiled-detector", ext_modules=modules,
      script_args=["build_ext", "--build-lib", build_lib, "--build-temp", work + "/obj"])
"""
"""Run by a child Python in the source root: mypyc names modules after their paths there."""
_KEEP_SECONDS = 3600


class CompiledBuildError(RuntimeError):
    """The build could not be made: no mypyc, no C compiler, no Python headers, or a type error
    that mypyc refuses to compile."""


def _check_toolchain() -> None:
    if importlib.util.find_spec("mypyc") is None:
        raise CompiledBuildError("mypyc is not installed (it comes with mypy: pip install mypy)")
    compiler = (os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        raise CompiledBuildError(f"no C compiler: {compiler!r} is not on PATH")
    headers = Path(sysconfig.get_paths()["include"]) / "Python.h"
    if not headers.is_file():
        raise CompiledBuildError(f"no Python headers: {headers} is missing (python3-dev)")


def build(cache_dir: Path | None = None, *, root: Path = ROOT) -> Path:
    """Compile the detector modules of the sources under ``root`` unless their build exists;
    returns the build folder."""
    folder = build_folder(cache_dir, root)
    if (folder / MANIFEST).is_file():
        return folder
    _check_toolchain()
    folder.parent.mkdir(parents=True, exist_ok=True)
    paths = [str(Path(*module.split(".")).with_suffix(".py")) for module in COMPILED_MODULES]
    with tempfile.TemporaryDirectory(prefix="building-", dir=folder.parent) as work:
        (Path(work) / "mypy.ini").write_text(_MYPY_CONFIG.format(work=work))
        staged = Path(work) / "lib"
        command = [sys.executable, "-c", _SETUP.format(group=GROUP), work, str(staged), *paths]
        done = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise CompiledBuildError(f"mypyc failed (exit {done.returncode}):\n"
                                     + (done.stdout + done.stderr)[-4000:])
        (staged / MANIFEST).write_text("\n".join(COMPILED_MODULES) + "\n")
        if not (folder / MANIFEST).is_file():  # unless a concurrent build finished first
            shutil.rmtree(folder, ignore_errors=True)  # an interrupted build's leftovers
            staged.rename(folder)
    _remove_older_builds(folder)
    return folder


def _remove_older_builds(current: Path) -> None:
    """Remove the builds of other sources made over :data:`_KEEP_SECONDS` ago: a process only
    loads the build of its sources, and one started on older sources has long imported its
    modules by then (removed any sooner, a process still importing would fail)."""
    cutoff = time.time() - _KEEP_SECONDS
    for other in current.parent.iterdir():
        manifest = other / MANIFEST
        if other != current and manifest.is_file() and manifest.stat().st_mtime < cutoff:
            shutil.rmtree(other, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m anonymize.detection.mypyc_build",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["build", "status"])
    args = parser.parse_args(argv)
    folder = build_folder()
    if args.command == "status":
        built = (folder / MANIFEST).is_file()
        print(f"build of the current sources: {folder if built else 'none'}")
        print(f"in use by this process: {active_build() or 'no (plain Python)'}")
        return 0 if built else 1
    if (folder / MANIFEST).is_file():
        print(f"compiled detector is current: {folder}")
        return 0
    print(f"compiling {len(COMPILED_MODULES)} detector modules with mypyc (about 30 s)",
          flush=True)
    try:
        print(f"compiled detector built: {build()}")
    except CompiledBuildError as error:
        print(f"compiled detector not built; the detector runs as plain Python: {error}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

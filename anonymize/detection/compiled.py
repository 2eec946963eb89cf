"""The detector's own modules, compiled with mypyc when a build of the current sources exists.

As plain Python, the speed path spends more than half its time in the recognizers' Python
(tokenizing, labelling, scoring, splitting hits back by text). mypyc compiles those typed
modules to C extensions that do the same with less interpreter work (24% fewer instructions per
record on 1,024 evaluation texts, measured with callgrind: 128.9k vs 169.2k); the regex passes,
already C, are unchanged. Nothing is rewritten: a build is kept under a digest of the sources,
so an edited module is never shadowed by a stale build (it runs as Python until the next build),
and without a build (no C compiler, or ``NIJTA_PURE_PYTHON=1``) everything runs as plain Python
with the same findings.

Usage::

    python -m anonymize.detection.mypyc_build build    # idempotent; scripts/bootstrap.sh runs it
    python -m anonymize.detection.mypyc_build status   # is the build current, is it in use
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import warnings
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType

__all__ = [
    "CACHE_ENV",
    "COMPILED_MODULES",
    "DEFAULT_CACHE_DIR",
    "GROUP",
    "MANIFEST",
    "PURE_PYTHON_ENV",
    "ROOT",
    "CompiledModuleFinder",
    "active_build",
    "build_folder",
    "source_digest",
    "use_compiled_modules",
]

COMPILED_MODULES = (
    "anonymize.detection.detector",
    "anonymize.detection.recognizers.banking",
    "anonymize.detection.recognizers.base",
    "anonymize.detection.recognizers.contact",
    "anonymize.detection.recognizers.context",
    "anonymize.detection.recognizers.dates",
    "anonymize.detection.recognizers.joined",
    "anonymize.detection.recognizers.names",
    "anonymize.detection.recognizers.narration",
    "anonymize.detection.recognizers.national_ids",
    "anonymize.detection.recognizers.person",
    "anonymize.detection.recognizers.shapes",
    "anonymize.detection.recognizers.vehicle",
)
"""The modules the speed path runs per record. Package ``__init__`` modules, the Presidio engine
set-up and the build machinery stay Python."""
GROUP = "anonymize.detection._compiled"
"""mypyc's name for the build: its code lives in the extension ``<GROUP>__mypyc``, and each
compiled module is a small extension that loads its part from there."""
_SHARED_LIB = f"{GROUP}__mypyc"
ROOT = Path(__file__).resolve().parents[2]
"""The folder holding the ``anonymize`` package (the repository, in a checkout)."""
DEFAULT_CACHE_DIR = ROOT / ".cache" / "mypyc"
CACHE_ENV = "NIJTA_COMPILED_CACHE"
"""Environment variable naming another folder for builds."""
PURE_PYTHON_ENV = "NIJTA_PURE_PYTHON"
"""Set it (to anything but ``0``) to ignore any build and run the detector as plain Python."""
MANIFEST = "BUILD"
"""Written last into a build folder: a folder without it is not a usable build."""


def _sources(root: Path) -> list[Path]:
    """Every file a build depends on: the detection package and the findings type it returns."""
    return sorted([*(root / "anonymize" / "detection").rglob("*.py"),
                   root / "anonymize" / "findings.py"])


def source_digest(root: Path = ROOT) -> str:
    """A digest of the sources under ``root`` and of the interpreter's ABI."""
    digest = hashlib.sha256(f"{sys.implementation.cache_tag} {sys.platform}".encode())
    for path in _sources(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:20]


def build_folder(cache_dir: Path | None = None, root: Path = ROOT) -> Path:
    """Where the build of the sources under ``root`` lives (it may not exist)."""
    cache = cache_dir or Path(os.environ.get(CACHE_ENV) or DEFAULT_CACHE_DIR)
    return cache / source_digest(root)


def _extension_file(folder: Path, module: str) -> Path | None:
    *packages, name = module.split(".")
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        candidate = folder.joinpath(*packages, name + suffix)
        if candidate.is_file():
            return candidate
    return None


class CompiledModuleFinder(importlib.abc.MetaPathFinder):
    """Finds the compiled extension of each module in a build folder; every other import (and a
    module the folder lacks) is left to the normal finders."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._files = {
            module: path
            for module in (*COMPILED_MODULES, _SHARED_LIB)
            if (path := _extension_file(folder, module)) is not None
        }

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None = None,
        target: ModuleType | None = None,
    ) -> ModuleSpec | None:
        file = self._files.get(fullname)
        return importlib.util.spec_from_file_location(fullname, file) if file else None


def active_build() -> Path | None:
    """The build folder this process loads compiled modules from, if any."""
    for finder in sys.meta_path:
        if isinstance(finder, CompiledModuleFinder):
            return finder.folder
    return None


def use_compiled_modules() -> Path | None:
    """Load :data:`COMPILED_MODULES` from the build of the current sources, when there is one
    and ``NIJTA_PURE_PYTHON`` is not set; returns its folder. It must run before they are
    imported: the ``anonymize.detection`` package calls it first thing."""
    if os.environ.get(PURE_PYTHON_ENV, "0") != "0":
        return None
    if (current := active_build()) is not None:
        return current
    folder = build_folder()
    if not (folder / MANIFEST).is_file():
        return None
    finder = CompiledModuleFinder(folder)
    sys.meta_path.insert(0, finder)
    try:  # the compiled code itself: a build that cannot load must not break the package
        importlib.import_module(_SHARED_LIB)
    except ImportError as error:
        sys.meta_path.remove(finder)
        warnings.warn(f"the compiled detector in {folder} does not load ({error}); running it "
                      "as plain Python (rebuild: python -m anonymize.detection.mypyc_build build)",
                      RuntimeWarning, stacklevel=2)
        return None
    return folder

"""The compiled detector: keyed by its sources, loaded only when current, same findings."""

from __future__ import annotations

import importlib.machinery
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from anonymize.detection import compiled, mypyc_build
from anonymize.detection.compiled import (
    CACHE_ENV,
    COMPILED_MODULES,
    PURE_PYTHON_ENV,
    ROOT,
    CompiledModuleFinder,
    source_digest,
)

_SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]


def _copy_sources(root: Path) -> Path:
    shutil.copytree(ROOT / "anonymize" / "detection", root / "anonymize" / "detection",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "anonymize" / "findings.py", root / "anonymize" / "findings.py")
    return root


def test_digest_follows_every_detection_source_and_nothing_else(tmp_path):
    root = _copy_sources(tmp_path)
    first = source_digest(root)
    assert source_digest(root) == first
    (root / "anonymize" / "transforms.py").write_text("# not part of the detector\n")
    assert source_digest(root) == first
    shapes = root / "anonymize" / "detection" / "recognizers" / "shapes.py"
    shapes.write_text(shapes.read_text() + "\n")
    second = source_digest(root)
    assert second != first
    findings = root / "anonymize" / "findings.py"
    findings.write_text(findings.read_text() + "\n")
    assert source_digest(root) not in (first, second)


def test_finder_serves_only_the_compiled_modules_its_folder_holds(tmp_path):
    shapes = tmp_path / "anonymize" / "detection" / "recognizers" / f"shapes{_SUFFIX}"
    shapes.parent.mkdir(parents=True)
    shapes.write_bytes(b"")
    engine = tmp_path / "anonymize" / "detection" / f"engine{_SUFFIX}"
    engine.write_bytes(b"")  # not a compiled module: never served
    finder = CompiledModuleFinder(tmp_path)
    spec = finder.find_spec("anonymize.detection.recognizers.shapes")
    assert spec is not None and spec.origin == str(shapes)
    assert isinstance(spec.loader, importlib.machinery.ExtensionFileLoader)
    assert finder.find_spec("anonymize.detection.engine") is None
    assert finder.find_spec("anonymize.detection.recognizers.names") is None  # not built
    assert finder.find_spec("json") is None


def _module_files(env: dict[str, str]) -> dict[str, str]:
    """Which file each compiled module is loaded from, in a fresh interpreter."""
    code = ("import importlib, json\n"
            f"modules = {list(COMPILED_MODULES)!r}\n"
            "print(json.dumps({m: importlib.import_module(m).__file__ for m in modules}))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout.splitlines()[-1])


def _env(**changes: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in (CACHE_ENV, PURE_PYTHON_ENV)}
    return {**env, **changes}


def test_without_a_build_of_the_current_sources_everything_runs_as_python(tmp_path):
    files = _module_files(_env(**{CACHE_ENV: str(tmp_path)}))
    assert set(files) == set(COMPILED_MODULES)
    assert all(path.endswith(".py") for path in files.values())


def test_a_build_that_does_not_load_leaves_the_detector_in_python(tmp_path):
    shared = (tmp_path / source_digest() / "anonymize" / "detection"
              / f"_compiled__mypyc{_SUFFIX}")
    shared.parent.mkdir(parents=True)
    shared.write_bytes(b"not a shared object")
    (tmp_path / source_digest() / compiled.MANIFEST).write_text("a broken build\n")
    env = _env(**{CACHE_ENV: str(tmp_path)})
    assert all(path.endswith(".py") for path in _module_files(env).values())
    done = subprocess.run([sys.executable, "-c", "import anonymize.detection"], cwd=ROOT,
                          env=env, check=True, capture_output=True, text=True)
    assert "does not load" in done.stderr


def test_build_needs_a_c_compiler_and_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("CC", "no-such-cc")
    with pytest.raises(mypyc_build.CompiledBuildError, match="no-such-cc"):
        mypyc_build.build(tmp_path)
    assert not any(tmp_path.iterdir())  # nothing half-built left behind


_DETECT = """
import json, random, sys
from anonymize.detection import PiiDetector
from anonymize.evaluation import generate_corpus
texts = [item.text for item in generate_corpus(1500, seed=7)]
rng = random.Random(7)
texts += ["".join(rng.choice(texts)[rng.randrange(60):][:rng.randrange(1, 40)]
                  for _ in range(rng.randrange(1, 6))) for _ in range(500)]
detector = PiiDetector(use_installed_model=False)
found = [[list(f) for f in fs] for fs in detector.detect_batch(texts)]
found += [[list(f) for f in detector.detect(text)] for text in texts[:300]]
print(json.dumps(found))
"""


@pytest.mark.slow
def test_compiled_build_loads_as_extensions_and_finds_what_python_finds(tmp_path):
    older, recent = tmp_path / "0123456789abcdef0123", tmp_path / "123456789abcdef01234"
    for other, age in ((older, 2 * 3600), (recent, 60)):  # seconds since they were built
        other.mkdir()
        (other / compiled.MANIFEST).write_text("a build of other sources\n")
        os.utime(other / compiled.MANIFEST, (time.time() - age,) * 2)
    folder = mypyc_build.build(tmp_path)
    assert (folder / compiled.MANIFEST).is_file()
    assert not older.exists() and recent.exists()  # a process may still be importing from it
    assert mypyc_build.build(tmp_path) == folder  # current: nothing rebuilt
    compiled_env = _env(**{CACHE_ENV: str(tmp_path)})
    python_env = _env(**{CACHE_ENV: str(tmp_path), PURE_PYTHON_ENV: "1"})
    assert all(path.endswith(_SUFFIX) and path.startswith(str(folder))
               for path in _module_files(compiled_env).values())
    assert all(path.endswith(".py") for path in _module_files(python_env).values())

    def detect(env: dict[str, str]) -> list:
        done = subprocess.run([sys.executable, "-c", _DETECT], cwd=ROOT, env=env, check=True,
                              capture_output=True, text=True)
        return json.loads(done.stdout.splitlines()[-1])

    by_python, by_compiled = detect(python_env), detect(compiled_env)
    assert sum(map(len, by_python)) > 2000
    assert by_compiled == by_python

"""The Delta Lake jars Spark needs, fetched once with Maven into a cache the project owns.

``delta-spark`` on PyPI would have Spark resolve its jars through Ivy at every session start
(`configure_spark_with_delta_pip`). That needs the network at job time and drags in transitive
jars Spark already ships in older versions (jackson 2.13, hadoop 3.4, parquet 1.16), which
break Spark at run time. Instead we compute the same coordinates delta-spark computes, let Maven
fetch the artifact with its runtime dependencies, and keep only the jars Spark lacks.

Usage::

    python -m featurestore.jars fetch      # idempotent; prints the cache folder
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pyspark

from featurestore.exceptions import DeltaJarsMissing
from nijta.maven import MavenFetchFailed, copy_dependencies

__all__ = ["DEFAULT_CACHE_DIR", "DeltaArtifact", "delta_artifact", "delta_jars", "fetch_delta_jars"]

SCALA_BINARY_VERSION = "2.13"
DEFAULT_CACHE_DIR = Path(__file__).resolve().parents[1] / ".cache" / "jars"
MANIFEST = "manifest.json"

@dataclass(frozen=True)
class DeltaArtifact:
    """Maven coordinates of the Delta Lake Spark connector."""

    group: str
    artifact: str
    version: str

    @property
    def coordinates(self) -> str:
        return f"{self.group}:{self.artifact}:{self.version}"


def delta_artifact() -> DeltaArtifact:
    """The artifact delta-spark's ``pip_utils`` would ask Ivy for, from the installed versions.

    The artifact name carries the Spark minor version: delta-spark 4.4.0 on pyspark 4.2 is
    ``io.delta:delta-spark_4.2_2.13:4.4.0``.
    """
    spark_minor = ".".join(pyspark.__version__.split(".")[:2])
    return DeltaArtifact(
        group="io.delta",
        artifact=f"delta-spark_{spark_minor}_{SCALA_BINARY_VERSION}",
        version=importlib.metadata.version("delta-spark"),
    )


def _artifact_id(jar_name: str) -> str:
    """``jackson-core-2.13.5.jar`` -> ``jackson-core``."""
    return re.sub(r"-\d[\w.\-]*\.jar$", "", jar_name)


def _jars_spark_ships() -> set[str]:
    spark_jars = Path(pyspark.__file__).parent / "jars"
    return {_artifact_id(p.name) for p in spark_jars.glob("*.jar")}


def _cache_folder(cache_dir: Path, artifact: DeltaArtifact) -> Path:
    return cache_dir / f"{artifact.artifact}-{artifact.version}"


def fetch_delta_jars(cache_dir: Path = DEFAULT_CACHE_DIR) -> list[Path]:
    """Fetch the Delta jars with ``mvn`` unless the cache already holds them; return their paths."""
    artifact = delta_artifact()
    folder = _cache_folder(cache_dir, artifact)
    if (folder / MANIFEST).exists():
        return delta_jars(cache_dir)
    with tempfile.TemporaryDirectory(prefix="nijta-delta-") as tmp:
        download = Path(tmp)
        try:
            names = copy_dependencies([artifact.coordinates], download)
        except MavenFetchFailed as exc:
            raise DeltaJarsMissing(str(exc)) from exc
        shipped = _jars_spark_ships()
        folder.mkdir(parents=True, exist_ok=True)
        kept = [name for name in names if _artifact_id(name) not in shipped]
        for name in kept:
            shutil.copy2(download / name, folder / name)
    manifest = {"artifact": artifact.coordinates, "spark": pyspark.__version__, "jars": kept}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return [folder / name for name in kept]


def delta_jars(cache_dir: Path = DEFAULT_CACHE_DIR) -> list[Path]:
    """Paths of the cached Delta jars; raises :class:`DeltaJarsMissing` if not fetched yet."""
    artifact = delta_artifact()
    manifest_path = _cache_folder(cache_dir, artifact) / MANIFEST
    if not manifest_path.exists():
        raise DeltaJarsMissing(
            f"Delta jars for {artifact.coordinates} are not in {cache_dir}; "
            "run `make setup` or `python -m featurestore.jars fetch`."
        )
    jars = json.loads(manifest_path.read_text())["jars"]
    return [manifest_path.parent / name for name in jars]


def main(argv: list[str]) -> int:
    if argv[1:] != ["fetch"]:
        print("usage: python -m featurestore.jars fetch", file=sys.stderr)
        return 2
    jars = fetch_delta_jars()
    print(f"{delta_artifact().coordinates}: {len(jars)} jars in {jars[0].parent}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

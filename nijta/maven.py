"""Jars from Maven Central, fetched with ``mvn`` into folders the project owns.

Spark's Delta connector and the Kafka broker both come from Maven Central. A tiny POM naming
the artifacts and ``mvn dependency:copy-dependencies`` resolve them with their runtime
dependencies once, at setup (``scripts/bootstrap.sh``); nothing resolves jars at job start.

Usage::

    names = copy_dependencies(["org.apache.kafka:kafka_2.13:4.4.0"], Path("/tmp/jars"))
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from nijta.exceptions import NijtaError

__all__ = ["MavenFetchFailed", "copy_dependencies"]

_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>nijta</groupId><artifactId>jar-cache</artifactId><version>1</version>
  <dependencies>{dependencies}</dependencies>
</project>
"""
_DEPENDENCY = ("<dependency><groupId>{}</groupId><artifactId>{}</artifactId>"
               "<version>{}</version></dependency>")


class MavenFetchFailed(NijtaError):
    """``mvn`` is missing or could not resolve the artifacts."""


def copy_dependencies(coordinates: Sequence[str], into: Path) -> list[str]:
    """Copy each ``group:artifact:version`` and its runtime dependencies into the folder
    ``into`` (created); return the jar file names, sorted."""
    if shutil.which("mvn") is None:
        raise MavenFetchFailed("Maven (mvn) is not on PATH; install it (apt-get install maven) "
                               f"to fetch {', '.join(coordinates)}.")
    with tempfile.TemporaryDirectory(prefix="nijta-pom-") as tmp:
        pom = Path(tmp) / "pom.xml"
        pom.write_text(_POM.format(dependencies="".join(
            _DEPENDENCY.format(*c.split(":")) for c in coordinates)))
        done = subprocess.run(
            ["mvn", "-q", "-B", "-f", str(pom), "dependency:copy-dependencies",
             "-DincludeScope=runtime", f"-DoutputDirectory={into}"],
            capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise MavenFetchFailed(f"mvn could not fetch {', '.join(coordinates)} from Maven "
                               f"Central:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return sorted(p.name for p in into.glob("*.jar"))

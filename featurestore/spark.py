"""The one place a Spark session for nijta is configured.

Every Spark entry point — the in-process session of ``nijta ingest``/``demo``, Feast's Spark
offline store, and ``spark-submit`` of the jobs in :mod:`featurestore.jobs` — takes its
settings from :func:`delta_spark_conf`, so a table written by one is readable by all.

Usage::

    spark = build_session(app_name="nijta-ingest")
    cmd = spark_submit_command(JOBS / "payer_features.py", ["--bronze", b, "--gold", g])
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from pyspark.sql import SparkSession

from featurestore.exceptions import SparkJobFailed
from featurestore.jars import DEFAULT_CACHE_DIR, delta_jars

__all__ = [
    "DEFAULT_DRIVER_MEMORY",
    "DEFAULT_SHUFFLE_PARTITIONS",
    "JOBS_DIR",
    "build_session",
    "delta_spark_conf",
    "run_spark_job",
    "spark_submit_command",
]

# Sized for the 2-core / 24 GiB machines nijta is developed and tested on: local mode runs
# everything in the driver JVM, and a handful of shuffle partitions beats Spark's default 200.
DEFAULT_DRIVER_MEMORY = "4g"
DEFAULT_SHUFFLE_PARTITIONS = 4
JOBS_DIR = Path(__file__).resolve().parent / "jobs"
LOG4J_CONFIG = Path(__file__).resolve().parent / "log4j2.properties"


def delta_spark_conf(
    *,
    local_dir: Path | None = None,
    driver_memory: str | None = None,
    jars_cache: Path = DEFAULT_CACHE_DIR,
) -> dict[str, str]:
    """Spark settings for Delta Lake with jars from the project's cache (no Ivy at start)."""
    java_opts = f"-Dlog4j.configurationFile=file:{LOG4J_CONFIG}"
    conf = {
        "spark.jars": ",".join(str(p) for p in delta_jars(jars_cache)),
        "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
        "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
        "spark.sql.catalogImplementation": "in-memory",
        "spark.sql.session.timeZone": "UTC",
        "spark.driver.memory": driver_memory
        or os.environ.get("NIJTA_SPARK_DRIVER_MEMORY", DEFAULT_DRIVER_MEMORY),
        "spark.driver.extraJavaOptions": java_opts,
        "spark.executor.extraJavaOptions": java_opts,
        "spark.sql.shuffle.partitions": str(DEFAULT_SHUFFLE_PARTITIONS),
        "spark.default.parallelism": str(DEFAULT_SHUFFLE_PARTITIONS),
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.driver.host": "127.0.0.1",
        "spark.driver.bindAddress": "127.0.0.1",
        "spark.pyspark.python": sys.executable,
        "spark.databricks.delta.snapshotPartitions": "2",
        # VACUUM lists files with this many tasks (10,000 by default): minutes on a small
        # machine for a table of a few files.
        "spark.sql.sources.parallelPartitionDiscovery.parallelism": str(
            DEFAULT_SHUFFLE_PARTITIONS),
        "spark.sql.debug.maxToStringFields": "500",
    }
    if local_dir is not None:
        conf["spark.local.dir"] = str(local_dir)
    return conf


def build_session(
    app_name: str = "nijta",
    *,
    master: str | None = None,
    local_dir: Path | None = None,
    driver_memory: str | None = None,
) -> SparkSession:
    """A Delta-enabled session; ``local[*]`` unless a master is given or set by spark-submit."""
    builder = SparkSession.builder.appName(app_name)
    for key, value in delta_spark_conf(local_dir=local_dir, driver_memory=driver_memory).items():
        builder = builder.config(key, value)
    builder = builder.master(master or os.environ.get("NIJTA_SPARK_MASTER", "local[*]"))
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    return spark


def spark_submit_command(
    job: Path, args: Sequence[str], *, master: str = "local[2]", local_dir: Path | None = None
) -> list[str]:
    """The ``spark-submit`` command line for a job file, Delta configured from the cache."""
    conf = delta_spark_conf(local_dir=local_dir)
    jars = conf.pop("spark.jars")
    cmd = [str(Path(sys.executable).with_name("spark-submit")), "--master", master, "--jars", jars]
    for key, value in conf.items():
        cmd += ["--conf", f"{key}={value}"]
    return [*cmd, str(job), *args]


def run_spark_job(
    job: Path, args: Sequence[str], *, master: str = "local[2]", local_dir: Path | None = None
) -> None:
    """Run a job with spark-submit; raise :class:`SparkJobFailed` with its log tail on failure."""
    cmd = spark_submit_command(job, args, master=master, local_dir=local_dir)
    env = {**os.environ, "PYSPARK_PYTHON": sys.executable}
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SparkJobFailed(
            f"spark-submit {job.name} exited {done.returncode}:\n{done.stderr[-4000:]}"
        )

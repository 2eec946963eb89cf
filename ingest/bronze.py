"""Commit a staged batch to its bronze Delta table, idempotently.

The commit carries ``txnAppId`` = connector and ``txnVersion`` = batch sequence: Delta skips a
write whose version it has already committed for that app, so re-running a batch after a crash
between commit and acknowledgement adds nothing.
"""

from __future__ import annotations

from pathlib import Path

from pyspark.sql import SparkSession
from pyspark.sql.utils import AnalysisException

from ingest.exceptions import BronzeCommitFailed

__all__ = ["commit_to_bronze"]


def commit_to_bronze(spark: SparkSession, staged: Path, table: Path, *, app_id: str,
                     version: int) -> None:
    """Append every Parquet file under ``staged`` to the Delta table at ``table``."""
    try:
        (spark.read.parquet(str(staged)).write.format("delta").mode("append")
         .option("txnAppId", app_id).option("txnVersion", version)
         .save(str(table)))
    except AnalysisException as exc:
        raise BronzeCommitFailed(f"commit of {staged} to {table} failed: {exc}") from exc

"""The dead-letter queue of a connector: a Delta table of :data:`DEAD_LETTER_SCHEMA` rows.

The pipeline appends the letters of the batches of a bronze commit with the same idempotency
token (``txnAppId`` = connector, ``txnVersion`` = the last batch's sequence), right after it.
``nijta dlq replay`` reads the pending letters and updates their status and attempts with a
MERGE on ``letter_id``. Payloads stay sealed in the table; only :mod:`ingest.replay` opens them.

Usage::

    queue = DeadLetterQueue(spark, workspace.dead_letters("upi"))
    queue.letters(status=PENDING, rule="upi_transactions.schema.amount.greater_than")
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
from delta.tables import DeltaTable
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from ingest.bronze import commit_to_bronze
from ingest.dead_letters import DEAD_LETTER_SCHEMA

__all__ = ["DeadLetterQueue"]

_UPDATABLE = ("status", "attempts", "rule", "reason", "updated_at")


class DeadLetterQueue:
    """The dead-letter Delta table at ``uri``."""

    def __init__(self, spark: SparkSession, uri: Path | str) -> None:
        self.spark = spark
        self.uri = str(uri)

    def exists(self) -> bool:
        return DeltaTable.isDeltaTable(self.spark, self.uri)

    def commit(self, staged: Sequence[Path], *, connector: str, last_sequence: int,
               metadata: Mapping[str, Any]) -> None:
        """Append the staged letters of batches up to ``last_sequence`` in one commit (skipped
        if that commit is already there)."""
        commit_to_bronze(staged, self.uri, app_id=connector, version=last_sequence,
                         metadata=metadata)

    def frame(self, *, status: str | None = None, rule: str | None = None) -> DataFrame:
        """The letters, filtered by status and rule when given."""
        frame = self.spark.read.format("delta").load(self.uri)
        if status is not None:
            frame = frame.where(F.col("status") == status)
        if rule is not None:
            frame = frame.where(F.col("rule") == rule)
        return frame

    def letters(self, *, status: str | None = None, rule: str | None = None) -> pa.Table:
        """The matching letters as Arrow (payloads still sealed); empty without a table."""
        if not self.exists():
            return DEAD_LETTER_SCHEMA.empty_table()
        table = self.frame(status=status, rule=rule).toArrow()
        return table.select(DEAD_LETTER_SCHEMA.names).cast(DEAD_LETTER_SCHEMA)

    def count(self, *, sequence: int | None = None, status: str | None = None) -> int:
        if not self.exists():
            return 0
        frame = self.frame(status=status)
        if sequence is not None:
            frame = frame.where(F.col("sequence") == sequence)
        return frame.count()

    def update(self, changes: pa.Table) -> None:
        """Set ``status``, ``attempts``, ``rule``, ``reason`` and ``updated_at`` of the letters
        named by ``changes.letter_id`` (one MERGE, atomic)."""
        if changes.num_rows == 0:
            return
        source = self.spark.createDataFrame(changes.select(["letter_id", *_UPDATABLE])
                                            .to_pandas())
        (DeltaTable.forPath(self.spark, self.uri).alias("d")
         .merge(source.alias("u"), "d.letter_id = u.letter_id")
         .whenMatchedUpdate(set={name: f"u.{name}" for name in _UPDATABLE})
         .execute())

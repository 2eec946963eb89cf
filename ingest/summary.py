"""Counts of an ingestion run, per batch and in total; they always balance.

``read`` counts every record a batch delivered (parsed or reported broken); each one is either
``written`` to bronze or kept as a dead letter: ``read == written + dead_letters``.

Usage::

    summary = run_ingest(config, workspace, spark=spark)
    summary.read, summary.written, summary.dead_letters, summary.by_rule
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

__all__ = ["BatchSummary", "IngestSummary"]


@dataclass(frozen=True)
class BatchSummary:
    """One committed batch."""

    connector: str
    sequence: int
    batch_id: str
    read: int
    written: int
    dead_letters: int
    by_rule: dict[str, int] = field(default_factory=dict)
    recovered: bool = False
    """Committed by an earlier, crashed run; this run only acknowledged it."""


@dataclass(frozen=True)
class IngestSummary:
    """Every batch one :func:`~ingest.pipeline.run_ingest` call committed, in order."""

    connector: str
    bronze_table: str
    dead_letter_table: str
    policy_version: str
    batches: tuple[BatchSummary, ...] = ()

    @property
    def read(self) -> int:
        return sum(b.read for b in self.batches)

    @property
    def written(self) -> int:
        return sum(b.written for b in self.batches)

    @property
    def dead_letters(self) -> int:
        return sum(b.dead_letters for b in self.batches)

    @property
    def by_rule(self) -> dict[str, int]:
        """Dead letters per rule, over every batch."""
        total: Counter[str] = Counter()
        for batch in self.batches:
            total.update(batch.by_rule)
        return dict(sorted(total.items()))

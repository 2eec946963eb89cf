"""Counts of an ingestion run, per batch and in total; they always balance.

``read`` counts every record a batch's connector read (parsed, reported broken, or withheld by
a rule); each one is ``written`` to bronze, kept as a dead letter, or ``withheld`` — counted
but not kept at all (children's telemetry, DPDP s.9(3)):
``read == written + dead_letters + withheld``.

Usage::

    summary = run_ingest(config, workspace, spark=spark)
    summary.read, summary.written, summary.dead_letters, summary.by_rule
    summary.withheld, summary.withheld_by_rule
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
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
    """Dead letters per rule."""
    withheld_by_rule: dict[str, int] = field(default_factory=dict)
    """Records the connector withheld, per rule."""
    recovered: bool = False
    """Committed by an earlier, crashed run; this run only acknowledged it."""

    @property
    def withheld(self) -> int:
        return sum(self.withheld_by_rule.values())


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
    def withheld(self) -> int:
        return sum(b.withheld for b in self.batches)

    @property
    def by_rule(self) -> dict[str, int]:
        """Dead letters per rule, over every batch."""
        return _total(batch.by_rule for batch in self.batches)

    @property
    def withheld_by_rule(self) -> dict[str, int]:
        """Withheld records per rule, over every batch."""
        return _total(batch.withheld_by_rule for batch in self.batches)


def _total(counts: Iterable[dict[str, int]]) -> dict[str, int]:
    total: Counter[str] = Counter()
    for count in counts:
        total.update(count)
    return dict(sorted(total.items()))

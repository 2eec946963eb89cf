"""Purge what is past retention: rows older than a dataset's cut-off, principals past DataLife.

:func:`purge_expired` deletes the rows of one Delta table whose time column is before a
cut-off; :func:`apply_deletion_plan` applies what the policy engine says is due
(:meth:`PolicyEngine.due_for_deletion <policies.enforcement.PolicyEngine.due_for_deletion>`):
each dataset cut-off to the lake tables of that dataset, and each principal whose only basis
lapsed to a full erasure. One ``retention`` audit entry records the counts.

Usage::

    purge_expired(spark, workspace.bronze_table("upi_transactions"), "event_ts",
                  datetime(2026, 1, 1, tzinfo=UTC))                # rows deleted
    report = apply_deletion_plan(engine.due_for_deletion(now), eraser=eraser)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from policies.decisions import DeletionPlan, PrincipalErasure, RetentionCutoff
from policies.erasure.exceptions import LakeTableError
from policies.erasure.lake import LAKE_LAYERS, delete_rows
from policies.erasure.principal import Eraser, ErasureReport

__all__ = ["AUDIT_KIND", "RetentionReport", "apply_deletion_plan", "purge_expired"]

AUDIT_KIND = "retention"


def purge_expired(spark: SparkSession, table: Path, time_column: str, cutoff: datetime, *,
                  dry_run: bool = False) -> int:
    """Delete the rows of ``table`` whose ``time_column`` is before ``cutoff``; return how many.

    A naive ``cutoff`` is read as UTC. Rows with no time are kept: their age is unknown.
    """
    columns = spark.read.format("delta").load(str(table)).columns
    if time_column not in columns:
        raise LakeTableError(f"lake table {table}: no time column {time_column!r} to apply the "
                             "retention cut-off to; fix the dataset's retention time column")
    if cutoff.tzinfo is None:
        cutoff = cutoff.replace(tzinfo=UTC)
    return delete_rows(spark, table, F.col(time_column) < F.lit(cutoff), dry_run=dry_run)


@dataclass(frozen=True)
class RetentionReport:
    """What one retention run purged (or, in a dry run, would purge)."""

    now: datetime
    tables: dict[str, int]
    """Rows deleted per lake table (``layer/name``) past its dataset's cut-off."""
    cutoffs: tuple[RetentionCutoff, ...]
    erasures: tuple[ErasureReport, ...]
    unmatched_datasets: tuple[str, ...]
    """Datasets with a cut-off but no lake table of that name."""
    dry_run: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "now": self.now.isoformat(), "dry_run": self.dry_run, "tables": self.tables,
            "cutoffs": {c.dataset: {"cutoff": c.cutoff.isoformat(), "time_column": c.time_column,
                                    "rule": c.rule, "purpose": c.purpose,
                                    "retention_days": c.retention_days} for c in self.cutoffs},
            "unmatched_datasets": list(self.unmatched_datasets),
            "erasures": [e.as_dict() for e in self.erasures],
        }


def _dataset_tables(lake: Path, dataset: str) -> list[tuple[str, Path]]:
    return [(f"{layer}/{dataset}", lake / layer / dataset) for layer in LAKE_LAYERS
            if (lake / layer / dataset / "_delta_log").is_dir()]


def apply_deletion_plan(plan: DeletionPlan, *, eraser: Eraser,
                        dry_run: bool = False) -> RetentionReport:
    """Purge each dataset past its cut-off and erase each principal due; audit the counts."""
    tables: dict[str, int] = {}
    unmatched = []
    for cutoff in plan.retention:
        found = _dataset_tables(eraser.workspace.lake, cutoff.dataset)
        if not found:
            unmatched.append(cutoff.dataset)
        for name, path in found:
            tables[name] = purge_expired(eraser.spark, path, cutoff.time_column, cutoff.cutoff,
                                         dry_run=dry_run)
    erasures = tuple(
        eraser.erase(due.principal_token, rule=due.rule, dry_run=dry_run,
                     reason=f"the consent {due.consent_id} that was the only basis has lapsed")
        for due in _unique_principals(plan))
    report = RetentionReport(now=plan.now, tables=tables, cutoffs=plan.retention,
                             erasures=erasures, unmatched_datasets=tuple(unmatched),
                             dry_run=dry_run)
    if not dry_run:
        eraser.audit.append(AUDIT_KIND, report.as_dict())
    return report


def _unique_principals(plan: DeletionPlan) -> list[PrincipalErasure]:
    """One erasure per principal, even when several of its consents lapsed."""
    seen: dict[str, PrincipalErasure] = {}
    for due in plan.principals:
        seen.setdefault(due.principal_token, due)
    return list(seen.values())

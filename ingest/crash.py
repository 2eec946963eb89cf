"""Crash injection: the boundaries of a batch's way to bronze, where a test can stop a run.

A real crash (a killed process, a lost worker) can happen anywhere; these four points are the
ones where the state left behind differs, so a re-run that recovers from each of them recovers
from any crash:

===========================  ==============================================================
point                        left behind
===========================  ==============================================================
``after_read``               raw records in memory only (the run's second batch is read)
``after_staging``            every batch of the run staged as Parquet, nothing committed
``mid_write``                Delta data files of a batch written, its log commit not
``after_commit_before_ack``  a batch committed to bronze and the DLQ, its cursor not stored
===========================  ==============================================================

``mid_write`` fires at the run's first commit, with the data files of its first batch
written; ``after_commit_before_ack`` after the first commit, at the acknowledgement of its
second batch (its first when it holds only one), so an earlier batch of the same run is fully
done.

Usage::

    with pytest.raises(InjectedCrash):
        run_ingest(config, ws, spark=spark, crash_at=CrashPoint.MID_WRITE)
    run_ingest(config, ws, spark=spark)      # recovers: no loss, no duplicate
"""

from __future__ import annotations

from enum import StrEnum

from ingest.exceptions import InjectedCrash

__all__ = ["CRASH_BATCH", "CrashPoint", "crash_if"]

CRASH_BATCH = 1
"""Index (within the run) of the batch at which a per-batch crash point fires."""


class CrashPoint(StrEnum):
    AFTER_READ = "after_read"
    AFTER_STAGING = "after_staging"
    MID_WRITE = "mid_write"
    AFTER_COMMIT_BEFORE_ACK = "after_commit_before_ack"


def crash_if(chosen: CrashPoint | None, point: CrashPoint, where: str) -> None:
    """Raise :class:`InjectedCrash` when ``point`` is the ``chosen`` one."""
    if chosen == point:
        raise InjectedCrash(f"injected crash {point.value} at {where}")

"""ingest: every connector's batches → validation → field plan → bronze Delta, exactly once,
with an encrypted dead-letter queue. See :mod:`ingest.pipeline`."""

from ingest.crash import CrashPoint
from ingest.exceptions import (
    BronzeCommitFailed,
    DeadLetterError,
    IngestError,
    IngestRefused,
    InjectedCrash,
    NoValidationSchema,
    RunInProgress,
    StagingLost,
)
from ingest.pipeline import run_ingest
from ingest.summary import BatchSummary, IngestSummary

__all__ = ["BatchSummary", "BronzeCommitFailed", "CrashPoint", "DeadLetterError",
           "IngestError", "IngestRefused", "IngestSummary", "InjectedCrash",
           "NoValidationSchema", "RunInProgress", "StagingLost", "run_ingest"]

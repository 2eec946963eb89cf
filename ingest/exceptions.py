"""Errors of the ingest stage.

    NijtaError
     └── IngestError
          ├── IngestRefused          the policy refuses the dataset, purpose or sink location;
          │                          nothing was read or written
          ├── NoValidationSchema     the dataset has no registered validation schema
          ├── BronzeCommitFailed     the Delta commit of a batch failed (nothing was acknowledged)
          ├── DeadLetterError        a dead letter cannot be opened (wrong key, moved payload)
          ├── StagingLost            a committed, unacknowledged batch lost its staging folder
          ├── RunInProgress          another run of the same connector is under way
          └── InjectedCrash          ``crash_at`` fired (crash tests only)

Messages name the connector file or connector, the batch and the rule; never a record's values.
"""

from nijta.exceptions import NijtaError

__all__ = ["BronzeCommitFailed", "DeadLetterError", "IngestError", "IngestRefused",
           "InjectedCrash", "NoValidationSchema", "RunInProgress", "StagingLost"]


class IngestError(NijtaError):
    """Root of the ingest stage's errors."""


class IngestRefused(IngestError):
    """The policy refused the ingestion; the message names the file, the rule id and why."""

    def __init__(self, where: str, rule: str, reason: str) -> None:
        super().__init__(f"{where}: refused by policy rule {rule}: {reason}")
        self.rule = rule
        self.reason = reason


class NoValidationSchema(IngestError):
    """Register the dataset's pandera schema in ``ingest.schemas.DATASET_VALIDATIONS``."""


class BronzeCommitFailed(IngestError):
    """A staged batch could not be committed to its Delta table."""


class DeadLetterError(IngestError):
    """A sealed payload did not open: another key, or moved to another position."""


class StagingLost(IngestError):
    """A batch is in bronze but not acknowledged, and its staging folder (its cursor range and
    dead letters) is gone; restore the folder, or acknowledge the batch by hand."""


class RunInProgress(IngestError):
    """Another run of the connector holds its run lock; nothing was read or written."""


class InjectedCrash(IngestError):
    """Raised by ``run_ingest(crash_at=…)`` at the chosen boundary, to test recovery."""

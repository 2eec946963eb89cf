"""Errors of the ingest stage.

    NijtaError
     └── IngestError
          └── BronzeCommitFailed    the Delta commit of a batch failed (nothing was acknowledged)
"""

from nijta.exceptions import NijtaError

__all__ = ["BronzeCommitFailed", "IngestError"]


class IngestError(NijtaError):
    """Root of the ingest stage's errors."""


class BronzeCommitFailed(IngestError):
    """Spark could not commit a staged batch to its bronze table."""

"""ingest: source batches → validation → field plan → bronze Delta, with a dead-letter queue."""

from ingest.exceptions import BronzeCommitFailed, IngestError
from ingest.pipeline import IngestSummary, run_ingest

__all__ = ["BronzeCommitFailed", "IngestError", "IngestSummary", "run_ingest"]

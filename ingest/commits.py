"""The driver's side of a batch: commit, audit, acknowledge — in that order, exactly once.

For each staged batch, in sequence order:

1. bronze: append its rows (``txnAppId`` connector, ``txnVersion`` sequence), with the batch's
   sequence, cursor range and counts as the commit's ``userMetadata``; this commit is the
   batch's point of no return;
2. dead-letter queue: append its letters, idempotent the same way;
3. audit: an ``ingest_batch`` entry (connector, batch id, counts read / written / dead letters
   by rule / withheld by rule, policy version);
4. cursor: acknowledge the batch's ``end`` in the cursor store;
5. staging: remove the batch's folder;
6. source: ``acknowledge(batch)`` of a connector that keeps its own record of what was
   consumed (:class:`~connectors.base.AcknowledgingConnector`: Kafka's committed offsets),
   which so mirrors the cursor store; an error there ends the run with the batch already
   safe.

:meth:`BatchCommitter.reconcile` runs before a run reads anything. If bronze holds the batch
the cursor store expects next, an earlier run crashed between 1 and 4: the batch is finished
from what bronze's commit recorded (its letters from its staging folder, skipped if already
in the queue) and acknowledged — not re-read, since a re-read may split the source
differently. Every other staged folder is stale and dropped: those batches are read again. The
audit entry comes before the acknowledgement so that a crash between them repeats the entry
(marked ``recovered``) rather than lose it. A crash between 4 and 6 leaves the source's record
one batch behind the cursor store until the next acknowledgement; runs resume from the cursor
store, so nothing is read twice.

Usage::

    committer = BatchCommitter(spark, admission, cursors, staging, audit, queue, "upi",
                               source=connector)
    committer.reconcile()
    for manifest, folder in staging.sealed():
        committer.commit(manifest, folder)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyspark.sql import SparkSession

from connectors.base import AcknowledgingConnector, Connector
from connectors.cursors import CursorStore
from ingest.admission import Admission
from ingest.bronze import BATCH_KIND, commit_to_bronze, committed_commits, leave_uncommitted_files
from ingest.crash import CrashPoint, crash_if
from ingest.dead_letter_queue import DeadLetterQueue
from ingest.dead_letters import DEAD_LETTER_KEY
from ingest.exceptions import StagingLost
from ingest.staging import BRONZE_FILE, DEAD_LETTERS_FILE, BatchManifest, BatchStaging
from ingest.summary import BatchSummary
from policies.enforcement import AuditSink

__all__ = ["AUDIT_KIND", "BatchCommitter"]

AUDIT_KIND = "ingest_batch"
KEY_USE_KIND = "key_use"


@dataclass
class BatchCommitter:
    """Commits one connector's staged batches."""

    spark: SparkSession
    admission: Admission
    cursors: CursorStore
    staging: BatchStaging
    audit: AuditSink
    queue: DeadLetterQueue
    connector: str
    source: Connector | None = None
    """The connector itself, told of each acknowledged batch if it is an
    :class:`~connectors.base.AcknowledgingConnector`."""
    keys_used: tuple[dict[str, Any], ...] = ()
    """The named keys the field plan used (:func:`ingest.key_use.key_use`), audited per batch
    as a ``key_use`` entry with the dead-letter key when the batch has dead letters."""

    def commit(self, manifest: BatchManifest, folder: Path,
               crash: CrashPoint | None = None) -> BatchSummary:
        """Steps 1–5 for one staged batch; ``crash`` fires at its boundary (tests)."""
        where = f"batch {manifest.batch_id}"
        if crash is CrashPoint.MID_WRITE:
            leave_uncommitted_files(folder / BRONZE_FILE, self.admission.bronze_uri, where)
        commit_to_bronze(self.spark, folder / BRONZE_FILE, self.admission.bronze_uri,
                         app_id=self.connector, version=manifest.sequence,
                         metadata=self._facts(manifest))
        self._letters(manifest, folder)
        return self._close(manifest, recovered=False, crash=crash)

    def reconcile(self) -> BatchSummary | None:
        """Finish and acknowledge the batch an earlier run committed but did not acknowledge;
        drop every other staged batch."""
        expected = self.cursors.position(self.connector).next_sequence
        committed = next((facts for facts in committed_commits(
            self.spark, self.admission.bronze_uri, self.connector, kind=BATCH_KIND)
            if facts.get("sequence") == expected), None)
        summary = None
        if committed is not None:
            manifest = BatchManifest(**{k: v for k, v in committed.items()
                                        if k not in ("kind", "policy_version")})
            staged = self.staging.find(expected)
            self._letters(manifest, staged[1] if staged else None)
            summary = self._close(manifest, recovered=True, crash=None)
        self.staging.clear()
        return summary

    def _facts(self, manifest: BatchManifest) -> dict[str, Any]:
        return {"kind": BATCH_KIND, "policy_version": self.admission.policy_version,
                **{k: v for k, v in vars(manifest).items() if k != "metadata"},
                "metadata": manifest.metadata}

    def _letters(self, manifest: BatchManifest, folder: Path | None) -> None:
        if manifest.dead_letters == 0:
            return
        if folder is not None:
            self.queue.commit(folder / DEAD_LETTERS_FILE, connector=self.connector,
                              sequence=manifest.sequence, metadata=self._facts(manifest))
        elif self.queue.count(sequence=manifest.sequence) != manifest.dead_letters:
            raise StagingLost(f"connector {self.connector!r}: batch {manifest.batch_id} is in "
                              f"bronze, its {manifest.dead_letters} dead letters are not all "
                              f"in {self.queue.uri}, and its staging folder is gone")

    def _close(self, manifest: BatchManifest, *, recovered: bool,
               crash: CrashPoint | None) -> BatchSummary:
        summary = BatchSummary(
            connector=self.connector, sequence=manifest.sequence, batch_id=manifest.batch_id,
            read=manifest.read, written=manifest.written, dead_letters=manifest.dead_letters,
            by_rule=dict(manifest.by_rule), withheld_by_rule=manifest.withheld,
            recovered=recovered)
        self.audit.append(AUDIT_KIND, {
            "connector": self.connector, "batch_id": manifest.batch_id,
            "sequence": manifest.sequence, "read": summary.read, "written": summary.written,
            "dead_letters": summary.dead_letters, "dead_letters_by_rule": summary.by_rule,
            "withheld": summary.withheld, "withheld_by_rule": summary.withheld_by_rule,
            "policy_version": self.admission.policy_version, "recovered": recovered})
        self.audit.append(KEY_USE_KIND, {
            "connector": self.connector, "batch_id": manifest.batch_id,
            "keys": [*self.keys_used, *([{"key": DEAD_LETTER_KEY}] if summary.dead_letters
                                        else [])]})
        crash_if(crash, CrashPoint.AFTER_COMMIT_BEFORE_ACK, f"batch {manifest.batch_id}")
        batch = manifest.as_source_batch()
        self.cursors.acknowledge(self.connector, batch)
        self.staging.remove(manifest.batch_id)
        if isinstance(self.source, AcknowledgingConnector):
            self.source.acknowledge(batch)
        return summary

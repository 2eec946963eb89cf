"""The driver's side of staged batches: commit, audit, acknowledge — in that order, exactly once.

The batches one Beam round staged are committed together, in sequence order:

1. bronze: append the rows of every batch in one commit (``txnAppId`` connector,
   ``txnVersion`` the last batch's sequence), with each batch's sequence, id and counts in
   the commit's ``userMetadata``; this commit is the batches' point of no return;
2. dead-letter queue: append the letters of those batches, idempotent the same way;
3. then for each batch in turn: audit an ``ingest_batch`` entry (connector, batch id, counts
   read / written / dead letters by rule / withheld by rule, policy version) and its
   ``key_use``; hand the AA consent it was fetched under, if any, to the consent registry;
   acknowledge its ``end`` in the cursor store; remove its staging folder; and
   ``acknowledge(batch)`` a connector that keeps its own record of what was consumed
   (:class:`~connectors.base.AcknowledgingConnector`: Kafka's committed offsets), which so
   mirrors the cursor store; an error there ends the run with the batch already safe.

One commit per round instead of per batch is what makes ingestion fast: every Delta commit
has fixed costs (a log replay, a log entry, small files) whatever its size. Exactly once holds
the same way, since Delta's ``txnVersion`` for the connector says every batch up to it is in.

:meth:`BatchCommitter.reconcile` runs before a run reads anything. If a bronze commit holds the
batch the cursor store expects next, an earlier run crashed between 1 and the end of 3: that
batch and the later ones of the same commit are finished from their staging folders (whose
manifests must carry the batch ids bronze recorded; the letters are skipped if already in the
queue) and acknowledged — not re-read, since a re-read may split the source differently.
Every other staged folder is stale and dropped: those batches are read again. The audit entry
comes before the acknowledgement so that a crash between them repeats the entry (marked
``recovered``) rather than lose it. A crash between the cursor store and the source's
acknowledgement leaves the source's record one batch behind the cursor store until the next
acknowledgement; runs resume from the cursor store, so nothing is read twice.

Usage::

    committer = BatchCommitter(spark, admission, cursors, staging, audit, queue, "upi",
                               source=connector)
    committer.reconcile()
    summaries = committer.commit(staging.sealed())
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from pyspark.sql import SparkSession

from connectors.base import AcknowledgingConnector, Connector
from connectors.cursors import CursorStore
from ingest.admission import Admission
from ingest.bronze import BATCH_KIND, commit_to_bronze, committed_commits, leave_uncommitted_files
from ingest.crash import CRASH_BATCH, CrashPoint, crash_if
from ingest.dead_letter_queue import DeadLetterQueue
from ingest.dead_letters import DEAD_LETTER_KEY
from ingest.exceptions import StagingLost
from ingest.staging import BRONZE_FILE, DEAD_LETTERS_FILE, BatchManifest, BatchStaging
from ingest.summary import BatchSummary
from policies.enforcement import AuditSink

__all__ = ["AUDIT_KIND", "BatchCommitter"]

AUDIT_KIND = "ingest_batch"
KEY_USE_KIND = "key_use"
_CURSORS = ("start", "end")


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
    hand_off: Callable[[Mapping[str, Any]], object] | None = None
    """Called with each committed batch's (sealed) metadata before its acknowledgement: the
    AA consent it was fetched under goes to the consent registry
    (:func:`ingest.consent_handoff.hand_off_consent`)."""

    def commit(self, staged: Sequence[tuple[BatchManifest, Path]], *,
               crash: CrashPoint | None = None) -> Iterator[BatchSummary]:
        """Steps 1–3 for consecutive staged batches, yielding each batch's summary once it is
        acknowledged; ``crash`` fires at its boundary, at the round's second batch (tests)."""
        if not staged:
            return
        manifests = [manifest for manifest, _ in staged]
        where = f"batch {manifests[0].batch_id}"
        if crash is CrashPoint.MID_WRITE:
            leave_uncommitted_files(staged[0][1] / BRONZE_FILE, self.admission.bronze_uri, where)
        commit_to_bronze([folder / BRONZE_FILE for _, folder in staged],
                         self.admission.bronze_uri, app_id=self.connector,
                         version=manifests[-1].sequence, metadata=self._facts(manifests))
        self._letters(staged)
        fire_at = min(CRASH_BATCH, len(manifests) - 1)
        for index, manifest in enumerate(manifests):
            yield self._close(manifest, recovered=False,
                              crash=crash if index == fire_at else None)

    def reconcile(self) -> Iterator[BatchSummary]:
        """Finish and acknowledge the batches an earlier run committed but did not acknowledge,
        yielding their summaries; drop every other staged batch.

        Raises:
            StagingLost: such a batch's staging folder is gone (its cursor range is there).
        """
        expected = self.cursors.position(self.connector).next_sequence
        pending = next(([b for b in batches if b["sequence"] >= expected]
                        for batches in self._committed_batches()
                        if any(b["sequence"] == expected for b in batches)), [])
        if pending:
            staged = {m.batch_id: (m, folder) for m, folder in self.staging.sealed()}
            lost = [b["batch_id"] for b in pending if b["batch_id"] not in staged]
            if lost:
                raise StagingLost(f"connector {self.connector!r}: batches {lost} are committed "
                                  f"to {self.admission.bronze_uri} but not acknowledged, and "
                                  f"their staging folders (with their cursor ranges) are gone "
                                  f"from {self.staging.root}")
            batches = [staged[b["batch_id"]] for b in pending]
            self._letters(batches)
            for manifest, _ in batches:
                yield self._close(manifest, recovered=True, crash=None)
        self.staging.clear()

    def _committed_batches(self) -> Iterator[list[dict[str, Any]]]:
        for facts in committed_commits(self.admission.bronze_uri, self.connector,
                                       kind=BATCH_KIND):
            yield facts["batches"]

    def _facts(self, manifests: Sequence[BatchManifest]) -> dict[str, Any]:
        """A commit's ``userMetadata``: its batches' ids, sequences and counts. Not their
        cursors, which can be large (the ids a late-arrival window has seen) and would make
        every reader of the Delta log parse them again: they stay in the staging manifests
        until each batch is acknowledged, and the batch id is their digest."""
        return {"kind": BATCH_KIND, "connector": self.connector,
                "policy_version": self.admission.policy_version,
                "batches": [{k: v for k, v in asdict(m).items() if k not in _CURSORS}
                            for m in manifests]}

    def _letters(self, staged: Sequence[tuple[BatchManifest, Path]]) -> None:
        """Commit the staged letters of these batches, in one commit (a no-op for a commit
        already in the queue)."""
        letters = [folder / DEAD_LETTERS_FILE for m, folder in staged if m.dead_letters]
        if letters:
            manifests = [manifest for manifest, _ in staged]
            self.queue.commit(letters, connector=self.connector,
                              last_sequence=manifests[-1].sequence,
                              metadata=self._facts(manifests))

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
        if self.hand_off is not None:
            self.hand_off(manifest.metadata)
        crash_if(crash, CrashPoint.AFTER_COMMIT_BEFORE_ACK, f"batch {manifest.batch_id}")
        batch = manifest.as_source_batch()
        self.cursors.acknowledge(self.connector, batch)
        self.staging.remove(manifest.batch_id)
        if isinstance(self.source, AcknowledgingConnector):
            self.source.acknowledge(batch)
        return summary

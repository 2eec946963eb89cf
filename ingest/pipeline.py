"""The ingestion pipeline: one shape for every connector, exactly once into bronze Delta.

::

    policy: plan_ingest + check_location (refused → IngestRefused, nothing read or written)
    reconcile: finish the batch a crashed run committed but did not acknowledge
    Beam:   read batches from the stored cursor (the connector, in a worker)
            → validate (the dataset's pandera schema) → field plan (tokenize, drop, scrub …)
            → stage Parquet rows + sealed dead letters per batch
    driver: per round, one bronze commit and one dead-letter commit of its batches; then per
            batch, in sequence order: audit → its AA consent to the consent registry →
            acknowledge the cursor → drop the staging folder → the connector's own
            acknowledge(batch), if it has one (Kafka: commit the group's offsets)

Raw records exist only in the worker's memory between the connector and the field plan: the
read, protect and stage steps are fused (no shuffle between them, which a distributed runner
would persist), and what is written is tokenized Parquet and encrypted letters. A run reads in
rounds of at most ``ROUND_BATCHES`` batches, each staged by one Beam run and then committed; a
:class:`~connectors.base.BoundedConnector` (Kafka) is read up to where its source ended when
the run started, in every round.

Runners: without ``--runner`` Beam runs in-process on the FnApiRunner (Beam 2.77's DirectRunner
would first try the PrismRunner, which downloads a binary). Every Beam argument passes through
unchanged, so the same code runs on a cluster::

    nijta ingest upi.yaml -- --runner=FlinkRunner --flink_master=flink:8081 \
        --environment_type=LOOPBACK
    nijta ingest upi.yaml -- --runner=SparkRunner --spark_master_url=spark://host:7077
    nijta ingest upi.yaml -- --runner=DataflowRunner --project=P --region=asia-south1 \\
        --temp_location=gs://nijta-lake-india/tmp

On such a runner the workers read the source and write the staging folder, so the workspace
(its ``lake/_staging``) must be storage the workers and the driver share, in an allowed region.

Usage::

    summary = run_ingest(load_connector_config(path), Workspace(Path(".nijta-demo")),
                         spark=build_session("nijta-ingest"))
    summary.read == summary.written + summary.dead_letters + summary.withheld
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import apache_beam as beam
import pyarrow as pa
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.runners.portability.fn_api_runner import FnApiRunner
from pyspark.sql import SparkSession

from anonymize.keys import LocalKeyStore
from anonymize.tokens import Tokenizer
from connectors.base import BoundedConnector, Connector, Cursor, SourceBatch
from connectors.configuration import ConnectorConfig
from connectors.cursors import CursorStore
from connectors.registry import open_connector
from ingest.admission import Admission, admit
from ingest.commits import BatchCommitter
from ingest.consent_handoff import hand_off_consent, seal_consent_metadata
from ingest.crash import CRASH_BATCH, CrashPoint, crash_if
from ingest.dead_letter_queue import DeadLetterQueue
from ingest.dead_letters import LetterSeal, build_dead_letters
from ingest.key_use import key_use
from ingest.protection import protect_records
from ingest.run_lock import connector_run_lock
from ingest.schemas import validation_for
from ingest.staging import BatchManifest, BatchStaging
from ingest.summary import BatchSummary, IngestSummary
from nijta.configuration import Workspace
from policies.audit import AuditLog, CheckpointSigner
from policies.enforcement import PolicyEngine
from policies.erasure.locations import open_consent_registry
from policies.loading import DEFAULT_POLICY_DIR, load_policy

__all__ = ["ROUND_BATCHES", "IngestSummary", "audit_log_for", "cursor_store_for", "run_ingest"]

ROUND_BATCHES = 16
"""Batches staged by one Beam run before the driver commits them."""


def cursor_store_for(workspace: Workspace) -> CursorStore:
    """The workspace's cursor store (SQLite under ``state/``)."""
    return CursorStore(workspace.state / "cursors.db")


def audit_log_for(workspace: Workspace) -> AuditLog:
    """The workspace's audit log, signing checkpoints with its key store."""
    signer = CheckpointSigner.from_key_store(LocalKeyStore(workspace.key_file))
    return AuditLog(workspace.root / "audit" / "audit.jsonl", signer=signer)


@dataclass(frozen=True)
class _ReadRequest:
    cursor: Cursor | None
    first_sequence: int
    limit: int
    crash: CrashPoint | None
    until: Cursor | None = None
    """Where the run ends, for a :class:`~connectors.base.BoundedConnector`."""


class _ReadBatches(beam.DoFn):
    """Batches from the cursor on, at most ``limit``; the connector lives in the worker."""

    def __init__(self, config: ConnectorConfig) -> None:
        self._config = config

    def process(self, request: _ReadRequest) -> Iterator[SourceBatch]:
        read = 0
        with closing(open_connector(self._config)) as connector:
            bound = {} if request.until is None else {"until": request.until}
            for batch in connector.read_batches(request.cursor,
                                                first_sequence=request.first_sequence, **bound):
                if read == CRASH_BATCH:
                    crash_if(request.crash, CrashPoint.AFTER_READ, f"batch {batch.batch_id}")
                read += 1
                yield batch
                if read >= request.limit:
                    break
        crash_if(request.crash, CrashPoint.AFTER_READ, f"the end of {read} batches")


class _Protect(beam.DoFn):
    """Validation and field plan of a batch; its rejects sealed as dead letters."""

    def __init__(self, dataset: str, admission: Admission, key_file: Path) -> None:
        self._dataset = dataset
        self._plan = admission.plan
        self._key_file = key_file

    def setup(self) -> None:
        keys = LocalKeyStore(self._key_file)
        self._tokenizer = Tokenizer(keys)
        self._seal = LetterSeal(keys)
        self._validation = validation_for(self._dataset)

    def process(self, batch: SourceBatch) -> Iterator[tuple[BatchManifest, pa.Table, pa.Table]]:
        protected = protect_records(batch.records, self._validation, self._plan,
                                    self._tokenizer)
        letters = build_dead_letters(batch, protected.rejected, self._seal)
        manifest = BatchManifest(
            connector=batch.connector, sequence=batch.sequence, batch_id=batch.batch_id,
            start=batch.start, end=batch.end, records=batch.records.num_rows,
            malformed=len(batch.malformed), written=protected.table.num_rows,
            by_rule=dict(Counter(letters.column("rule").to_pylist())),
            metadata=seal_consent_metadata(batch.metadata, self._tokenizer))
        yield manifest, protected.table, letters


class _Stage(beam.DoFn):
    def __init__(self, staging: BatchStaging) -> None:
        self._staging = staging

    def process(self, element: tuple[BatchManifest, pa.Table, pa.Table]) -> None:
        self._staging.write(*element)


def _pipeline(beam_args: Sequence[str]) -> beam.Pipeline:
    options = PipelineOptions(list(beam_args))
    if any(a.startswith("--runner") for a in beam_args):
        return beam.Pipeline(options=options)
    return beam.Pipeline(runner=FnApiRunner(), options=options)


@dataclass(frozen=True)
class _Run:
    """What every round of one run shares."""

    config: ConnectorConfig
    workspace: Workspace
    admission: Admission
    staging: BatchStaging
    beam_args: Sequence[str]

    def stage_round(self, request: _ReadRequest) -> None:
        """Read, protect and stage up to ``request.limit`` batches (one Beam run)."""
        pipeline = _pipeline(self.beam_args)
        _ = (pipeline
             | "Cursor" >> beam.Create([request])
             | "Read" >> beam.ParDo(_ReadBatches(self.config))
             | "Protect" >> beam.ParDo(_Protect(self.config.dataset, self.admission,
                                                self.workspace.key_file))
             | "Stage" >> beam.ParDo(_Stage(self.staging)))
        pipeline.run().wait_until_finish()


def run_ingest(config: ConnectorConfig, workspace: Workspace, *, spark: SparkSession,
               beam_args: Sequence[str] = (), max_batches: int | None = None,
               crash_at: CrashPoint | None = None,
               progress: Callable[[BatchSummary], None] | None = None) -> IngestSummary:
    """Ingest what ``config``'s source holds after its stored cursor into its bronze table.

    Args:
        spark: the session that commits to Delta (``featurestore.spark.build_session``).
        beam_args: Beam pipeline options, passed through (``--runner=…`` and its options).
        max_batches: read at most this many new batches (``None``: until the source is done).
        crash_at: stop with :class:`~ingest.exceptions.InjectedCrash` at this boundary
            (see :mod:`ingest.crash`; recovery tests only).
        progress: called with each batch's counts once it is committed and acknowledged.

    Raises:
        IngestRefused: the policy refuses the dataset, purpose or a sink location.
        RunInProgress: another run of the same connector is under way.
    """
    engine = PolicyEngine(load_policy(config.policy_dir or DEFAULT_POLICY_DIR),
                          audit=audit_log_for(workspace))
    # The driver's own connector: its schema for the policy, and its acknowledge(batch) after
    # each commit; the workers open their own to read.
    with closing(open_connector(config)) as connector:
        admission = admit(config, workspace, engine, columns=connector.schema().names)
        run = _Run(config, workspace, admission,
                   BatchStaging(workspace.lake / "_staging" / config.name), beam_args)
        with connector_run_lock(workspace, config.name):
            done = _ingest(run, spark, engine, connector, max_batches=max_batches,
                           crash_at=crash_at, progress=progress)
    return IngestSummary(connector=config.name, bronze_table=admission.bronze_uri,
                         dead_letter_table=admission.dead_letter_uri,
                         policy_version=admission.policy_version, batches=tuple(done))


def _ingest(run: _Run, spark: SparkSession, engine: PolicyEngine, connector: Connector, *,
            max_batches: int | None, crash_at: CrashPoint | None,
            progress: Callable[[BatchSummary], None] | None) -> list[BatchSummary]:
    """Reconcile, then read, stage and commit round after round; the batches committed."""
    store = cursor_store_for(run.workspace)
    registry = open_consent_registry(run.workspace)
    committer = BatchCommitter(
        spark, run.admission, store, run.staging, engine.audit,
        DeadLetterQueue(spark, run.admission.dead_letter_uri), run.config.name,
        source=connector,
        keys_used=key_use(run.admission.plan, LocalKeyStore(run.workspace.key_file)),
        hand_off=partial(hand_off_consent, registry=registry, policy=engine.policy,
                         dataset=run.config.dataset))
    done: list[BatchSummary] = []
    try:
        for recovered in committer.reconcile():
            _report(done, recovered, progress)
        until = connector.end_of_source() if isinstance(connector, BoundedConnector) else None
        _commit_rounds(run, committer, store, max_batches, crash_at, done, progress, until)
    finally:
        store.close()
        registry.close()
    return done


def _commit_rounds(run: _Run, committer: BatchCommitter, store: CursorStore,
                   max_batches: int | None, crash_at: CrashPoint | None,
                   done: list[BatchSummary], progress: Callable[[BatchSummary], None] | None,
                   until: Cursor | None) -> None:
    new = 0
    while max_batches is None or new < max_batches:
        limit = ROUND_BATCHES if max_batches is None else min(ROUND_BATCHES, max_batches - new)
        position = store.position(run.config.name)
        run.stage_round(_ReadRequest(position.cursor, position.next_sequence, limit, crash_at,
                                     until))
        crash_if(crash_at, CrashPoint.AFTER_STAGING, f"round from sequence "
                 f"{position.next_sequence}")
        staged = run.staging.sealed()
        for summary in committer.commit(staged, crash=crash_at):
            _report(done, summary, progress)
        new += len(staged)
        crash_at = None  # a crash point fires in the first round only
        if len(staged) < limit:
            return


def _report(done: list[BatchSummary], summary: BatchSummary,
            progress: Callable[[BatchSummary], None] | None) -> None:
    done.append(summary)
    if progress is not None:
        progress(summary)

"""Bring dead letters back: after a schema or policy fix, what now passes goes to bronze.

:func:`replay_dead_letters` opens the pending letters of a connector (optionally of one rule),
runs the same validation and field plan as the pipeline (:func:`protect_records`, under the
policy as it is now) and commits the rows that pass to the bronze table in one append whose
``userMetadata`` lists their letter ids. Then one MERGE marks those letters ``replayed`` and
gives the others their new rule and reason; every replayed-at letter's ``attempts`` goes up by
one. A crash between the append and the MERGE is healed by the next replay, which first marks
replayed every pending letter a ``dlq_replay`` commit already holds — so a letter reaches bronze
once. Records their source delivered broken (``text`` letters) cannot pass a schema: they stay
pending until the source resends them.

Counts keep balancing: rows in bronze + pending letters = records read.

Usage::

    result = replay_dead_letters(config, workspace, spark=spark, rule=None)
    result.replayed, result.pending
"""

from __future__ import annotations

import uuid
from collections import Counter
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from pyspark.sql import SparkSession

from anonymize.keys import LocalKeyStore
from anonymize.tokens import Tokenizer
from connectors.configuration import ConnectorConfig
from connectors.registry import open_connector
from ingest.admission import Admission, admit
from ingest.bronze import REPLAY_KIND, commit_to_bronze, committed_commits
from ingest.dead_letter_queue import DeadLetterQueue
from ingest.dead_letters import PENDING, RECORD_FORMAT, REPLAYED, LetterSeal, open_record
from ingest.pipeline import audit_log_for
from ingest.protection import protect_records
from ingest.schemas import validation_for
from ingest.staging import BatchStaging
from nijta.configuration import Workspace
from policies.enforcement import PolicyEngine
from policies.loading import DEFAULT_POLICY_DIR, load_policy

__all__ = ["AUDIT_KIND", "ReplaySummary", "replay_dead_letters"]

AUDIT_KIND = "dlq_replay"


@dataclass(frozen=True)
class ReplaySummary:
    """What one replay did."""

    connector: str
    tried: int
    replayed: int
    """Letters whose record is now in bronze (including ones a crashed replay committed)."""
    pending: int
    """Letters still pending in the whole queue of the connector, after the replay."""
    by_rule: dict[str, int] = field(default_factory=dict)
    """Tried letters still pending, per rule."""


def replay_dead_letters(config: ConnectorConfig, workspace: Workspace, *, spark: SparkSession,
                        rule: str | None = None) -> ReplaySummary:
    """Replay the pending letters of ``config``'s connector (of ``rule`` only, when given)."""
    engine = PolicyEngine(load_policy(config.policy_dir or DEFAULT_POLICY_DIR),
                          audit=audit_log_for(workspace))
    with closing(open_connector(config)) as connector:
        columns = connector.schema().names
    admission = admit(config, workspace, engine, columns=columns)
    queue = DeadLetterQueue(spark, admission.dead_letter_uri)
    healed = _heal(admission, queue, config.name)
    letters = queue.letters(status=PENDING, rule=rule)
    keys = LocalKeyStore(workspace.key_file)
    passed, changes = _retry(letters, config.dataset, admission, keys)
    if passed.num_rows:
        staging = BatchStaging(workspace.lake / "_staging" / config.name)
        folder = staging.folder(f"replay-{uuid.uuid4().hex}")
        folder.mkdir(parents=True)
        pq.write_table(passed.drop_columns(["letter_id"]), folder / "bronze.parquet")
        commit_to_bronze(folder / "bronze.parquet", admission.bronze_uri,
                         app_id=config.name, version=None,
                         metadata={"kind": REPLAY_KIND, "connector": config.name,
                                   "letters": passed.column("letter_id").to_pylist()})
        staging.remove(folder.name)
    queue.update(changes)
    still = pc.equal(changes.column("status"), PENDING)
    by_rule = dict(Counter(changes.filter(still).column("rule").to_pylist()))
    summary = ReplaySummary(connector=config.name, tried=letters.num_rows,
                            replayed=healed + passed.num_rows,
                            pending=queue.count(status=PENDING), by_rule=by_rule)
    if engine.audit is not None:
        engine.audit.append(AUDIT_KIND, {
            "connector": config.name, "rule": rule, "tried": summary.tried,
            "replayed": summary.replayed, "pending": summary.pending,
            "pending_by_rule": by_rule, "policy_version": admission.policy_version})
    return summary


def _heal(admission: Admission, queue: DeadLetterQueue, connector: str) -> int:
    """Mark replayed the pending letters an earlier replay committed; how many."""
    committed = {letter for facts in committed_commits(admission.bronze_uri, connector,
                                                       kind=REPLAY_KIND)
                 for letter in facts.get("letters", ())}
    if not committed:
        return 0
    pending = queue.letters(status=PENDING)
    done = pending.filter(pc.is_in(pending.column("letter_id"),
                                   pa.array(sorted(committed), pa.string())))
    queue.update(_changed(done, status=REPLAYED))
    return done.num_rows


def _retry(letters: pa.Table, dataset: str, admission: Admission,
           keys: LocalKeyStore) -> tuple[pa.Table, pa.Table]:
    """(lake rows that now pass, with their ``letter_id``; the status change of every
    letter)."""
    seal = LetterSeal(keys)
    is_record = pc.equal(letters.column("payload_format"), RECORD_FORMAT)
    records = letters.filter(is_record)
    broken = letters.filter(pc.invert(is_record))
    changes = [_changed(broken, status=PENDING)]
    if records.num_rows == 0:
        return pa.table({"letter_id": pa.array([], pa.string())}), pa.concat_tables(changes)
    rows = pa.concat_tables([open_record(seal, letter) for letter in records.to_pylist()],
                            promote_options="default")
    protected = protect_records(rows, validation_for(dataset), admission.plan, Tokenizer(keys))
    refused = {r.row: r for r in protected.rejected}
    ok = pa.array([i not in refused for i in range(records.num_rows)])
    passed_ids = records.column("letter_id").filter(ok)
    changes.append(_changed(records.filter(ok), status=REPLAYED))
    failed = records.filter(pc.invert(ok))
    changes.append(_changed(failed, status=PENDING,
                            rules=[refused[i] for i in range(records.num_rows) if i in refused]))
    return protected.table.append_column("letter_id", passed_ids), pa.concat_tables(changes)


def _changed(letters: pa.Table, *, status: str, rules: list | None = None) -> pa.Table:
    """The MERGE input for ``letters``: new status, attempts + 1, rule and reason."""
    now = pa.array([datetime.now(UTC)] * letters.num_rows, pa.timestamp("us", tz="UTC"))
    rule = letters.column("rule") if rules is None else pa.array([r.rule for r in rules],
                                                                pa.string())
    reason = letters.column("reason") if rules is None else pa.array(
        [r.reason for r in rules], pa.string())
    return pa.table({"letter_id": letters.column("letter_id"),
                     "status": pa.array([status] * letters.num_rows, pa.string()),
                     "attempts": pc.add(letters.column("attempts"), 1).cast(pa.int32()),
                     "rule": rule, "reason": reason, "updated_at": now})

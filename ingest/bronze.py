"""Commit staged rows to a Delta table, idempotently, with the batch's facts in the commit.

The commit is written by delta-rs (the ``deltalake`` package) straight from the staged Arrow
data: a Spark append would re-read and re-write every row in the JVM, seconds per commit on a
small machine, while the rest of nijta (Spark jobs, erasure, ``DESCRIBE HISTORY``) reads and
changes the same tables as any Delta table. A commit carries the transaction ``txnAppId`` =
connector, ``txnVersion`` = the sequence of the last batch it holds (one commit may hold a run
of consecutive batches); a write whose version the table already holds for that app is skipped,
so re-running a batch adds nothing, and Spark's own idempotent writes honour the same
transaction. It also carries ``userMetadata``: JSON with the kind of commit
(``ingest_batches``, ``dlq_replay``), the connector, and for each batch its sequence, id and
counts. After a crash between the commit and the cursor acknowledgement,
:func:`committed_commits` finds the batches in the table's history and the pipeline
acknowledges them (:mod:`ingest.commits`) instead of re-reading a source that may now split
differently.

Usage::

    commit_to_bronze([staged / "bronze.parquet"], table, app_id="upi", version=7,
                     metadata={"kind": "ingest_batches", "connector": "upi", "batches": […]})
    committed_commits(table, "upi", kind="ingest_batches")   # [{"batches": […], …}]
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from deltalake import CommitProperties, DeltaTable, Transaction, write_deltalake
from deltalake.exceptions import DeltaError

from ingest.exceptions import BronzeCommitFailed, InjectedCrash

__all__ = ["BATCH_KIND", "REPLAY_KIND", "commit_to_bronze", "committed_commits",
           "leave_uncommitted_files"]

BATCH_KIND, REPLAY_KIND = "ingest_batches", "dlq_replay"


def commit_to_bronze(staged: Path | Sequence[Path], table: Path | str, *, app_id: str,
                     version: int | None, metadata: Mapping[str, Any] | None = None) -> bool:
    """Append the staged Parquet files to the Delta table ``table`` (created if need be) in one
    commit; ``False`` when the table already holds ``app_id``'s commit ``version``.

    ``version`` ``None``: no idempotency token (the caller keeps its own, e.g. a replay's
    letter ids in ``metadata``). The version check and the write are two steps, so one writer
    per ``app_id`` at a time: :mod:`ingest.run_lock` holds a connector's runs to that.
    """
    paths = [staged] if isinstance(staged, Path) else list(staged)
    uri = str(table)
    if version is not None:
        committed = _app_version(uri, app_id)
        if committed is not None and committed >= version:
            return False
    user_metadata = (None if metadata is None else
                     {"userMetadata": json.dumps(dict(metadata), sort_keys=True, default=str)})
    properties = CommitProperties(
        custom_metadata=user_metadata,
        app_transactions=None if version is None else [Transaction(app_id, version)])
    try:
        write_deltalake(uri, _staged_rows(paths), mode="append", commit_properties=properties)
    except (DeltaError, pa.ArrowException, OSError) as exc:
        raise BronzeCommitFailed(f"commit of {len(paths)} staged file(s) to {table} (app "
                                 f"{app_id}, version {version}) failed: {exc}") from exc
    return True


def _app_version(uri: str, app_id: str) -> int | None:
    return DeltaTable(uri).transaction_version(app_id) if DeltaTable.is_deltatable(uri) \
        else None


def _staged_rows(paths: Sequence[Path]) -> pa.RecordBatchReader:
    """The staged files as one stream (a file at a time in memory), in their common schema."""
    schema = pa.unify_schemas([pq.read_schema(path) for path in paths],
                              promote_options="permissive")

    def batches() -> Iterator[pa.RecordBatch]:
        for path in paths:
            yield from pq.read_table(path).cast(schema).to_batches()

    return pa.RecordBatchReader.from_batches(schema, batches())


def committed_commits(table: Path | str, connector: str, *, kind: str) -> list[dict[str, Any]]:
    """The ``userMetadata`` of every commit of ``kind`` by ``connector`` in the table's
    history, oldest first; empty when the table does not exist yet."""
    uri = str(table)
    if not DeltaTable.is_deltatable(uri):
        return []
    found = []
    for commit in sorted(DeltaTable(uri).history(), key=lambda c: c["version"]):
        try:
            facts = json.loads(commit.get("userMetadata") or "null")
        except ValueError:
            continue  # a commit another tool annotated in its own way
        if isinstance(facts, dict) and facts.get("kind") == kind and \
                facts.get("connector") == connector:
            found.append(facts)
    return found


def leave_uncommitted_files(staged: Path, table: Path | str, where: str) -> None:
    """Crash injection ``mid_write``: put the batch's data files into the table folder, as a
    writer killed before its log commit leaves them, then raise :class:`InjectedCrash`.
    Delta never reads a file its log does not name (``VACUUM`` removes them)."""
    folder = Path(str(table).removeprefix("file://"))
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(staged, folder / f"part-00000-{uuid.uuid4()}-c000.snappy.parquet")
    raise InjectedCrash(f"injected crash mid_write at {where}: data files written, no commit")

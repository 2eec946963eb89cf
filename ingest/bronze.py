"""Commit staged rows to a Delta table, idempotently, with the batch's facts in the commit.

A commit carries ``txnAppId`` = connector and ``txnVersion`` = the sequence of the last batch
it holds (one commit may hold a run of consecutive batches): Delta skips a write whose version
it has already committed for that app, so re-running a batch adds nothing. It also carries
``userMetadata``: JSON with the kind of commit (``ingest_batches``, ``dlq_replay``), the
connector, and for each batch its sequence, cursor range and counts. After a crash between the
commit and the cursor acknowledgement, :func:`committed_commits` finds the batches in the
table's history and the pipeline acknowledges them with the cursors stored there, instead of
re-reading a source that may now split differently.

Usage::

    commit_to_bronze(spark, [staged / "bronze.parquet"], table, app_id="upi", version=7,
                     metadata={"kind": "ingest_batches", "connector": "upi", "batches": […]})
    committed_commits(spark, table, "upi", kind="ingest_batches")   # [{"batches": […], …}]
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from delta.tables import DeltaTable
from pyspark.sql import SparkSession
from pyspark.sql.utils import AnalysisException

from ingest.exceptions import BronzeCommitFailed, InjectedCrash

__all__ = ["BATCH_KIND", "REPLAY_KIND", "commit_to_bronze", "committed_commits",
           "leave_uncommitted_files"]

BATCH_KIND, REPLAY_KIND = "ingest_batches", "dlq_replay"


def commit_to_bronze(spark: SparkSession, staged: Path | Sequence[Path], table: Path | str, *,
                     app_id: str, version: int | None,
                     metadata: Mapping[str, Any] | None = None) -> None:
    """Append the Parquet at ``staged`` (files or folders) to the Delta table ``table``, in one
    commit.

    ``version`` ``None``: no idempotency token (the caller keeps its own, e.g. a replay's
    letter ids in ``metadata``).
    """
    paths = [staged] if isinstance(staged, Path) else list(staged)
    writer = (spark.read.parquet(*map(str, paths)).write.format("delta").mode("append"))
    if version is not None:
        writer = writer.option("txnAppId", app_id).option("txnVersion", version)
    if metadata is not None:
        writer = writer.option("userMetadata", json.dumps(dict(metadata), sort_keys=True,
                                                          default=str))
    try:
        writer.save(str(table))
    except AnalysisException as exc:
        raise BronzeCommitFailed(f"commit of {len(paths)} staged file(s) to {table} (app "
                                 f"{app_id}, version {version}) failed: {exc}") from exc


def committed_commits(spark: SparkSession, table: Path | str, connector: str, *,
                      kind: str) -> list[dict[str, Any]]:
    """The ``userMetadata`` of every commit of ``kind`` by ``connector`` in the table's
    history, oldest first; empty when the table does not exist yet."""
    if not DeltaTable.isDeltaTable(spark, str(table)):
        return []
    rows = (DeltaTable.forPath(spark, str(table)).history()
            .where("userMetadata IS NOT NULL").select("version", "userMetadata").collect())
    found = []
    for row in sorted(rows, key=lambda r: r["version"]):
        try:
            facts = json.loads(row["userMetadata"])
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

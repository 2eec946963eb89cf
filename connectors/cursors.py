"""Where each connector has got to in its source: a cursor per connector, in a real database.

The pipeline acknowledges a batch only after the sink committed it; :meth:`CursorStore.acknowledge`
then stores the batch's ``end`` cursor and the next sequence number in one transaction. It
refuses a batch whose ``start`` is not the stored cursor or whose ``sequence`` is not the next
one, so the cursor can neither skip data nor run ahead of it. Every acknowledgement is also
kept in a history table, for audits and for ``nijta connectors`` reports.

A crash between the sink's commit and the acknowledgement leaves a committed batch the store
does not know. Re-reading does not necessarily rebuild that very batch (a late record may have
arrived, pages may split differently), so the sink keeps each batch's ``sequence``, ``start``
and ``end`` with its commit (Delta commit metadata) and, on restart, the pipeline acknowledges
the committed batch whose sequence is ``position().next_sequence`` before reading on.

SQLite (a file) by default; any SQLAlchemy URL works unchanged (``postgresql+psycopg://…``).

Usage::

    store = CursorStore("sqlite:///state/cursors.db")   # or just a path: "state/cursors.db"
    position = store.position("upi")
    for batch in connector.read_batches(position.cursor, first_sequence=position.next_sequence):
        commit(batch)
        store.acknowledge("upi", batch)
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from connectors.base import Cursor, SourceBatch
from connectors.exceptions import CursorConflict

__all__ = ["AcknowledgedBatch", "CursorPosition", "CursorStore"]

_metadata = MetaData()
_cursors = Table(
    "connector_cursors", _metadata,
    Column("connector", String(64), primary_key=True),
    Column("cursor", Text, nullable=False),
    Column("next_sequence", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
_history = Table(
    "connector_cursor_history", _metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("connector", String(64), nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("batch_id", String(100), nullable=False),
    Column("start", Text, nullable=True),
    Column("end", Text, nullable=False),
    Column("records", Integer, nullable=False),
    Column("malformed", Integer, nullable=False),
    Column("acknowledged_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("connector", "sequence"),
)


@dataclass(frozen=True)
class CursorPosition:
    """Where to resume: after ``cursor`` (``None``: from the start), numbering from
    ``next_sequence``."""

    cursor: Cursor | None
    next_sequence: int


@dataclass(frozen=True)
class AcknowledgedBatch:
    """One row of a connector's acknowledgement history."""

    sequence: int
    batch_id: str
    start: Cursor | None
    end: Cursor
    records: int
    malformed: int
    acknowledged_at: datetime


class CursorStore:
    """Cursors of every connector of a deployment, in one SQL database.

    Args:
        url: An SQLAlchemy URL, or a filesystem path taken as a SQLite file (its folder is
            created).
    """

    def __init__(self, url: str | Path) -> None:
        text = str(url)
        if "://" not in text:
            Path(text).parent.mkdir(parents=True, exist_ok=True)
            text = f"sqlite:///{text}"
        self.url = text
        # A pooled connection dies with a server restart or failover; the ping replaces it
        # rather than failing the next acknowledgement.
        self._engine = create_engine(text, pool_pre_ping=True)
        _metadata.create_all(self._engine)

    def position(self, connector: str) -> CursorPosition:
        """The stored cursor of ``connector``; ``CursorPosition(None, 0)`` before its first
        acknowledged batch."""
        with self._engine.connect() as conn:
            row = conn.execute(select(_cursors.c.cursor, _cursors.c.next_sequence)
                               .where(_cursors.c.connector == connector)).first()
        if row is None:
            return CursorPosition(cursor=None, next_sequence=0)
        return CursorPosition(cursor=json.loads(row.cursor), next_sequence=row.next_sequence)

    def acknowledge(self, connector: str, batch: SourceBatch) -> None:
        """Store ``batch.end`` and ``batch.sequence + 1`` after the sink committed ``batch``.

        Raises:
            CursorConflict: ``batch`` does not continue from the stored position.
        """
        if batch.connector != connector:
            raise CursorConflict(connector, f"batch {batch.batch_id} belongs to connector "
                                 f"{batch.connector!r}")
        now = datetime.now(UTC)
        try:
            with self._engine.begin() as conn:
                self._advance(conn, connector, batch, now)
                conn.execute(insert(_history).values(
                    connector=connector, sequence=batch.sequence, batch_id=batch.batch_id,
                    start=_canonical(batch.start), end=_canonical(batch.end),
                    records=batch.records.num_rows, malformed=len(batch.malformed),
                    acknowledged_at=now))
        except IntegrityError as exc:  # a concurrent acknowledgement of the same sequence won
            raise CursorConflict(connector, f"batch {batch.batch_id} (sequence "
                                 f"{batch.sequence}) was acknowledged concurrently") from exc

    def _advance(self, conn: Connection, connector: str, batch: SourceBatch,
                 now: datetime) -> None:
        row = conn.execute(select(_cursors.c.cursor, _cursors.c.next_sequence)
                           .where(_cursors.c.connector == connector)).first()
        stored, expected = (None, 0) if row is None else (row.cursor, row.next_sequence)
        if batch.sequence != expected:
            raise CursorConflict(connector, f"batch {batch.batch_id} has sequence "
                                 f"{batch.sequence} but the next one is {expected}; re-read "
                                 "from the stored cursor")
        if _canonical(batch.start) != stored:
            raise CursorConflict(connector, f"batch {batch.batch_id} starts at a cursor other "
                                 "than the stored one; re-read from the stored cursor")
        values = {"cursor": _canonical(batch.end), "next_sequence": expected + 1,
                  "updated_at": now}
        if row is None:
            conn.execute(insert(_cursors).values(connector=connector, **values))
            return
        # Compare-and-set on the sequence: a concurrent writer makes this touch no row.
        done = conn.execute(update(_cursors).where(_cursors.c.connector == connector,
                                                   _cursors.c.next_sequence == expected)
                            .values(**values))
        if done.rowcount != 1:
            raise CursorConflict(connector, f"batch {batch.batch_id} (sequence "
                                 f"{batch.sequence}) was acknowledged concurrently")

    def history(self, connector: str) -> list[AcknowledgedBatch]:
        """Every acknowledged batch of ``connector``, oldest first."""
        with self._engine.connect() as conn:
            rows = conn.execute(select(_history).where(_history.c.connector == connector)
                                .order_by(_history.c.sequence)).all()
        return [AcknowledgedBatch(
            sequence=row.sequence, batch_id=row.batch_id,
            start=None if row.start is None else json.loads(row.start),
            end=json.loads(row.end), records=row.records, malformed=row.malformed,
            acknowledged_at=_aware(row.acknowledged_at),
        ) for row in rows]

    def close(self) -> None:
        """Release the database connections."""
        self._engine.dispose()


def _canonical(cursor: Cursor | None) -> str | None:
    """One text per cursor value, so equal cursors compare equal whatever their key order."""
    if cursor is None:
        return None
    return json.dumps(_plain(cursor), sort_keys=True, separators=(",", ":"), default=str)


def _plain(value: Any) -> Any:
    """Mappings as dicts and tuples as lists, the shapes JSON gives back."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _aware(stamp: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were stored in UTC."""
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)

"""Incremental reading by creation time with a late-arrival window, exactly once.

Sources such as a UPI switch add records out of order: a transaction created at 10:00 may only
show up at 10:20. Reading strictly after the newest creation time seen would miss it; so each
read starts ``window`` before the newest time read so far (the watermark), and the ids already
delivered from that stretch are kept in the cursor and skipped. A record that shows up at most
``window`` after its creation is therefore delivered once, never twice: the cursor's ``seen``
holds every id delivered with a creation time at or after ``read_from``.

The cursor is plain JSON::

    {"read_from": "2026-08-01T09:00:00Z", "watermark": "2026-08-01T10:00:00Z",
     "seen": {"<35-char id>": "2026-08-01T09:58:12Z", ...},
     "reported": {"upi_txn_20260801.csv:17": "2026-08-01T18:30:00Z", ...}}

``reported`` keys malformed records already handed on (by file line or payload digest), each
with the time from which it can no longer be re-read, so a re-read does not report them twice.

Usage::

    cursor = CreationTimeCursor.load(stored, window=timedelta(hours=1))
    fresh = [r for r in records if cursor.is_new(r["TransactionID"], r["CreationTime"])]
    cursor = cursor.advance(fresh, reported={})
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from connectors.base import Cursor

__all__ = ["CreationTimeCursor", "format_time"]


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def format_time(value: datetime) -> str:
    """RFC 3339 in UTC with a ``Z``; microseconds only when there are any."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@dataclass(frozen=True)
class CreationTimeCursor:
    """Where an incremental read by creation time stands; immutable, advanced per batch."""

    window: timedelta
    read_from: datetime | None = None
    """The next read starts here (``None``: at the source's beginning)."""
    watermark: datetime | None = None
    """Newest creation time delivered so far."""
    seen: Mapping[str, datetime] = field(default_factory=dict)
    """Id → creation time of every record delivered at or after ``read_from``."""
    reported: Mapping[str, datetime] = field(default_factory=dict)
    """Malformed-record key → the time after which it cannot be re-read."""

    @classmethod
    def load(cls, cursor: Cursor | None, *, window: timedelta,
             start: datetime | None = None) -> CreationTimeCursor:
        """The cursor a connector stored, or a fresh one starting at ``start``."""
        if cursor is None:
            return cls(window=window, read_from=start)
        return cls(
            window=window,
            read_from=_time(cursor["read_from"]) if cursor.get("read_from") else None,
            watermark=_time(cursor["watermark"]) if cursor.get("watermark") else None,
            seen={k: _time(v) for k, v in cursor.get("seen", {}).items()},
            reported={k: _time(v) for k, v in cursor.get("reported", {}).items()},
        )

    def dump(self) -> dict[str, Any]:
        """JSON form for :class:`connectors.base.SourceBatch` and the cursor store."""
        return {
            "read_from": None if self.read_from is None else format_time(self.read_from),
            "watermark": None if self.watermark is None else format_time(self.watermark),
            "seen": {k: format_time(v) for k, v in sorted(self.seen.items())},
            "reported": {k: format_time(v) for k, v in sorted(self.reported.items())},
        }

    def is_new(self, record_id: str, created: datetime) -> bool:
        """Whether a record is inside the read range and not delivered yet."""
        if self.read_from is not None and created < self.read_from:
            return False
        return record_id not in self.seen

    def was_reported(self, key: str) -> bool:
        return key in self.reported

    def advance(self, delivered: Iterable[tuple[str, datetime]],
                reported: Mapping[str, datetime]) -> CreationTimeCursor:
        """The cursor after delivering ``(id, created)`` records and reporting malformed ones;
        ``read_from`` moves to ``window`` before the new watermark, never back."""
        seen = dict(self.seen)
        seen.update(delivered)
        watermark = max([t for t in (self.watermark, *seen.values()) if t is not None],
                        default=None)
        read_from = self._read_from_after(watermark)
        keep = (lambda t: True) if read_from is None else (lambda t: t >= read_from)
        return CreationTimeCursor(
            window=self.window, read_from=read_from, watermark=watermark,
            seen={k: t for k, t in seen.items() if keep(t)},
            reported={k: t for k, t in {**self.reported, **reported}.items() if keep(t)},
        )

    def advance_columns(self, ids: pa.ChunkedArray, created: pa.ChunkedArray,
                        reported: Mapping[str, datetime]) -> CreationTimeCursor:
        """:meth:`advance` for delivered records given as Arrow columns, each id once and none
        of them in ``seen`` (as :meth:`is_new` picks them). Only the records the new cursor
        keeps in ``seen`` become Python objects; the ones older than its ``read_from`` would
        be dropped by :meth:`advance` anyway."""
        newest = pc.max(created).as_py()
        # read_from moves to at least this: the watermark is at least the newest delivered time
        horizon = self._read_from_after(newest)
        if horizon is not None:
            kept = pc.greater_equal(created, pa.scalar(horizon, created.type))
            ids, created = ids.filter(kept), created.filter(kept)
        # via microseconds: pyarrow's own conversion of zoned times is ~10x slower
        times = [_EPOCH + timedelta(microseconds=us)
                 for us in created.cast(pa.int64()).to_pylist()]
        return self.advance(zip(ids.to_pylist(), times, strict=True), reported)

    def _read_from_after(self, watermark: datetime | None) -> datetime | None:
        """``read_from`` once the watermark is ``watermark``: ``window`` before it, never back."""
        if watermark is None:
            return self.read_from
        floor = watermark - self.window
        return floor if self.read_from is None else max(self.read_from, floor)

"""Raw switch records → one :class:`SourceBatch` and the cursor after it.

Both UPI connectors read raw records (JSON items, CSV lines) in chunks; this module parses a
chunk, keeps the records the cursor has not delivered yet, turns the broken ones into
:class:`MalformedRecord` (unless already reported) and advances the cursor. A connector that
parses most of a chunk as Arrow columns itself (the CSV export) parses only the rest record by
record (:func:`parse_raw_record`) and hands both to :func:`deliver_switch_batch`.

Usage::

    batch, state = build_switch_batch("upi", sequence, previous_end, state, raw_records)
    if batch is not None:
        yield batch
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from connectors.base import Cursor, MalformedRecord, SourceBatch
from connectors.upi.incremental import CreationTimeCursor
from connectors.upi.switch_record import (
    SWITCH_RECORD_SCHEMA,
    RecordProblem,
    parse_creation_time,
    parse_switch_record,
)

__all__ = [
    "BrokenRecord", "RawRecord", "build_switch_batch", "deliver_switch_batch", "parse_raw_record",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class RawRecord:
    """One record as the source delivered it."""

    position: str
    """Where it came from, e.g. ``upi_txn_20260801.csv:17`` or ``page 3 item 17``."""
    payload: str | None
    """The record's raw text; ``None``: rendered from ``fields`` as JSON when needed."""
    fields: Mapping[str, Any] | None
    """Field name → raw value; ``None`` when it could not be split into fields (then
    ``payload`` is given)."""
    problem: RecordProblem | None
    """Set when the record is broken before any field is looked at (bad CSV, not an object)."""
    report_key: str | None
    """Stable identity of the record for not reporting it twice when re-read; ``None``: a
    digest of the payload."""
    readable_until: datetime | None = None
    """After the cursor's ``read_from`` passes this time the record is not re-read; ``None``:
    its own creation time, or the newest one around it."""


@dataclass(frozen=True)
class BrokenRecord:
    """A raw record that cannot be delivered, with why and until when it can be re-read."""

    raw: RawRecord
    """With its payload and report key filled in."""
    problem: RecordProblem
    readable_until: datetime | None


def parse_raw_record(raw: RawRecord) -> dict[str, Any] | BrokenRecord:
    """The typed values of ``raw`` (see :func:`parse_switch_record`), or why it is broken."""
    parsed = raw.problem or parse_switch_record(raw.fields or {})
    if not isinstance(parsed, RecordProblem):
        return parsed
    raw = _identified(raw)
    until = raw.readable_until or parse_creation_time((raw.fields or {}).get("CreationTime"))
    return BrokenRecord(raw, parsed, until)


def build_switch_batch(
    connector: str, sequence: int, start: Cursor | None, state: CreationTimeCursor,
    raws: Iterable[RawRecord], *, source: str,
) -> tuple[SourceBatch | None, CreationTimeCursor]:
    """The batch of the new and the newly broken records in ``raws`` (``None`` when there are
    none) and the cursor after it. ``start`` is the cursor the batch continues from, exactly as
    stored; ``source`` names the source in malformed reasons (a file, an endpoint)."""
    records: list[dict[str, Any]] = []
    broken: list[BrokenRecord] = []
    for raw in raws:
        parsed = parse_raw_record(raw)
        if isinstance(parsed, BrokenRecord):
            broken.append(parsed)
        else:
            records.append(parsed)
    return deliver_switch_batch(connector, sequence, start, state,
                                pa.Table.from_pylist(records, schema=SWITCH_RECORD_SCHEMA),
                                broken, source=source)


def deliver_switch_batch(
    connector: str, sequence: int, start: Cursor | None, state: CreationTimeCursor,
    records: pa.Table, broken: Sequence[BrokenRecord], *, source: str,
) -> tuple[SourceBatch | None, CreationTimeCursor]:
    """:func:`build_switch_batch` for records already parsed: ``records`` in source order
    (:data:`SWITCH_RECORD_SCHEMA`), ``broken`` the rest. Delivers the first of the records of
    an id the cursor has not delivered yet and the broken records not reported yet."""
    new = _new_rows(records, state)
    fresh = records if len(new) == records.num_rows else records.take(new)
    broken = [b for b in broken if not state.was_reported(str(b.raw.report_key))]
    if not fresh.num_rows and not broken:
        return None, state
    ids, created = fresh["TransactionID"], fresh["CreationTime"]
    newest = max(t for t in (pc.max(created).as_py(), state.watermark or _EPOCH)
                 if t is not None)
    reported = {str(b.raw.report_key): b.readable_until or newest for b in broken}
    after = state.advance_columns(ids, created, reported)
    malformed = tuple(MalformedRecord(position=b.raw.position, rule=b.problem.rule,
                                      reason=f"{source}: {b.raw.position}: {b.problem.reason}",
                                      payload=str(b.raw.payload)) for b in broken)
    batch = SourceBatch(connector=connector, sequence=sequence, start=start, end=after.dump(),
                        records=fresh, malformed=malformed)
    return batch, after


def _new_rows(records: pa.Table, state: CreationTimeCursor) -> np.ndarray:
    """Positions of the records ``state`` says are new, the first one of each id only."""
    ids, created = records["TransactionID"], records["CreationTime"]
    new = pc.invert(pc.is_in(ids, value_set=pa.array(list(state.seen), pa.string())))
    if state.read_from is not None:
        new = pc.and_(new, pc.greater_equal(created, pa.scalar(state.read_from, created.type)))
    positions = np.flatnonzero(new.to_numpy(zero_copy_only=False))
    candidates = ids.take(positions)
    if pc.count_distinct(candidates).as_py() < len(candidates):
        groups = pc.index_in(candidates, value_set=pc.unique(candidates)).to_numpy()
        positions = positions[np.sort(np.unique(groups, return_index=True)[1])]
    return positions


def _identified(raw: RawRecord) -> RawRecord:
    """``raw`` with its payload and report key filled in (only broken records need them)."""
    payload = raw.payload
    if payload is None:
        payload = json.dumps(raw.fields, sort_keys=True, separators=(",", ":"), default=str)
    key = raw.report_key or f"sha256:{hashlib.sha256(payload.encode()).hexdigest()[:24]}"
    return replace(raw, payload=payload, report_key=key)

"""Raw switch records → one :class:`SourceBatch` and the cursor after it.

Both UPI connectors read raw records (JSON items, CSV lines) in chunks; this module parses a
chunk, keeps the records the cursor has not delivered yet, turns the broken ones into
:class:`MalformedRecord` (unless already reported) and advances the cursor.

Usage::

    batch, state = build_switch_batch("upi", sequence, previous_end, state, raw_records)
    if batch is not None:
        yield batch
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from connectors.base import Cursor, MalformedRecord, SourceBatch
from connectors.upi.incremental import CreationTimeCursor
from connectors.upi.switch_record import (
    SWITCH_RECORD_SCHEMA,
    RecordProblem,
    parse_creation_time,
    parse_switch_record,
)

__all__ = ["RawRecord", "build_switch_batch"]

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


def build_switch_batch(
    connector: str, sequence: int, start: Cursor | None, state: CreationTimeCursor,
    raws: Iterable[RawRecord], *, source: str,
) -> tuple[SourceBatch | None, CreationTimeCursor]:
    """The batch of the new and the newly broken records in ``raws`` (``None`` when there are
    none) and the cursor after it. ``start`` is the cursor the batch continues from, exactly as
    stored; ``source`` names the source in malformed reasons (a file, an endpoint)."""
    fresh: list[dict[str, Any]] = []
    delivered: dict[str, datetime] = {}
    broken: list[tuple[RawRecord, RecordProblem, datetime | None]] = []
    for raw in raws:
        parsed = raw.problem or parse_switch_record(raw.fields or {})
        if isinstance(parsed, RecordProblem):
            raw = _identified(raw)
            created = parse_creation_time((raw.fields or {}).get("CreationTime"))
            if not state.was_reported(str(raw.report_key)):
                broken.append((raw, parsed, raw.readable_until or created))
            continue
        record_id, created = parsed["TransactionID"], parsed["CreationTime"]
        if state.is_new(record_id, created) and record_id not in delivered:
            delivered[record_id] = created
            fresh.append(parsed)
    if not fresh and not broken:
        return None, state
    newest = max([*delivered.values(), state.watermark or _EPOCH])
    reported = {str(raw.report_key): until or newest for raw, _, until in broken}
    after = state.advance(delivered.items(), reported)
    malformed = tuple(MalformedRecord(position=raw.position, rule=problem.rule,
                                      reason=f"{source}: {raw.position}: {problem.reason}",
                                      payload=str(raw.payload)) for raw, problem, _ in broken)
    batch = SourceBatch(connector=connector, sequence=sequence, start=start, end=after.dump(),
                        records=pa.Table.from_pylist(fresh, schema=SWITCH_RECORD_SCHEMA),
                        malformed=malformed)
    return batch, after


def _identified(raw: RawRecord) -> RawRecord:
    """``raw`` with its payload and report key filled in (only broken records need them)."""
    payload = raw.payload
    if payload is None:
        payload = json.dumps(raw.fields, sort_keys=True, separators=(",", ":"), default=str)
    key = raw.report_key or f"sha256:{hashlib.sha256(payload.encode()).hexdigest()[:24]}"
    return replace(raw, payload=payload, report_key=key)

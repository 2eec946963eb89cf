"""The UPI issuer switch's transaction record, as both its REST API and its CSV export carry it.

Field names and order follow the financial-transaction export of an issuer switch (Google
Cloud UPI Issuer Switch: 35-character transaction id, 12-digit RRN, payer and payee VPA,
mobile, IFSC, account, MCC, amount, state, NPCI error codes, device information).
:func:`parse_switch_record` turns one raw record (text values) into typed values, or says why
it cannot: only what the connector itself needs is checked here (the id it de-duplicates by,
the creation time it is incremental on, a readable amount); value rules (VPA shape, IFSC) are
the ingestion validator's. :func:`parse_switch_columns` does the same for a whole table of text
columns at Arrow speed, for the rows it can vouch for; the rest go through
:func:`parse_switch_record`, which alone names problems.

Usage::

    parsed = parse_switch_record(raw)
    if isinstance(parsed, RecordProblem): report(parsed.rule, parsed.reason)
    typed, vouched = parse_switch_columns(text_table)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "SWITCH_FIELDS", "SWITCH_RECORD_SCHEMA", "RecordProblem", "parse_creation_time",
    "parse_switch_columns", "parse_switch_record",
]

SWITCH_FIELDS: tuple[str, ...] = (
    "TransactionID", "TransactionType", "TransactionSubType", "CreationTime", "State", "RRN",
    "PayerVPA", "PayerMobileNumber", "PayerIFSC", "PayerAccountNumber", "PayerAccountType",
    "PayeeVPA", "PayeeMobileNumber", "PayeeIFSC", "PayeeAccountNumber", "PayeeAccountType",
    "PayeeMerchantID", "PayeeMerchantName", "PayeeMCC", "Currency", "Amount",
    "ErrorCode", "ErrorMessage", "UPIErrorCode",
    "PayerDeviceType", "PayerDeviceID", "PayerDeviceOS", "PayerDeviceAppName", "PayerDeviceIP",
    "PayerDeviceLocation", "PayerDeviceTelecomProvider",
    "InitiationMode", "PurposeCode", "Description",
)
"""The export's columns, in the switch's order."""

_TYPED = {"CreationTime": pa.timestamp("us", tz="UTC"), "Amount": pa.decimal128(15, 2)}
SWITCH_RECORD_SCHEMA = pa.schema([pa.field(name, _TYPED.get(name, pa.string()),
                                           nullable=name not in ("TransactionID", "CreationTime"))
                                  for name in SWITCH_FIELDS])
"""Arrow schema of the records both UPI connectors deliver."""

_TRANSACTION_ID = re.compile(r"^[A-Za-z0-9]{35}$")
_AMOUNT = re.compile(r"^\d{1,13}(\.\d{1,2})?$")
# The times parse_switch_columns converts itself: RFC 3339 with every field in range (only the
# day of the month is checked separately), in years far from datetime's limits. Anything else
# (other ISO 8601 forms fromisoformat accepts, or broken times) is parse_creation_time's.
_PLAIN_TIME = (r"^(?:19|2[0-9])[0-9]{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
               r"T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,6})?"
               r"(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$")


@dataclass(frozen=True)
class RecordProblem:
    """Why a raw record cannot be delivered; names the field, never its value."""

    rule: str
    reason: str


def parse_creation_time(text: Any) -> datetime | None:
    """An RFC 3339 time with a zone as an aware UTC datetime; ``None`` when it is not one."""
    if not isinstance(text, str):
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value.astimezone(UTC) if value.tzinfo is not None else None


def parse_switch_record(raw: Mapping[str, Any]) -> dict[str, Any] | RecordProblem:
    """Typed values of one raw record (empty text becomes null), or the first problem."""
    missing = [name for name in SWITCH_FIELDS if name not in raw]
    extra = sorted(set(raw) - set(SWITCH_FIELDS))
    if missing or extra:
        return RecordProblem("upi.fields", f"missing fields {missing}, unknown fields {extra}")
    values = {name: (value or None) if type(value := raw[name]) is str else _text(value)
              for name in SWITCH_FIELDS}
    if values["TransactionID"] is None or not _TRANSACTION_ID.match(values["TransactionID"]):
        return RecordProblem("upi.transaction_id",
                             "TransactionID is not 35 alphanumeric characters")
    created = parse_creation_time(values["CreationTime"])
    if created is None:
        return RecordProblem("upi.creation_time", "CreationTime is not an RFC 3339 time with "
                             "a zone")
    values["CreationTime"] = created
    if values["Amount"] is not None:
        if not _AMOUNT.match(values["Amount"]):
            return RecordProblem("upi.amount", "Amount is not a rupee amount with at most two "
                                 "decimals")
        try:
            values["Amount"] = Decimal(values["Amount"])
        except InvalidOperation:
            return RecordProblem("upi.amount", "Amount is not a decimal number")
    return values


def parse_switch_columns(text: pa.Table) -> tuple[pa.Table, np.ndarray]:
    """:func:`parse_switch_record` for a table of the :data:`SWITCH_FIELDS` as text (null where
    empty): the typed records (:data:`SWITCH_RECORD_SCHEMA`) of the rows whose values it can
    vouch for, and a mask of these rows. It only ever accepts what parse_switch_record accepts,
    with the same values (Arrow's regular expressions know ASCII digits only, fewer than
    Python's ``\\d``); the rows it leaves out must go through parse_switch_record."""
    ids, amounts = text["TransactionID"], text["Amount"]
    vouched = pc.and_(pc.match_substring_regex(ids, _TRANSACTION_ID.pattern).fill_null(False),
                      pc.or_kleene(pc.is_null(amounts),
                                   pc.match_substring_regex(amounts, _AMOUNT.pattern)))
    vouched = _mask(vouched) & _plain_times(text["CreationTime"])
    rows = _rows(text, vouched)
    return pa.Table.from_arrays([rows[name].cast(_TYPED[name]) if name in _TYPED else rows[name]
                                 for name in SWITCH_FIELDS], schema=SWITCH_RECORD_SCHEMA), vouched


def _plain_times(text: pa.ChunkedArray) -> np.ndarray:
    """Which values are plain RFC 3339 times of a real calendar day (see ``_PLAIN_TIME``)."""
    plain = _mask(pc.match_substring_regex(text, _PLAIN_TIME).fill_null(False))
    times = text.filter(plain)
    # strptime rolls 2026-02-30 over to 2026-03-02; a real day comes back as itself
    rolled = pc.strptime(pc.utf8_slice_codeunits(times, 0, 10), format="%Y-%m-%d", unit="s")
    real_day = pc.equal(pc.day(rolled), pc.utf8_slice_codeunits(times, 8, 10).cast(pa.int64()))
    plain[plain] = _mask(real_day)
    return plain


def _rows(table: pa.Table, mask: np.ndarray) -> pa.Table:
    """``table.filter(mask)``; when only a few rows are left out, as slices of ``table``
    rather than a copy of it."""
    edges = np.flatnonzero(np.diff(mask.astype(np.int8), prepend=0, append=0))
    if not 0 < len(edges) <= 64:
        return table if mask.all() else table.filter(mask)
    return pa.concat_tables([table.slice(start, stop - start)
                             for start, stop in zip(edges[0::2], edges[1::2], strict=True)])


def _mask(values: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """A boolean Arrow column without nulls as a writable numpy mask."""
    return np.array(values.to_numpy(zero_copy_only=False), dtype=bool)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    return text or None

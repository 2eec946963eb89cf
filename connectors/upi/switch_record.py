"""The UPI issuer switch's transaction record, as both its REST API and its CSV export carry it.

Field names and order follow the financial-transaction export of an issuer switch (Google
Cloud UPI Issuer Switch: 35-character transaction id, 12-digit RRN, payer and payee VPA,
mobile, IFSC, account, MCC, amount, state, NPCI error codes, device information).
:func:`parse_switch_record` turns one raw record (text values) into typed values, or says why
it cannot: only what the connector itself needs is checked here (the id it de-duplicates by,
the creation time it is incremental on, a readable amount); value rules (VPA shape, IFSC) are
the ingestion validator's.

Usage::

    parsed = parse_switch_record(raw)
    if isinstance(parsed, RecordProblem): report(parsed.rule, parsed.reason)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import pyarrow as pa

__all__ = [
    "SWITCH_FIELDS", "SWITCH_RECORD_SCHEMA", "RecordProblem", "parse_creation_time",
    "parse_switch_record",
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


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    return text or None

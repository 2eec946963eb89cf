"""Redaction and masking: hide all of a value, or all but what a person needs to recognise it.

Masks follow the Indian display conventions (india-stack §4): Aadhaar ``XXXX XXXX 1234``
(MeitY, via ``stdnum.in_.aadhaar.mask``), PAN ``AAAAAXXXXA`` (CBDT, via ``stdnum``), account
``XXXXXXXX1234`` (the Account Aggregator ``maskedAccNumber`` style), mobile ``XXXXXX2763``,
VPA and email ``XXXX@oksbi``. Account, VPA and email masks have a fixed width, so a masked
value does not reveal the length of what it hides. Any other value keeps its last 4
characters. A value too short or malformed to mask safely is refused, never passed through.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pyarrow as pa
import pyarrow.compute as pc
from stdnum.in_ import aadhaar, pan

from anonymize.columns import check_rows, string_column
from anonymize.tokens import canonical_column

__all__ = ["REDACTED", "mask_column", "redact_column"]

REDACTED = "<REDACTED>"
"""The conventional fixed replacement for :func:`redact_column`."""

_KEEP = 4
_PAN = re.compile(r"[A-Z]{5}[0-9]{4}[A-Z]")


def _aadhaar(value: str) -> str | None:
    return aadhaar.mask(value) if len(value) == 12 and value.isdigit() else None


def _pan(value: str) -> str | None:
    return pan.mask(value) if _PAN.fullmatch(value) else None


def _account(value: str) -> str | None:
    return "X" * 8 + value[-_KEEP:] if len(value) > _KEEP else None


def _mobile(value: str) -> str | None:
    return "X" * 6 + value[-_KEEP:] if len(value) == 10 and value.isdigit() else None


def _handle(value: str) -> str | None:
    local, at, suffix = value.rpartition("@")
    return f"XXXX@{suffix}" if local and at and suffix else None


def _last_four(value: str) -> str:
    hidden = max(len(value) - _KEEP, 0)
    return "X" * hidden + value[hidden:] if hidden else "X" * len(value)


_MASKS: dict[str, Callable[[str], str | None]] = {
    "aadhaar": _aadhaar, "bank_account": _account, "email": _handle, "mobile": _mobile,
    "pan": _pan, "upi_vpa": _handle,
}


def mask_column(column: pa.Array | pa.ChunkedArray, identifier: str | None = None) -> pa.Array:
    """Masked forms of a column; ``identifier`` picks the convention (default: last 4)."""
    if identifier is None:
        values = string_column(column, what="mask")
    else:
        values = canonical_column(identifier, column)
    masker = _MASKS.get(identifier or "", _last_four)
    masked = pa.array([None if v is None else masker(v) for v in values.to_pylist()],
                      pa.string())
    check_rows(pc.and_(values.is_valid(), masked.is_null()),
               f"values too short or malformed to mask as {identifier}")
    return masked


def redact_column(column: pa.Array | pa.ChunkedArray, replacement: str | None = None) -> pa.Array:
    """Every value replaced: by null, or by ``replacement`` where there was a value."""
    if replacement is None:
        return pa.nulls(len(column), column.type)
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    return pc.if_else(column.is_valid(), pa.scalar(replacement), pa.scalar(None, pa.string()))

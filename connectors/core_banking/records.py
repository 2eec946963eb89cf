"""One core-banking transaction leg, parsed the same way from every extract and table.

Finacle keeps a transaction as legs ("parts") in HTD, keyed by ``(tran_date, tran_id,
part_tran_srl_num)``. Each leg debits (``D``) or credits (``C``) one account by a positive
``tran_amt``, and a transaction's legs balance. ``tran_id`` restarts every day, so it is unique
only together with ``tran_date``. A reversal is a new transaction whose legs mirror the
original's and carry the original leg's key in ``orig_tran_date``, ``orig_tran_id`` and
``orig_part_tran_srl_num`` (all three, or none).

The fixed-width, delimited and SQL readers hand raw values to :class:`TransactionRows`, which
parses them here and only here:

* dates are ``DD-MM-YYYY`` (or ``date`` objects from a database);
* ``pstd_date`` is ``DD-MM-YYYY HH:MM:SS``, Indian Standard Time wall clock (or a naive
  ``datetime`` from a database, read as IST);
* amounts are non-negative with at most two decimals (a ``NUMBER(20,4)`` value such as
  ``1250.5000`` is fine, ``1250.5050`` is refused, never rounded), parsed as ``Decimal`` and
  stored as ``decimal128(18, 2)``. A driver that returns floats (sqlite) is read through the
  float's shortest repr, which is the decimal it was stored from for up to 15 significant
  digits;
* the D/C indicator is exactly ``D`` or ``C``.

A value that breaks a rule makes the record a :class:`~connectors.base.MalformedRecord` whose
rule is ``<field>.<rule>`` (``tran_date.calendar``, ``tran_amt.scale``) and whose reason names
the field but never quotes the value.

Usage::

    rows = TransactionRows()
    rows.add({"tran_date": "15-01-2026", ...}, position="HTD_EOD_20260115.dat:2", payload=line)
    table, malformed = rows.table(), rows.malformed
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo

import pyarrow as pa

from connectors.base import MalformedRecord

__all__ = [
    "IST", "TRANSACTION_FIELDS", "TRANSACTION_KEY", "TRANSACTION_SCHEMA", "FieldKind",
    "FieldProblem", "TransactionField", "TransactionRows", "format_field", "parse_amount",
    "parse_date", "parse_transaction",
]

IST = ZoneInfo("Asia/Kolkata")
"""Core banking in India posts in Indian Standard Time."""

FieldKind = Literal["text", "integer", "indicator", "amount", "date", "timestamp"]

_DATE_FORMAT = "%d-%m-%Y"
_TIMESTAMP_FORMAT = "%d-%m-%Y %H:%M:%S"
_DATE = re.compile(r"\d{2}-\d{2}-\d{4}")
_TIMESTAMP = re.compile(r"\d{2}-\d{2}-\d{4} \d{2}:\d{2}:\d{2}")
_AMOUNT = re.compile(r"\d{1,16}(\.\d{1,4})?")
_INTEGER = re.compile(r"\d{1,9}")
_PAISE = Decimal("0.01")


@dataclass(frozen=True)
class TransactionField:
    """One column of a transaction leg."""

    name: str
    kind: FieldKind
    required: bool = True
    pattern: str | None = None
    """``text``: the whole value must match (after trimming)."""
    description: str = ""


TRANSACTION_FIELDS: tuple[TransactionField, ...] = (
    TransactionField("tran_date", "date", description="business date the bank posted it on"),
    TransactionField("tran_id", "text", pattern=r"[A-Za-z0-9]{1,9}",
                     description="transaction id, unique within tran_date"),
    TransactionField("part_tran_srl_num", "integer", description="leg number, 1, 2, …"),
    TransactionField("tran_type", "text", pattern=r"[A-Z]",
                     description="C cash, T transfer, L clearing"),
    TransactionField("tran_sub_type", "text", required=False, pattern=r"[A-Z]{1,2}",
                     description="CI customer-induced, BI bank-induced, …"),
    TransactionField("part_tran_type", "indicator", description="D debit, C credit"),
    TransactionField("foracid", "text", pattern=r"[A-Za-z0-9]{1,16}",
                     description="account number (customer or office account)"),
    TransactionField("sol_id", "text", pattern=r"[A-Za-z0-9]{1,8}", description="branch"),
    TransactionField("cust_id", "text", required=False, pattern=r"[A-Za-z0-9]{1,9}",
                     description="customer id; empty on office accounts"),
    TransactionField("tran_amt", "amount", description="positive; the sign is part_tran_type"),
    TransactionField("crncy_code", "text", pattern=r"[A-Z]{3}"),
    TransactionField("value_date", "date"),
    TransactionField("pstd_date", "timestamp", description="when it was posted, IST"),
    TransactionField("ref_num", "text", required=False, pattern=r".{1,20}",
                     description="RRN, UTR or cheque number"),
    TransactionField("tran_particular", "text", required=False, pattern=r".{1,50}",
                     description="narration; free text that may name people"),
    TransactionField("orig_tran_date", "date", required=False,
                     description="reversal: the original leg's tran_date"),
    TransactionField("orig_tran_id", "text", required=False, pattern=r"[A-Za-z0-9]{1,9}",
                     description="reversal: the original leg's tran_id"),
    TransactionField("orig_part_tran_srl_num", "integer", required=False,
                     description="reversal: the original leg's part_tran_srl_num"),
)
TRANSACTION_KEY = ("tran_date", "tran_id", "part_tran_srl_num")
"""HTD's primary key, in sort order."""
_REVERSAL_FIELDS = ("orig_tran_date", "orig_tran_id", "orig_part_tran_srl_num")

_ARROW_TYPES: dict[str, pa.DataType] = {
    "text": pa.string(),
    "indicator": pa.string(),
    "integer": pa.int32(),
    "amount": pa.decimal128(18, 2),
    "date": pa.date32(),
    "timestamp": pa.timestamp("s", tz="Asia/Kolkata"),
}
TRANSACTION_SCHEMA = pa.schema(
    [pa.field(f.name, _ARROW_TYPES[f.kind], nullable=not f.required)
     for f in TRANSACTION_FIELDS],
    metadata={"key": ",".join(TRANSACTION_KEY)},
)


class FieldProblem(ValueError):
    """A field value broke a rule; becomes a MalformedRecord, never escapes a reader."""

    def __init__(self, field: str, rule: str, reason: str) -> None:
        super().__init__(f"field {field!r}: {reason}")
        self.rule = f"{field}.{rule}"


def parse_date(field: str, value: object) -> date:
    """A ``DD-MM-YYYY`` string, a ``date``, or a midnight ``datetime`` (Oracle DATE)."""
    if isinstance(value, datetime):
        if value.time() != datetime.min.time():
            raise FieldProblem(field, "format", "a date carries a time of day")
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise FieldProblem(field, "format", "expected a date as DD-MM-YYYY")
    try:
        return datetime.strptime(value, _DATE_FORMAT).date()
    except ValueError:
        raise FieldProblem(field, "calendar", "DD-MM-YYYY but not a calendar date") from None


def _timestamp(field: str, value: object) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(IST) if value.tzinfo else value.replace(tzinfo=IST)
    if not isinstance(value, str) or not _TIMESTAMP.fullmatch(value):
        raise FieldProblem(field, "format", "expected DD-MM-YYYY HH:MM:SS")
    try:
        return datetime.strptime(value, _TIMESTAMP_FORMAT).replace(tzinfo=IST)
    except ValueError:
        raise FieldProblem(field, "calendar", "not a calendar date and time") from None


def parse_amount(field: str, value: object) -> Decimal:
    """A non-negative amount with at most two decimals, exactly."""
    if isinstance(value, bool):
        raise FieldProblem(field, "format", "expected an amount, got a boolean")
    if isinstance(value, float):
        value = repr(value)
    elif isinstance(value, int):
        value = str(value)
    elif isinstance(value, Decimal):
        value = format(value, "f")
    if not isinstance(value, str):
        raise FieldProblem(field, "format", "expected an amount")
    if value.startswith("-"):
        raise FieldProblem(field, "sign", "negative; the direction belongs in part_tran_type")
    if not _AMOUNT.fullmatch(value):
        raise FieldProblem(field, "format", "expected digits with up to 16 before and 2 "
                                            "after the decimal point")
    amount = Decimal(value)
    paise = amount.quantize(_PAISE)
    if paise != amount:
        raise FieldProblem(field, "scale", "has fractions of a paisa (more than 2 decimals)")
    return paise


def _integer(field: str, value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**31:
        return value
    if isinstance(value, str) and _INTEGER.fullmatch(value):
        return int(value)
    raise FieldProblem(field, "format", "expected a non-negative whole number")


def _indicator(field: str, value: object) -> str:
    if value in ("D", "C"):
        return str(value)
    raise FieldProblem(field, "indicator", "must be D (debit) or C (credit)")


_PARSERS: dict[FieldKind, Callable[[str, object], object]] = {
    "date": parse_date,
    "timestamp": _timestamp,
    "amount": parse_amount,
    "integer": _integer,
    "indicator": _indicator,
}
_PATTERNS = {f.name: re.compile(f.pattern) for f in TRANSACTION_FIELDS if f.pattern}


def _text(field: str, value: object) -> str:
    if not isinstance(value, str) or not _PATTERNS[field].fullmatch(value):
        raise FieldProblem(field, "format", f"does not match {_PATTERNS[field].pattern}")
    return value


def _blank_to_none(value: object) -> object:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def parse_transaction(raw: Mapping[str, object]) -> dict[str, object]:
    """Parse one leg's raw values (missing keys are empty); raises :class:`FieldProblem`."""
    parsed: dict[str, object] = {}
    for spec in TRANSACTION_FIELDS:
        value = _blank_to_none(raw.get(spec.name))
        if value is None:
            if spec.required:
                raise FieldProblem(spec.name, "required", "is empty")
            parsed[spec.name] = None
        else:
            parsed[spec.name] = _PARSERS.get(spec.kind, _text)(spec.name, value)
    _check_reversal(parsed)
    return parsed


def _check_reversal(leg: Mapping[str, object]) -> None:
    given = [leg[name] is not None for name in _REVERSAL_FIELDS]
    if any(given) and not all(given):
        missing = ", ".join(n for n, g in zip(_REVERSAL_FIELDS, given, strict=True) if not g)
        raise FieldProblem("reversal", "incomplete_reference",
                           f"a reversal names its original leg in all of "
                           f"{', '.join(_REVERSAL_FIELDS)}; {missing} empty")
    if not any(given):
        return
    original = tuple(leg[name] for name in _REVERSAL_FIELDS)
    if original == tuple(leg[name] for name in TRANSACTION_KEY):
        raise FieldProblem("reversal", "self_reference", "the leg names itself as original")
    if leg["orig_tran_date"] > leg["tran_date"]:  # type: ignore[operator]
        raise FieldProblem("reversal", "future_original",
                           "orig_tran_date is after the reversal's tran_date")


def format_field(name: str, value: object) -> str:
    """The text form of a parsed value, as extracts carry it (inverse of the parsers)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(IST).strftime(_TIMESTAMP_FORMAT)
    if isinstance(value, date):
        return value.strftime(_DATE_FORMAT)
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


class TransactionRows:
    """Parsed legs and malformed records of one batch, in source order."""

    def __init__(self) -> None:
        self._columns: dict[str, list[object]] = {f.name: [] for f in TRANSACTION_FIELDS}
        self._malformed: list[MalformedRecord] = []

    def add(self, raw: Mapping[str, object], *, position: str, payload: str) -> bool:
        """Parse ``raw``; keep it as a record, or as malformed with the rule it broke."""
        try:
            parsed = parse_transaction(raw)
        except FieldProblem as problem:
            self.reject(position, problem.rule, str(problem), payload)
            return False
        for name, value in parsed.items():
            self._columns[name].append(value)
        return True

    def reject(self, position: str, rule: str, reason: str, payload: str) -> None:
        """Keep a record the reader could not even split into fields."""
        self._malformed.append(MalformedRecord(position, rule, reason, payload))

    def __len__(self) -> int:
        """Records seen, good and malformed."""
        return len(self._columns["tran_date"]) + len(self._malformed)

    def table(self) -> pa.Table:
        return pa.table(self._columns, schema=TRANSACTION_SCHEMA)

    @property
    def malformed(self) -> tuple[MalformedRecord, ...]:
        return tuple(self._malformed)

"""The fixed-width end-of-day extract: record layouts and the trailer's control totals.

An extract file holds one business day. Every line is one record of ``record_length``
characters (newline not counted); column 1 is the record type:

* ``H`` header, the first line: extract name, business date, creation time;
* ``D`` detail, one per transaction leg (the fields of
  :data:`connectors.core_banking.records.TRANSACTION_FIELDS`);
* ``T`` trailer, the last line: the control totals.

Fields are given as a bank's layout sheet gives them: ``start`` is the 1-based column of the
first character, ``length`` the width. ``alphanumeric`` fields (COBOL ``PIC X``) are
left-justified and space-padded; ``numeric`` ones (``PIC 9``, amounts with an explicit
decimal point) right-justified and zero-padded. An empty optional field is all spaces.

Layout ``finacle_eod_v1`` (200 characters):

==========================  =====  ======  ============  ==================================
field                       start  length  kind          content
==========================  =====  ======  ============  ==================================
record_type                     1       1  alphanumeric  ``D``
tran_date                       2      10  alphanumeric  DD-MM-YYYY
tran_id                        12       9  alphanumeric
part_tran_srl_num              21       4  numeric
tran_type                      25       1  alphanumeric
tran_sub_type                  26       2  alphanumeric
part_tran_type                 28       1  alphanumeric  ``D`` or ``C``
foracid                        29      16  alphanumeric
sol_id                         45       8  alphanumeric
cust_id                        53       9  alphanumeric
tran_amt                       62      17  numeric       ``00000000001250.50``
crncy_code                     79       3  alphanumeric
value_date                     82      10  alphanumeric  DD-MM-YYYY
pstd_date                      92      19  alphanumeric  DD-MM-YYYY HH:MM:SS (IST)
ref_num                       111      20  alphanumeric
orig_tran_date                131      10  alphanumeric  reversals only
orig_tran_id                  141       9  alphanumeric  reversals only
orig_part_tran_srl_num        150       4  numeric       reversals only
tran_particular               154      47  alphanumeric  narration, last so truncation
                                                         of a line hits it first
==========================  =====  ======  ============  ==================================

Header: ``record_type`` 1/1 ``H``, ``extract_name`` 2/20, ``business_date`` 22/10
(DD-MM-YYYY), ``created_at`` 32/19. Trailer: ``record_type`` 1/1 ``T``, ``record_count``
2/9, ``debit_total`` 11/19, ``credit_total`` 30/19 (``0000000000012345.67``).

**Control totals.** ``record_count`` is the number of lines between header and trailer,
malformed ones included: a lost or added line changes it. ``debit_total`` sums ``tran_amt``
over the detail lines whose ``part_tran_type`` is ``D``, ``credit_total`` over those with
``C``, each amount read at its layout position even when another field of the line is bad; a
line whose indicator or amount cannot be read adds to neither. Debits and credits are summed
separately because one sum (net or gross) would not notice a leg whose indicator flipped.
A file whose trailer disagrees is rejected whole.

Usage::

    layout = LAYOUTS["finacle_eod_v1"]
    fields = layout.detail.cut(line)            # {"tran_date": "15-01-2026", ...}
    line = layout.detail.format({"tran_date": "15-01-2026", ...})
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from connectors.core_banking.records import FieldProblem, parse_amount

__all__ = ["LAYOUTS", "ControlTotals", "ExtractLayout", "FixedField", "RecordLayout"]

FieldKind = Literal["alphanumeric", "numeric"]


@dataclass(frozen=True)
class FixedField:
    """One field of a fixed-width record."""

    name: str
    start: int
    """1-based column of the first character."""
    length: int
    kind: FieldKind = "alphanumeric"

    @property
    def columns(self) -> slice:
        return slice(self.start - 1, self.start - 1 + self.length)

    def format(self, text: str) -> str:
        if len(text) > self.length:
            raise ValueError(f"{self.name}: {len(text)} characters do not fit in "
                             f"{self.length}")
        if not text:
            return " " * self.length
        return text.rjust(self.length, "0") if self.kind == "numeric" else text.ljust(
            self.length)


@dataclass(frozen=True)
class RecordLayout:
    """The fields of one record type; the record type itself sits in column 1."""

    record_type: str
    length: int
    fields: tuple[FixedField, ...]

    def __post_init__(self) -> None:
        column = 2
        for spec in self.fields:
            if spec.start < column:
                raise ValueError(f"record {self.record_type}: {spec.name} overlaps the "
                                 f"field before it")
            column = spec.start + spec.length
        if column - 1 > self.length:
            raise ValueError(f"record {self.record_type}: fields run past {self.length}")

    def cut(self, line: str) -> dict[str, str | None]:
        """Each field's trimmed text (``None`` if blank or past the end of a short line)."""
        return {spec.name: line[spec.columns].strip() or None for spec in self.fields}

    def field(self, line: str, name: str) -> str | None:
        spec = next(s for s in self.fields if s.name == name)
        return line[spec.columns].strip() or None

    def format(self, values: Mapping[str, str]) -> str:
        """A record line from field texts; missing fields are blank."""
        line = self.record_type
        for spec in self.fields:
            line = line.ljust(spec.start - 1) + spec.format(values.get(spec.name, ""))
        return line.ljust(self.length)


@dataclass
class ControlTotals:
    """Record count and the separate debit and credit sums (see the module docstring)."""

    record_count: int = 0
    debit_total: Decimal = field(default_factory=Decimal)
    credit_total: Decimal = field(default_factory=Decimal)

    def count(self, indicator: str | None, amount: str | Decimal | None) -> None:
        """Add one detail line with its indicator and amount as read (``None``: unreadable)."""
        self.record_count += 1
        if amount is None or indicator not in ("D", "C"):
            return
        try:
            value = parse_amount("tran_amt", amount)
        except FieldProblem:
            return
        if indicator == "D":
            self.debit_total += value
        else:
            self.credit_total += value

    def __str__(self) -> str:
        return (f"{self.record_count} records, debits {self.debit_total:.2f}, "
                f"credits {self.credit_total:.2f}")


@dataclass(frozen=True)
class ExtractLayout:
    """Header, detail and trailer layouts of one extract format."""

    name: str
    header: RecordLayout
    detail: RecordLayout
    trailer: RecordLayout


def _fields(*specs: tuple[str, int, int] | tuple[str, int, int, FieldKind]
            ) -> tuple[FixedField, ...]:
    return tuple(FixedField(*spec) for spec in specs)


FINACLE_EOD_V1 = ExtractLayout(
    name="finacle_eod_v1",
    header=RecordLayout("H", 200, _fields(
        ("extract_name", 2, 20), ("business_date", 22, 10), ("created_at", 32, 19))),
    detail=RecordLayout("D", 200, _fields(
        ("tran_date", 2, 10), ("tran_id", 12, 9), ("part_tran_srl_num", 21, 4, "numeric"),
        ("tran_type", 25, 1), ("tran_sub_type", 26, 2), ("part_tran_type", 28, 1),
        ("foracid", 29, 16), ("sol_id", 45, 8), ("cust_id", 53, 9),
        ("tran_amt", 62, 17, "numeric"), ("crncy_code", 79, 3), ("value_date", 82, 10),
        ("pstd_date", 92, 19), ("ref_num", 111, 20), ("orig_tran_date", 131, 10),
        ("orig_tran_id", 141, 9), ("orig_part_tran_srl_num", 150, 4, "numeric"),
        ("tran_particular", 154, 47))),
    trailer=RecordLayout("T", 200, _fields(
        ("record_count", 2, 9, "numeric"), ("debit_total", 11, 19, "numeric"),
        ("credit_total", 30, 19, "numeric"))),
)
LAYOUTS: dict[str, ExtractLayout] = {FINACLE_EOD_V1.name: FINACLE_EOD_V1}
"""Extract layouts by the name a connector config gives in ``layout``."""

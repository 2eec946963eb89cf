"""Fixed-width end-of-day extracts with header and trailer control totals.

Each file is checked whole before any of its records is read: the first line must be the
header, the last the trailer, and the trailer's record count and debit and credit totals
(see :mod:`connectors.core_banking.layout`) must match the detail lines. Otherwise the file
is rejected with :class:`~connectors.core_banking.exceptions.ControlTotalMismatch` or
:class:`~connectors.core_banking.exceptions.ExtractLayoutError` and nothing from it is
ingested; files before it in name order are. A detail line of the wrong length, of another
record type or with a bad field becomes a malformed record at ``file:line``.

Usage::

    connector = FixedWidthConnector("cbs_eod", config.source)
    for batch in connector.read_batches(None):
        ...
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from connectors.core_banking.configuration import CoreBankingFixedWidthSource
from connectors.core_banking.exceptions import ControlTotalMismatch, ExtractLayoutError
from connectors.core_banking.extracts import Extract, ExtractConnector, ExtractRecord
from connectors.core_banking.layout import LAYOUTS, ControlTotals, RecordLayout
from connectors.core_banking.records import FieldProblem, parse_amount, parse_date

__all__ = ["FixedWidthConnector"]


@dataclass(frozen=True)
class _Line:
    number: int
    text: str
    decoded: bool
    """False when the bytes were not valid in the file's encoding (``text`` has U+FFFD)."""


class FixedWidthConnector(ExtractConnector):
    """Reads fixed-width EOD extracts (``type: core_banking_fixed_width``)."""

    def __init__(self, name: str, source: CoreBankingFixedWidthSource) -> None:
        super().__init__(name, source)
        self._layout = LAYOUTS[source.layout]
        self._encoding = source.encoding

    def _records(self, extract: Extract) -> Iterator[ExtractRecord]:
        last = self._verify(extract)
        detail = self._layout.detail
        for line in self._lines(extract):
            if line.number == 1 or line.number == last:
                continue
            if not line.decoded:
                yield ExtractRecord(line.number, line.text, rule="fixed_width.encoding",
                                    reason=f"bytes not valid {self._encoding}")
            elif line.text[:1] != detail.record_type:
                yield ExtractRecord(line.number, line.text, rule="fixed_width.record_type",
                                    reason=f"not a detail record (column 1 must be "
                                           f"{detail.record_type!r})")
            elif len(line.text) != detail.length:
                yield ExtractRecord(line.number, line.text, rule="fixed_width.line_length",
                                    reason=f"line has {len(line.text)} characters, a "
                                           f"{self._layout.name} detail record "
                                           f"{detail.length}")
            else:
                yield ExtractRecord(line.number, line.text, detail.cut(line.text))

    def _verify(self, extract: Extract) -> int:
        """Check header, trailer and control totals; return the trailer's line number."""
        found, header, trailer = ControlTotals(), None, None
        detail = self._layout.detail
        for line in self._lines(extract):
            if header is None:
                header = self._record(extract, line, self._layout.header)
                continue
            if trailer is not None:  # the line held back was not the last: a detail line
                readable = trailer.decoded
                found.count(detail.field(trailer.text, "part_tran_type") if readable else None,
                            detail.field(trailer.text, "tran_amt") if readable else None)
            trailer = line
        if header is None or trailer is None:
            raise ExtractLayoutError(self.name, extract.name,
                                     "a file needs at least a header and a trailer line")
        self._business_date(extract, header)
        expected = self._totals(extract, self._record(extract, trailer, self._layout.trailer))
        if expected != found:
            raise ControlTotalMismatch(self.name, extract.name, expected, found)
        return trailer.number

    def _record(self, extract: Extract, line: _Line, layout: RecordLayout,
                ) -> dict[str, str | None]:
        kind = {"H": "header", "T": "trailer"}[layout.record_type]
        if not line.decoded or line.text[:1] != layout.record_type or len(
                line.text) != layout.length:
            raise ExtractLayoutError(
                self.name, extract.name,
                f"line {line.number} must be the {kind} record: {layout.length} characters "
                f"starting with {layout.record_type!r}")
        return layout.cut(line.text)

    def _business_date(self, extract: Extract, header: dict[str, str | None]) -> None:
        try:
            parse_date("business_date", header["business_date"])
        except FieldProblem as problem:
            raise ExtractLayoutError(self.name, extract.name, f"header: {problem}") from None

    def _totals(self, extract: Extract, trailer: dict[str, str | None]) -> ControlTotals:
        count = trailer["record_count"]
        try:
            if count is None or not count.isdigit():
                raise FieldProblem("record_count", "format", "expected digits")
            return ControlTotals(int(count), parse_amount("debit_total", trailer["debit_total"]),
                                 parse_amount("credit_total", trailer["credit_total"]))
        except FieldProblem as problem:
            raise ExtractLayoutError(self.name, extract.name, f"trailer: {problem}") from None

    def _lines(self, extract: Extract) -> Iterator[_Line]:
        with extract.path.open("rb") as stream:
            for number, raw in enumerate(stream, start=1):
                raw = raw.rstrip(b"\r\n")
                try:
                    yield _Line(number, raw.decode(self._encoding), True)
                except UnicodeDecodeError:
                    yield _Line(number, raw.decode(self._encoding, errors="replace"), False)

"""Pipe- or comma-separated end-of-day extracts with a header row.

The header row names the columns, in any order and any letter case, with the names of
:data:`connectors.core_banking.records.TRANSACTION_FIELDS`; optional columns may be absent.
A header that lacks a required column, repeats one or names an unknown one rejects the file
whole (:class:`~connectors.core_banking.exceptions.ExtractLayoutError`): an unknown column
might carry personal data nobody classified. Values are quoted the CSV way (a value holding
the delimiter, a quote or a line break is quoted; quotes inside are doubled). A row with the
wrong number of fields, broken quoting, bytes invalid in the encoding or a bad value becomes a
malformed record at ``file:line`` (the row's first line); blank lines are skipped.

Usage::

    connector = DelimitedConnector("cbs_eod_pipe", config.source)
    for batch in connector.read_batches(None):
        ...
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from connectors.core_banking.configuration import CoreBankingDelimitedSource
from connectors.core_banking.exceptions import ExtractLayoutError
from connectors.core_banking.extracts import Extract, ExtractConnector, ExtractRecord
from connectors.core_banking.records import TRANSACTION_FIELDS

__all__ = ["DelimitedConnector"]

_KNOWN = {f.name for f in TRANSACTION_FIELDS}
_REQUIRED = [f.name for f in TRANSACTION_FIELDS if f.required]


class _LineTap:
    """Feeds ``csv.reader`` physical lines and remembers the ones each row took."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = enumerate(lines, start=1)
        self._taken: list[tuple[int, str]] = []

    def __iter__(self) -> _LineTap:
        return self

    def __next__(self) -> str:
        number, text = next(self._lines)
        self._taken.append((number, text))
        return text

    def take(self) -> tuple[int, str]:
        """First line number and raw text (without the final line break) of the last row."""
        first = self._taken[0][0] if self._taken else 0
        text = "".join(t for _, t in self._taken).rstrip("\r\n")
        self._taken = []
        return first, text


class DelimitedConnector(ExtractConnector):
    """Reads pipe/CSV EOD extracts (``type: core_banking_delimited``)."""

    def __init__(self, name: str, source: CoreBankingDelimitedSource) -> None:
        super().__init__(name, source)
        self._dialect = {"delimiter": source.delimiter, "quotechar": source.quotechar,
                         "doublequote": True, "strict": True}
        self._encoding = source.encoding

    def _records(self, extract: Extract) -> Iterator[ExtractRecord]:
        # surrogateescape keeps undecodable bytes as markers, so one bad row does not stop
        # the file; the row is then reported with rule delimited.encoding.
        with extract.path.open(encoding=self._encoding, errors="surrogateescape",
                               newline="") as stream:
            tap = _LineTap(stream)
            rows = csv.reader(tap, **self._dialect)
            columns = self._columns(extract, next(rows, None))
            tap.take()
            while True:
                try:
                    row = next(rows)
                except StopIteration:
                    return
                except csv.Error as exc:
                    line, payload = tap.take()
                    yield ExtractRecord(line, self._printable(payload),
                                        rule="delimited.quoting", reason=f"row cannot be "
                                                                         f"split: {exc}")
                    continue
                line, payload = tap.take()
                if row:
                    yield self._record(line, payload, columns, row)

    def _record(self, line: int, payload: str, columns: list[str], row: list[str],
                ) -> ExtractRecord:
        printable = self._printable(payload)
        if printable != payload:
            return ExtractRecord(line, printable, rule="delimited.encoding",
                                 reason=f"bytes not valid {self._encoding}")
        if len(row) != len(columns):
            return ExtractRecord(line, payload, rule="delimited.field_count",
                                 reason=f"row has {len(row)} fields, the header "
                                        f"{len(columns)}")
        return ExtractRecord(line, payload, dict(zip(columns, row, strict=True)))

    def _columns(self, extract: Extract, header: list[str] | None) -> list[str]:
        if not header:
            raise ExtractLayoutError(self.name, extract.name, "line 1 must be the header row "
                                     "of column names")
        columns = [name.strip().lower() for name in header]
        if not _KNOWN.intersection(columns):
            # Probably a data row: its values may be personal, so they are not quoted.
            raise ExtractLayoutError(self.name, extract.name, "line 1 must be the header row "
                                     "of column names; none of its values is a known column")
        unknown = sorted(set(columns) - _KNOWN)
        repeated = sorted({c for c in columns if columns.count(c) > 1})
        missing = [name for name in _REQUIRED if name not in columns]
        problems = [f"{label}: {', '.join(names)}" for label, names in (
            ("unknown columns", unknown), ("repeated columns", repeated),
            ("missing required columns", missing)) if names]
        if problems:
            raise ExtractLayoutError(self.name, extract.name, f"header row: "
                                                              f"{'; '.join(problems)}")
        return columns

    def _printable(self, text: str) -> str:
        """``text`` with undecodable bytes as U+FFFD, so the payload can be stored."""
        return text.encode(self._encoding, "surrogateescape").decode(self._encoding, "replace")

"""UPI connector over an issuer switch's daily CSV export files.

The switch drops ``<prefix>YYYYMMDD.csv`` per IST day in a folder (header row, then one
transaction per line, in arrival order) and rewrites the day's file as late records arrive.
Each run reads the files from the day of the cursor's ``read_from`` on, skips the ids already
delivered (see :mod:`connectors.upi.incremental`) and reports every line it cannot read —
wrong field count, bad quoting, bad encoding, a broken id, time or amount — as a
:class:`MalformedRecord` with ``file:line`` and the reason, once.

A file is read ``batch_size`` lines at a time. The lines that Python's csv module (strict) and
``pyarrow.csv`` are sure to split alike — UTF-8, 34 fields, quotes only around whole fields —
are parsed by pyarrow and checked as columns (:func:`parse_switch_columns`); every other line,
and every row those checks cannot vouch for, is read on its own as before, which is what names
the problem of a broken line.

Usage::

    connector = UpiCsvConnector("upi_files", config.source)
    for batch in connector.read_batches(None):
        ...
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from connectors.base import ConnectivityReport, Cursor, SourceBatch
from connectors.configuration import UpiCsvSource
from connectors.exceptions import SourceFormatError
from connectors.upi.batching import (
    BrokenRecord,
    RawRecord,
    deliver_switch_batch,
    parse_raw_record,
)
from connectors.upi.incremental import CreationTimeCursor
from connectors.upi.switch_record import (
    SWITCH_FIELDS,
    SWITCH_RECORD_SCHEMA,
    RecordProblem,
    parse_switch_columns,
)

__all__ = ["UpiCsvConnector"]

_IST = timezone(timedelta(hours=5, minutes=30))
_READ_SIZE = 1 << 24
"""Bytes read from a file at a time; a file is never held whole."""
_LF, _CR, _QUOTE, _COMMA = b"\n"[0], b"\r"[0], b'"'[0], b","[0]
_TEXT = pa.schema([(name, pa.string()) for name in SWITCH_FIELDS])
# Every field as text, empty (quoted or not) as null and nothing else ("NA" in a remark is a
# remark); an empty line is a line of one field; the lines handed to pyarrow are known to be
# UTF-8 and to hold no quoted newline.
_PYARROW_OPTIONS = {
    "read_options": pacsv.ReadOptions(column_names=list(SWITCH_FIELDS), block_size=1 << 22),
    "parse_options": pacsv.ParseOptions(newlines_in_values=False, ignore_empty_lines=False),
    "convert_options": pacsv.ConvertOptions(
        column_types=_TEXT, strings_can_be_null=True, quoted_strings_can_be_null=True,
        null_values=[""], check_utf8=False),
}


class UpiCsvConnector:
    """Issuer-switch transactions from daily CSV exports, incremental by creation time."""

    def __init__(self, name: str, source: UpiCsvSource) -> None:
        self.name = name
        self._source = source
        self._pattern = re.compile(rf"^{re.escape(source.file_prefix)}(\d{{8}})\.csv$")
        # pyarrow reads UTF-8 only; a file in another encoding is read line by line
        self._columnar = codecs.lookup(source.encoding).name == "utf-8"

    def schema(self) -> pa.Schema:
        return SWITCH_RECORD_SCHEMA

    def export_files(self) -> list[tuple[Path, datetime]]:
        """Export files in day order, each with the end of its IST day (UTC)."""
        found = []
        for path in self._source.directory.iterdir():
            match = self._pattern.match(path.name)
            if match and path.is_file():
                day = datetime.strptime(match.group(1), "%Y%m%d").replace(tzinfo=_IST)
                found.append((path, (day + timedelta(days=1)).astimezone(UTC)))
        return sorted(found, key=lambda entry: entry[1])

    def read_batches(self, cursor: Cursor | None, *, first_sequence: int = 0,
                     ) -> Iterator[SourceBatch]:
        """Batches of at most ``batch_size`` lines, file by file, from ``cursor``."""
        state = CreationTimeCursor.load(
            cursor, window=timedelta(seconds=self._source.late_arrival_window_s),
            start=self._source.created_from)
        start, sequence = cursor, first_sequence
        for path, day_end in self.export_files():
            if state.read_from is not None and day_end <= state.read_from:
                continue  # a whole day before the window: nothing in it can be new
            with path.open("rb") as handle:
                self._read_header(path, handle)
                number = 2  # line numbers count from 1 at the header
                for run in _line_runs(handle, self._source.batch_size):
                    records, broken = self._parse_run(path, day_end, number, run)
                    batch, state = deliver_switch_batch(self.name, sequence, start, state,
                                                        records, broken, source=str(path))
                    number += len(run.ends)
                    if batch is not None:
                        yield batch
                        start, sequence = batch.end, sequence + 1

    def _read_header(self, path: Path, handle: BinaryIO) -> None:
        line = handle.readline().removesuffix(b"\n")
        header = next(csv.reader([line.decode(self._source.encoding, "replace")]), [])
        if header != list(SWITCH_FIELDS):
            raise SourceFormatError(self.name, f"{path}: line 1: the header is not the issuer "
                                    f"switch export's {len(SWITCH_FIELDS)} columns "
                                    f"(TransactionID, …, Description); is it the right file?")

    def _parse_run(self, path: Path, day_end: datetime, first: int, run: _LineRun,
                   ) -> tuple[pa.Table, list[BrokenRecord]]:
        """The records of ``run`` (its first line is line ``first``) in line order, and the
        broken lines."""
        plain = _plain_lines(run) if self._columnar else np.zeros(len(run.ends), bool)
        text, plain = _read_plain(run, plain)
        typed, vouched = parse_switch_columns(text)
        columnar = np.flatnonzero(plain)[vouched]
        rest = np.ones(len(run.ends), bool)
        rest[columnar] = False
        records, record_lines, broken = [], [], []
        for index in np.flatnonzero(rest).tolist():
            line = run.data[run.start(index):run.ends[index]].rstrip(b"\r")
            parsed = parse_raw_record(self._record(path, first + index, line, day_end))
            if isinstance(parsed, BrokenRecord):
                broken.append(parsed)
            else:
                records.append(parsed)
                record_lines.append(index)
        if not records:
            return typed, broken
        merged = pa.concat_tables([typed, pa.Table.from_pylist(records,
                                                               schema=SWITCH_RECORD_SCHEMA)])
        order = np.argsort(np.concatenate([columnar, record_lines]), kind="stable")
        return merged.take(order), broken

    def _record(self, path: Path, number: int, line: bytes, day_end: datetime) -> RawRecord:
        position = f"{path.name}:{number}"
        text = line.decode(self._source.encoding, "replace")
        problem = None
        try:
            values = line.decode(self._source.encoding)
            fields = next(csv.reader([values], strict=True), [])
        except UnicodeDecodeError:
            problem = RecordProblem("upi_csv.encoding", f"not {self._source.encoding} text")
        except csv.Error as exc:
            problem = RecordProblem("upi_csv.quoting", f"unreadable CSV ({exc})")
        else:
            if len(fields) != len(SWITCH_FIELDS):
                problem = RecordProblem("upi_csv.field_count", f"{len(fields)} fields, "
                                        f"expected {len(SWITCH_FIELDS)}")
        return RawRecord(
            position=position, payload=text,
            fields=None if problem else dict(zip(SWITCH_FIELDS, fields, strict=True)),
            problem=problem, report_key=position, readable_until=day_end,
        )

    def check(self) -> ConnectivityReport:
        """The folder exists and its newest export file has the switch's header."""
        folder = self._source.directory
        if not folder.is_dir():
            return ConnectivityReport(self.name, ok=False,
                                      detail=f"{folder}: no such directory")
        files = self.export_files()
        if not files:
            return ConnectivityReport(self.name, ok=True,
                                      detail=f"{folder}: no export files yet")
        newest = files[-1][0]
        try:
            with newest.open("rb") as handle:
                self._read_header(newest, handle)
        except (SourceFormatError, OSError) as exc:
            return ConnectivityReport(self.name, ok=False, detail=str(exc))
        return ConnectivityReport(self.name, ok=True, detail=f"{folder}: {len(files)} export "
                                  f"files, newest {newest.name}")

    def close(self) -> None:
        """Nothing stays open between reads."""


@dataclass(frozen=True)
class _LineRun:
    """Whole lines of a file: ``data`` and where each line ends in it (its newline, or the end
    of ``data`` for a last line without one)."""

    data: bytes
    ends: np.ndarray

    def start(self, index: int) -> int:
        return 0 if index == 0 else int(self.ends[index - 1]) + 1


def _line_runs(handle: BinaryIO, lines: int) -> Iterator[_LineRun]:
    """The rest of the file in runs of ``lines`` lines (the last run may hold fewer), split at
    newlines only, as the line-by-line reader splits."""
    data, ends, begin = b"", np.empty(0, np.int64), 0
    while block := handle.read(_READ_SIZE):
        newlines = np.flatnonzero(np.frombuffer(block, np.uint8) == _LF) + len(data)
        data, ends = data + block, np.concatenate([ends, newlines])
        while len(ends) >= lines:
            stop = int(ends[lines - 1]) + 1
            yield _LineRun(data[begin:stop], ends[:lines] - begin)
            begin, ends = stop, ends[lines:]
        data, ends, begin = data[begin:], ends - begin, 0
    if data:
        yield _LineRun(data, ends if data.endswith(b"\n") else np.append(ends, len(data)))


def _plain_lines(run: _LineRun) -> np.ndarray:
    """Which lines are UTF-8 and quoted plainly, so that Python's csv (strict) and pyarrow
    split them alike: each quote opens a field right after a comma or the line start or closes
    it right before a comma or the line end (no quote inside a value, escaped or not), and a
    carriage return comes only before the newline. (The field count is pyarrow's to check.)"""
    data, ends = np.frombuffer(run.data, np.uint8), run.ends
    plain, opens, closes = _quote_pairs(data, ends)
    before = np.where(opens > 0, data[opens - 1], _LF)
    after = np.where(closes + 1 < len(data), data[np.minimum(closes + 1, len(data) - 1)], _LF)
    fenced = np.isin(before, (_COMMA, _LF)) & np.isin(after, (_COMMA, _CR, _LF))
    plain[np.searchsorted(ends, opens[~fenced])] = False
    if b"\r" in run.data:
        crs = np.flatnonzero(data == _CR)
        stray = crs[(crs + 1 < len(data)) & (data[np.minimum(crs + 1, len(data) - 1)] != _LF)]
        plain[np.searchsorted(ends, stray)] = False
    return plain & _utf8_lines(run)


def _quote_pairs(data: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, ...]:
    """Which lines hold an even number of quotes, and the positions of their quotes taken as
    (opening, closing) pairs in line order."""
    quotes = np.flatnonzero(data == _QUOTE)
    per_line = np.diff(np.searchsorted(quotes, ends), prepend=0)
    even = per_line % 2 == 0
    paired = quotes[np.repeat(even, per_line)]
    return even, paired[0::2], paired[1::2]


def _plain_fields(run: _LineRun) -> np.ndarray:
    """Fields per line of a plainly quoted line: the commas outside quotes, plus one."""
    data, ends = np.frombuffer(run.data, np.uint8), run.ends
    _, opens, closes = _quote_pairs(data, ends)
    commas = np.flatnonzero(data == _COMMA)
    quoted = np.bincount(np.searchsorted(ends, opens), minlength=len(ends),
                         weights=np.searchsorted(commas, closes) - np.searchsorted(commas, opens))
    return np.diff(np.searchsorted(commas, ends), prepend=0) - quoted + 1


def _utf8_lines(run: _LineRun) -> np.ndarray:
    """Which lines are UTF-8 text (one decode of the run unless some line is not)."""
    valid = np.ones(len(run.ends), bool)
    view, offset = memoryview(run.data), 0
    while offset < len(view):
        try:
            codecs.utf_8_decode(view[offset:], "strict", True)
        except UnicodeDecodeError as exc:
            line = int(np.searchsorted(run.ends, offset + exc.start))
            valid[line] = False
            offset = int(run.ends[line]) + 1
        else:
            break
    return valid


def _read_plain(run: _LineRun, plain: np.ndarray) -> tuple[pa.Table, np.ndarray]:
    """The plain lines of ``run`` with the switch's field count parsed by pyarrow, every field
    as text, and which lines these are. pyarrow checks every line's field count; only when one
    has another count are the fields counted here, to leave such lines out."""
    try:
        return _read_lines(run, plain), plain
    except pa.ArrowInvalid:  # "Expected 34 columns, got 35"
        plain = plain & (_plain_fields(run) == len(SWITCH_FIELDS))
        return _read_lines(run, plain), plain


def _read_lines(run: _LineRun, lines: np.ndarray) -> pa.Table:
    if not lines.any():
        return _TEXT.empty_table()
    data = run.data
    if not lines.all():
        edges = np.flatnonzero(np.diff(lines.astype(np.int8), prepend=0, append=0)).tolist()
        data = b"".join(run.data[run.start(a):run.start(b) if b < len(run.ends) else None]
                        for a, b in zip(edges[0::2], edges[1::2], strict=True))
    return pacsv.read_csv(pa.BufferReader(data), **_PYARROW_OPTIONS)

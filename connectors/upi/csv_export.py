"""UPI connector over an issuer switch's daily CSV export files.

The switch drops ``<prefix>YYYYMMDD.csv`` per IST day in a folder (header row, then one
transaction per line, in arrival order) and rewrites the day's file as late records arrive.
Each run reads the files from the day of the cursor's ``read_from`` on, skips the ids already
delivered (see :mod:`connectors.upi.incremental`) and reports every line it cannot read —
wrong field count, bad quoting, bad encoding, a broken id, time or amount — as a
:class:`MalformedRecord` with ``file:line`` and the reason, once.

Usage::

    connector = UpiCsvConnector("upi_files", config.source)
    for batch in connector.read_batches(None):
        ...
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from itertools import islice
from pathlib import Path

import pyarrow as pa

from connectors.base import ConnectivityReport, Cursor, SourceBatch
from connectors.configuration import UpiCsvSource
from connectors.exceptions import SourceFormatError
from connectors.upi.batching import RawRecord, build_switch_batch
from connectors.upi.incremental import CreationTimeCursor
from connectors.upi.switch_record import SWITCH_FIELDS, SWITCH_RECORD_SCHEMA, RecordProblem

__all__ = ["UpiCsvConnector"]

_IST = timezone(timedelta(hours=5, minutes=30))


class UpiCsvConnector:
    """Issuer-switch transactions from daily CSV exports, incremental by creation time."""

    def __init__(self, name: str, source: UpiCsvSource) -> None:
        self.name = name
        self._source = source
        self._pattern = re.compile(rf"^{re.escape(source.file_prefix)}(\d{{8}})\.csv$")

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
            lines = self._lines(path, day_end)
            while chunk := list(islice(lines, self._source.batch_size)):
                batch, state = build_switch_batch(self.name, sequence, start, state, chunk,
                                                  source=str(path))
                if batch is not None:
                    yield batch
                    start, sequence = batch.end, sequence + 1

    def _lines(self, path: Path, day_end: datetime) -> Iterator[RawRecord]:
        """The file's records after its header; line numbers count from 1 at the header."""
        lines = path.read_bytes().split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()  # the newline that ends the last line
        header = next(csv.reader([lines[0].decode(self._source.encoding, "replace")]), []) \
            if lines else []
        if header != list(SWITCH_FIELDS):
            raise SourceFormatError(self.name, f"{path}: line 1: the header is not the issuer "
                                    f"switch export's {len(SWITCH_FIELDS)} columns "
                                    f"(TransactionID, …, Description); is it the right file?")
        for number, line in enumerate(lines[1:], start=2):
            yield self._record(path, number, line.rstrip(b"\r"), day_end)

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
            next(self._lines(newest, files[-1][1]), None)
        except (SourceFormatError, OSError) as exc:
            return ConnectivityReport(self.name, ok=False, detail=str(exc))
        return ConnectivityReport(self.name, ok=True, detail=f"{folder}: {len(files)} export "
                                  f"files, newest {newest.name}")

    def close(self) -> None:
        """Nothing stays open between reads."""

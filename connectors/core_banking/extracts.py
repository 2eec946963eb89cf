"""A folder of end-of-day extract files, and the cursor that says which are done.

The fixed-width and delimited connectors share everything but how a file's lines become
records: listing the folder in name order, hashing each file, skipping the ones already
committed, refusing to go on when one of those changed, cutting a file's records into batches
that never span two files, and the cursor::

    {"done": {"HTD_EOD_20260115.dat": "<sha256>", ...}}                    between files
    {"done": {...}, "file": "HTD_EOD_20260116.dat", "sha256": "<sha256>",
     "line": 4001}                                                          inside a file

``line`` is the last line of the last batch taken from the part-read file. A batch's ``end``
is the cursor after it, so acknowledging it and re-running resumes at the next line.

Usage::

    class FixedWidthConnector(ExtractConnector):
        def _records(self, extract): ...     # yields ExtractRecord, one per detail line
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from connectors.base import ConnectivityReport, Cursor, SourceBatch
from connectors.core_banking.configuration import (
    CoreBankingDelimitedSource,
    CoreBankingFixedWidthSource,
)
from connectors.core_banking.exceptions import ExtractChanged
from connectors.core_banking.records import TRANSACTION_SCHEMA, TransactionRows

__all__ = ["Extract", "ExtractConnector", "ExtractRecord"]

_HASH_CHUNK = 1 << 20


@dataclass(frozen=True)
class Extract:
    """One extract file: its name relative to the folder and its content hash."""

    path: Path
    name: str
    sha256: str

    @classmethod
    def of(cls, path: Path, folder: Path) -> Extract:
        digest = hashlib.sha256()
        with path.open("rb") as stream:
            while chunk := stream.read(_HASH_CHUNK):
                digest.update(chunk)
        return cls(path, path.relative_to(folder).as_posix(), digest.hexdigest())


@dataclass(frozen=True)
class ExtractRecord:
    """One detail record as a reader split it: raw field values, or why it could not."""

    line: int
    """First physical line of the record, 1-based."""
    payload: str
    fields: Mapping[str, object] | None = None
    rule: str = ""
    reason: str = ""


@dataclass(frozen=True)
class _Position:
    """A parsed extract cursor."""

    done: dict[str, str] = field(default_factory=dict)
    file: str | None = None
    sha256: str | None = None
    line: int = 0

    @classmethod
    def of(cls, cursor: Cursor | None) -> _Position:
        if not cursor:
            return cls()
        return cls(dict(cursor.get("done", {})), cursor.get("file"), cursor.get("sha256"),
                   int(cursor.get("line", 0)))

    def inside(self, extract: Extract, line: int) -> dict[str, Any]:
        return {"done": dict(self.done), "file": extract.name, "sha256": extract.sha256,
                "line": line}

    def after(self, extract: Extract) -> _Position:
        return _Position({**self.done, extract.name: extract.sha256})

    def cursor(self) -> dict[str, Any]:
        return {"done": dict(self.done)}


class ExtractConnector(ABC):
    """Base of the connectors that read extract files from a folder (see the module doc)."""

    def __init__(self, name: str,
                 source: CoreBankingFixedWidthSource | CoreBankingDelimitedSource) -> None:
        self.name = name
        self._source = source

    @abstractmethod
    def _records(self, extract: Extract) -> Iterator[ExtractRecord]:
        """The file's detail records in order; raises ExtractRejected before yielding any
        if the file as a whole is unacceptable."""

    def schema(self) -> pa.Schema:
        return TRANSACTION_SCHEMA

    def check(self) -> ConnectivityReport:
        folder = self._source.folder
        if not folder.is_dir():
            return ConnectivityReport(self.name, False, f"folder {str(folder)!r} does not "
                                                        f"exist or is not a folder")
        try:
            count = sum(1 for path in folder.glob(self._source.glob) if path.is_file())
        except OSError as exc:
            return ConnectivityReport(self.name, False, f"folder {str(folder)!r} cannot be "
                                                        f"listed: {exc.strerror}")
        return ConnectivityReport(self.name, True, f"{count} extract file(s) match "
                                                   f"{self._source.glob!r} in {str(folder)!r}")

    def close(self) -> None:
        """Files are opened per read and closed after it; nothing to release."""
        return

    def read_batches(self, cursor: Cursor | None, *, first_sequence: int = 0,
                     ) -> Iterator[SourceBatch]:
        position = _Position.of(cursor)
        pending = self._pending(position)
        sequence, start = first_sequence, cursor
        for extract in pending:
            resume = position.line if extract.name == position.file else 0
            for rows, last_line, complete in self._file_batches(extract, resume):
                if complete:
                    position = position.after(extract)
                    end = position.cursor()
                else:
                    end = position.inside(extract, last_line)
                yield SourceBatch(self.name, sequence, start, end, rows.table(),
                                  rows.malformed, {"file": extract.name,
                                                   "sha256": extract.sha256})
                sequence, start = sequence + 1, end

    def _pending(self, position: _Position) -> list[Extract]:
        """Files not yet done, in name order; refuses if a done or part-read one changed."""
        folder = self._source.folder
        extracts = [Extract.of(path, folder)
                    for path in sorted(folder.glob(self._source.glob)) if path.is_file()]
        changed = [f"{e.name!r} (committed sha256 {position.done[e.name][:12]}…, now "
                   f"{e.sha256[:12]}…)"
                   for e in extracts if e.name in position.done
                   and position.done[e.name] != e.sha256]
        if position.file is not None:
            current = next((e for e in extracts if e.name == position.file), None)
            if current is None:
                changed.append(f"{position.file!r} (read up to line {position.line}, now gone)")
            elif current.sha256 != position.sha256:
                changed.append(f"{position.file!r} (read up to line {position.line} with "
                               f"sha256 {str(position.sha256)[:12]}…, now "
                               f"{current.sha256[:12]}…)")
        if changed:
            raise ExtractChanged(self.name, "extracts changed after nijta read them: "
                                 f"{'; '.join(changed)}. Re-reading would duplicate records "
                                 "and skipping would lose them: restore the file as it was, "
                                 "or give the corrected one a new name")
        return [e for e in extracts if e.name not in position.done]

    def _file_batches(self, extract: Extract, resume: int,
                      ) -> Iterator[tuple[TransactionRows, int, bool]]:
        """(rows, last line, whether the file is complete) per batch; the last batch of a
        file says complete, and a file with nothing left still yields one empty batch."""
        chunks = self._chunks(extract, resume)
        current = next(chunks)
        for following in chunks:
            yield (*current, False)
            current = following
        yield (*current, True)

    def _chunks(self, extract: Extract, resume: int) -> Iterator[tuple[TransactionRows, int]]:
        rows, last, yielded = TransactionRows(), resume, False
        for record in self._records(extract):
            if record.line <= resume:
                continue
            position = f"{extract.name}:{record.line}"
            if record.fields is None:
                rows.reject(position, record.rule, record.reason, record.payload)
            else:
                rows.add(record.fields, position=position, payload=record.payload)
            last = record.line
            if len(rows) == self._source.batch_size:
                yield rows, last
                rows, yielded = TransactionRows(), True
        if len(rows) or not yielded:
            yield rows, last

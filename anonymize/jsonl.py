"""Streaming over JSON-lines files: one record at a time, errors that name the line.

Large inputs (10 GB and more) stream in constant memory: records are read and handed on in
batches, never all at once. A line that is not UTF-8 or not a JSON object stops the run with an
error naming the file and line, so no record is ever dropped silently; blank lines are skipped
and counted.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from anonymize.exceptions import AnonymizeError

__all__ = ["JsonlInputError", "JsonlRecord", "read_jsonl_batches"]


class JsonlInputError(AnonymizeError):
    """A line of a JSON-lines input cannot be read as a record."""


@dataclass(frozen=True)
class JsonlRecord:
    line: int
    """1-based line number in the input file."""
    value: dict[str, Any]


def _record(path: Path, line_no: int, raw: bytes) -> JsonlRecord:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise JsonlInputError(f"{path}:{line_no}: not valid UTF-8 (byte {exc.start})") from None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise JsonlInputError(f"{path}:{line_no}: not valid JSON ({exc.msg}, column "
                              f"{exc.colno})") from None
    if not isinstance(value, dict):
        raise JsonlInputError(f"{path}:{line_no}: expected a JSON object, got "
                              f"{type(value).__name__}")
    return JsonlRecord(line_no, value)


def read_jsonl_batches(path: Path, stream: BinaryIO, *, batch_size: int,
                       blank_lines: list[int]) -> Iterator[list[JsonlRecord]]:
    """Batches of records from ``stream``; line numbers of blank lines are appended to
    ``blank_lines``."""
    batch: list[JsonlRecord] = []
    for line_no, raw in enumerate(stream, start=1):
        if not raw.strip():
            blank_lines.append(line_no)
            continue
        batch.append(_record(path, line_no, raw))
        if len(batch) >= batch_size:
            yield batch
            batch = []
    if batch:
        yield batch

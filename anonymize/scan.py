"""``nijta scan``: PII findings for a text field of every record of a JSON-lines file.

Output contract (other tools rely on it): one JSON object per input record, in input order,
``{"id": <the record's "id" or null>, "findings": [{"start", "end", "type", "score"}]}``,
offsets being Python string indices into the field, types from the DESIGN.md vocabulary.
A missing or null field has no findings; a number is scanned as its decimal text (a 12-digit
integer may be an Aadhaar number); any other type is an error naming the line.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TextIO

from anonymize.findings import Finding
from anonymize.jsonl import JsonlInputError, JsonlRecord, read_jsonl_batches

__all__ = ["DEFAULT_BATCH_SIZE", "Detector", "ScanSummary", "scan_jsonl"]

DEFAULT_BATCH_SIZE = 512


class Detector(Protocol):
    def detect_batch(self, texts: Iterable[str | None]) -> list[list[Finding]]: ...


@dataclass
class ScanSummary:
    records: int = 0
    findings: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    blank_lines: list[int] = field(default_factory=list)


def _text(path: Path, record: JsonlRecord, text_field: str) -> str | None:
    value = record.value.get(text_field)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise JsonlInputError(f"{path}:{record.line}: field {text_field!r} is a "
                          f"{type(value).__name__}, not text")


def _finding_json(finding: Finding) -> dict[str, Any]:
    return {"start": finding.start, "end": finding.end, "type": finding.type,
            "score": round(finding.score, 6)}


def scan_jsonl(path: Path, output: TextIO, *, text_field: str, detector: Detector,
               batch_size: int = DEFAULT_BATCH_SIZE,
               on_progress: Callable[[int], None] | None = None) -> ScanSummary:
    """Scan ``path`` and write one result line per record to ``output``.

    ``on_progress`` is called with the number of input bytes consumed so far.
    """
    summary = ScanSummary()
    with path.open("rb") as stream:
        for batch in read_jsonl_batches(path, stream, batch_size=batch_size,
                                        blank_lines=summary.blank_lines):
            texts = [_text(path, record, text_field) for record in batch]
            for record, findings in zip(batch, detector.detect_batch(texts), strict=True):
                output.write(json.dumps({"id": record.value.get("id"),
                                         "findings": [_finding_json(f) for f in findings]}))
                output.write("\n")
                summary.records += 1
                summary.findings += len(findings)
                for f in findings:
                    summary.by_type[f.type] = summary.by_type.get(f.type, 0) + 1
            if on_progress is not None:
                on_progress(stream.tell())
    return summary

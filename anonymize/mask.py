"""``nijta mask``: apply a dataset's field plan to every record of a JSON-lines file.

Each record is transformed as the plan says (tokenize, mask, encrypt, generalize, scrub free
text, …) and written as one JSON line, in input order. Records stream in batches, so memory
stays constant however large the file. A batch that breaks a rule (an unclassified field, a
value that cannot be tokenized) stops the run with the file and its line range.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import pandas as pd

from anonymize.exceptions import AnonymizeError
from anonymize.field_transforms import apply_field_plan
from anonymize.jsonl import JsonlInputError, read_jsonl_batches
from anonymize.scan import Detector
from anonymize.tokens import Tokenizer
from policies.field_plan import FieldPlan

__all__ = ["DEFAULT_BATCH_SIZE", "MaskSummary", "mask_jsonl"]

DEFAULT_BATCH_SIZE = 2048


@dataclass
class MaskSummary:
    records: int = 0
    blank_lines: list[int] = field(default_factory=list)


def mask_jsonl(path: Path, output: TextIO, *, plan: FieldPlan, tokenizer: Tokenizer,
               detector: Detector | None = None, batch_size: int = DEFAULT_BATCH_SIZE,
               on_progress: Callable[[int], None] | None = None) -> MaskSummary:
    """Write the masked form of every record of ``path`` to ``output``."""
    summary = MaskSummary()
    with path.open("rb") as stream:
        for batch in read_jsonl_batches(path, stream, batch_size=batch_size,
                                        blank_lines=summary.blank_lines):
            frame = pd.DataFrame.from_records([record.value for record in batch])
            try:
                table = apply_field_plan(frame, plan, tokenizer, detector=detector)
            except AnonymizeError as exc:
                raise JsonlInputError(
                    f"{path}:{batch[0].line}-{batch[-1].line}: {exc}") from exc
            for row in table.to_pylist():
                output.write(json.dumps(row, ensure_ascii=False, default=str))
                output.write("\n")
            summary.records += table.num_rows
            if on_progress is not None:
                on_progress(stream.tell())
    return summary

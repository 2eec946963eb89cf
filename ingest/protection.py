"""Validate a batch and apply the policy's field plan: raw records in, lake rows and rejections out.

This is the one step where raw records are turned into what nijta may keep; the pipeline runs
it on every batch and ``nijta dlq replay`` on the records it brings back, so both decide alike.
It works on Arrow: pandera sees the batch as ``pd.ArrowDtype`` columns (no copy to Python
objects), and the field plan transforms the passing rows with their Arrow types intact, so every
batch of a source writes the same lake schema.

A row is rejected when it fails the dataset's schema, or when a transform of the field plan
cannot take its value (a tokenizer refusing a malformed identifier, say): such rows are found
by halving the batch, so one bad value costs a few extra passes, not a pass per row.

Usage::

    protected = protect_records(batch.records, validation_for(dataset), plan, tokenizer)
    protected.table        # lake rows (tokens, no raw identifier)
    protected.rejected     # Rejection(row, rule, reason) per refused input row
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from anonymize.exceptions import InvalidValue
from anonymize.field_transforms import apply_field_plan
from anonymize.tokens import Tokenizer
from anonymize.transforms.scrub import Detector
from ingest.schemas import SourceValidation
from ingest.validation import Rejection, split_valid
from policies.field_plan import FieldPlan

__all__ = ["ProtectedRecords", "protect_records"]


@dataclass(frozen=True)
class ProtectedRecords:
    """A batch after validation and the field plan."""

    table: pa.Table
    """The lake form of the rows that passed, in input order."""
    rejected: tuple[Rejection, ...]
    """One per refused input row, by its position in the input, in row order."""


def protect_records(records: pa.Table, validation: SourceValidation, plan: FieldPlan,
                    tokenizer: Tokenizer, *, detector: Detector | None = None,
                    ) -> ProtectedRecords:
    """``records`` validated against ``validation`` and transformed by ``plan``."""
    frame = records.to_pandas(types_mapper=pd.ArrowDtype)
    _, refused = split_valid(frame, validation.schema)
    passed = np.ones(records.num_rows, dtype=bool)
    passed[[r.row for r in refused]] = False
    valid = records.filter(pa.array(passed))
    if validation.to_lake is not None:
        valid = validation.to_lake(valid)
    planned = _PlanRun(plan, tokenizer, detector)
    pieces = planned.apply(valid, np.flatnonzero(passed))
    table = pa.concat_tables(pieces) if pieces else planned.transform(valid.slice(0, 0))
    rejected = sorted([*refused, *planned.rejected], key=lambda r: r.row)
    return ProtectedRecords(table, tuple(rejected))


@dataclass
class _PlanRun:
    plan: FieldPlan
    tokenizer: Tokenizer
    detector: Detector | None
    rejected: list[Rejection] | None = None

    def __post_init__(self) -> None:
        self.rejected = []

    def transform(self, table: pa.Table) -> pa.Table:
        return apply_field_plan(table.to_pandas(types_mapper=pd.ArrowDtype), self.plan,
                                self.tokenizer, detector=self.detector)

    def apply(self, table: pa.Table, rows: np.ndarray) -> list[pa.Table]:
        """Transformed pieces of ``table``; rows no transform takes go to ``rejected``."""
        if table.num_rows == 0:
            return []
        try:
            return [self.transform(table)]
        except InvalidValue as exc:  # a value-level refusal; other errors stop the run
            if table.num_rows == 1:
                assert self.rejected is not None
                # InvalidValue messages name the dataset and field, never the value.
                self.rejected.append(Rejection(int(rows[0]),
                                               f"{self.plan.dataset}.plan.{type(exc).__name__}",
                                               str(exc)))
                return []
        half = table.num_rows // 2
        return (self.apply(table.slice(0, half), rows[:half])
                + self.apply(table.slice(half), rows[half:]))

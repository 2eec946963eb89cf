"""Split a batch into valid rows and rejections, each rejection with its rule and reason.

Reasons name the column and the check, never the offending value: a reason is stored in
clear next to the encrypted record, so it must not carry personal data.

Usage::

    valid, rejected = split_valid(frame, validation_for("upi_transactions").schema)
    rejected[0].rule        # 'upi_transactions.schema.amount.greater_than'
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

__all__ = ["Rejection", "split_valid"]

_MAX_PASSES = 5


@dataclass(frozen=True)
class Rejection:
    """Why one row (by its position in the batch) was refused."""

    row: int
    rule: str
    reason: str


def _rule(schema: pa.DataFrameSchema, column: str | None, check: str) -> str:
    check_name = check.split("(")[0]
    return f"{schema.name}.schema.{column or '*'}.{check_name}"


def split_valid(frame: pd.DataFrame, schema: pa.DataFrameSchema) -> tuple[pd.DataFrame,
                                                                         list[Rejection]]:
    """Validated (and coerced) rows, and one :class:`Rejection` per refused row.

    pandera skips value checks on a column whose coercion failed, so validation repeats on the
    remaining rows until they pass; a failure not tied to a row (a missing or unknown column)
    refuses the whole batch.
    """
    frame = frame.reset_index(drop=True)
    rejected: dict[int, Rejection] = {}
    remaining = frame
    for _ in range(_MAX_PASSES):
        try:
            return schema.validate(remaining, lazy=True), sorted(rejected.values(),
                                                                  key=lambda r: r.row)
        except SchemaErrors as errors:
            cases = errors.failure_cases
        row_level = cases[cases["index"].notna()]
        if row_level.empty:
            return remaining.iloc[0:0], _reject_all(frame, schema, cases)
        for case in row_level.itertuples():
            row = int(case.index)
            if row not in rejected:
                rejected[row] = Rejection(row, _rule(schema, case.column, case.check),
                                          f"column {case.column!r} failed {case.check}")
        remaining = frame.drop(index=list(rejected))
    raise AssertionError("validation did not converge")  # pragma: no cover


def _reject_all(frame: pd.DataFrame, schema: pa.DataFrameSchema,
                cases: pd.DataFrame) -> list[Rejection]:
    first = cases.iloc[0]
    # For batch-level failures pandera puts the column name in failure_case: a schema name,
    # not a value.
    reason = f"batch failed {first['check']} ({first['failure_case']})"
    rule = _rule(schema, None, str(first["check"]))
    return [Rejection(row, rule, reason) for row in range(len(frame))]

"""Apply a dataset's field plan to a batch: keep, drop or tokenize each column.

Input is a validated pandas batch; output is an Arrow table that holds no raw identifier.
Timestamps leave as microsecond UTC, the precision Spark and Delta read.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from anonymize.exceptions import UnclassifiedField
from anonymize.tokens import Tokenizer
from policies.field_plan import FieldPlan, Transform

__all__ = ["apply_field_plan"]


def _column(frame: pd.DataFrame, name: str) -> pa.Array:
    array = pa.Array.from_pandas(frame[name])
    if pa.types.is_timestamp(array.type):
        return array.cast(pa.timestamp("us", tz="UTC"))
    return array


def apply_field_plan(frame: pd.DataFrame, plan: FieldPlan, tokenizer: Tokenizer) -> pa.Table:
    """The lake form of ``frame``: every column transformed as ``plan`` says."""
    unclassified = plan.unclassified(list(frame.columns))
    if unclassified:
        raise UnclassifiedField(
            f"dataset {plan.dataset!r}: columns {unclassified} have no rule in the field plan"
        )
    columns: dict[str, pa.Array] = {}
    for name in frame.columns:
        rule = plan.fields[name]
        if rule.transform is Transform.DROP:
            continue
        values = _column(frame, name)
        if rule.transform is Transform.TOKENIZE:
            assert rule.identifier is not None  # guaranteed by FieldRule's validator
            values = tokenizer.tokenize_column(rule.identifier, values)
        columns[plan.output_name(name)] = values
    return pa.table(columns)

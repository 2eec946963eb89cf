"""Apply a dataset's field plan to a batch: each column transformed as its rule says.

Input is a validated pandas batch; output is an Arrow table that holds no raw identifier.
Every transform works on a whole Arrow column. ``encrypt`` columns are done last, because the
token column naming each row's principal must exist first. Timestamps leave as microsecond
UTC, the precision Spark and Delta read. An error names the dataset and field, never a value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache

import pandas as pd
import pyarrow as pa

from anonymize.exceptions import AnonymizeError, InvalidValue, UnclassifiedField
from anonymize.tokens import Tokenizer
from anonymize.transforms.encryption import DeterministicCipher, PrincipalCipher
from anonymize.transforms.generalize import (
    DEFAULT_AGE_EDGES,
    DEFAULT_AMOUNT_EDGES,
    DEFAULT_GEOHASH_PRECISION,
    age_band_column,
    bucket_column,
    geohash_column,
    pincode_column,
)
from anonymize.transforms.masking import mask_column, redact_column
from anonymize.transforms.scrub import Detector, scrub_column
from policies.field_plan import FieldPlan, FieldRule, Transform

__all__ = ["apply_field_plan"]


def apply_field_plan(frame: pd.DataFrame, plan: FieldPlan, tokenizer: Tokenizer, *,
                     detector: Detector | None = None) -> pa.Table:
    """The lake form of ``frame``: every column transformed as ``plan`` says.

    ``detector`` finds personal data for ``scrub`` rules; by default nijta's ``PiiDetector``.
    """
    unclassified = plan.unclassified(list(frame.columns))
    if unclassified:
        raise UnclassifiedField(
            f"dataset {plan.dataset!r}: columns {unclassified} have no rule in the field plan"
        )
    batch = _Batch(frame, tokenizer, detector)
    kept = [n for n in frame.columns if plan.fields[n].transform is not Transform.DROP]
    for name in sorted(kept, key=lambda n: plan.fields[n].transform is Transform.ENCRYPT):
        try:
            batch.outputs[plan.output_name(name)] = _TRANSFORMS[plan.fields[name].transform](
                batch.column(name), plan.fields[name], batch)
        except AnonymizeError as exc:
            raise type(exc)(f"dataset {plan.dataset!r}, field {name!r}: {exc}") from exc
    return pa.table({plan.output_name(n): batch.outputs[plan.output_name(n)] for n in kept})


@dataclass
class _Batch:
    """One batch being transformed, and the tools its rules need."""

    frame: pd.DataFrame
    tokenizer: Tokenizer
    given_detector: Detector | None
    outputs: dict[str, pa.Array] = field(default_factory=dict)

    def column(self, name: str) -> pa.Array:
        try:
            array = pa.Array.from_pandas(self.frame[name])
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            raise InvalidValue("the column mixes value types (e.g. numbers among strings); "
                               "fix its type at the source") from None  # Arrow's text quotes values
        if pa.types.is_timestamp(array.type):
            return array.cast(pa.timestamp("us", tz="UTC"))
        return array

    def output(self, name: str) -> pa.Array:
        if name not in self.outputs:
            raise InvalidValue(f"the principal column {name!r} is not in this batch")
        return self.outputs[name]

    def detector(self) -> Detector:
        return self.given_detector or _default_detector()


@cache
def _default_detector() -> Detector:
    from anonymize.detection import PiiDetector  # heavy (NLP models): only when a plan scrubs

    detector: Detector = PiiDetector()
    return detector


def _generalize(values: pa.Array, rule: FieldRule, batch: _Batch) -> pa.Array:
    if rule.kind == "date_of_birth":
        edges = tuple(int(e) for e in rule.edges) if rule.edges else DEFAULT_AGE_EDGES
        return age_band_column(values, as_of=rule.as_of or datetime.now(UTC).date(),
                               edges=edges)
    if rule.kind == "pincode":
        return pincode_column(values)
    if rule.kind == "geo":
        assert rule.longitude is not None  # guaranteed by FieldRule's validator
        return geohash_column(values, batch.column(rule.longitude),
                              precision=rule.precision or DEFAULT_GEOHASH_PRECISION)
    return bucket_column(values, rule.edges or DEFAULT_AMOUNT_EDGES)


def _tokenize(values: pa.Array, rule: FieldRule, batch: _Batch) -> pa.Array:
    assert rule.identifier is not None  # guaranteed by FieldRule's validator
    return batch.tokenizer.tokenize_column(rule.identifier, values)


def _encrypt(values: pa.Array, rule: FieldRule, batch: _Batch) -> pa.Array:
    assert rule.principal is not None  # guaranteed by FieldRule's validator
    return PrincipalCipher(batch.tokenizer.keys).encrypt_column(values,
                                                                batch.output(rule.principal))


_TRANSFORMS: dict[Transform, Callable[[pa.Array, FieldRule, _Batch], pa.Array]] = {
    Transform.KEEP: lambda values, rule, batch: values,
    Transform.REDACT: lambda values, rule, batch: redact_column(values, rule.replacement),
    Transform.MASK: lambda values, rule, batch: mask_column(values, rule.identifier),
    Transform.TOKENIZE: _tokenize,
    Transform.ENCRYPT_DETERMINISTIC: lambda values, rule, batch: DeterministicCipher(
        batch.tokenizer.keys).encrypt_column(values, identifier=rule.identifier),
    Transform.ENCRYPT: _encrypt,
    Transform.GENERALIZE: _generalize,
    Transform.SCRUB: lambda values, rule, batch: scrub_column(
        values, batch.detector(), mode=rule.mode or "type", tokenizer=batch.tokenizer),
}

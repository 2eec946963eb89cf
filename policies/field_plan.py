"""The field plan: for every source field, what may be kept and how it is transformed.

A dataset's classification names each field's transform. ``keep`` passes a non-personal field
through; ``drop`` removes it; ``tokenize`` replaces an identifier by its keyed token (see
:mod:`anonymize.tokens`), under a new column name. A field without a rule is refused: an
unclassified column is never written.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["FieldPlan", "FieldRule", "Transform"]


class Transform(StrEnum):
    KEEP = "keep"
    DROP = "drop"
    TOKENIZE = "tokenize"


class FieldRule(BaseModel):
    """What happens to one source field."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    transform: Transform
    """How the field is treated at ingestion."""
    identifier: str | None = None
    """For ``tokenize``: the identifier kind (``upi_vpa``, ``mobile``, ``bank_account``)."""
    output: str | None = None
    """Column name in the lake; defaults to the source name."""

    @model_validator(mode="after")
    def _identifier_iff_tokenize(self) -> Self:
        if (self.transform is Transform.TOKENIZE) != (self.identifier is not None):
            raise ValueError("'identifier' is required for tokenize and only for tokenize")
        return self


class FieldPlan(BaseModel):
    """Rules for every field of one dataset."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dataset: str
    fields: dict[str, FieldRule] = Field(min_length=1)

    def unclassified(self, columns: list[str]) -> list[str]:
        """Source columns that have no rule."""
        return [c for c in columns if c not in self.fields]

    def output_name(self, field: str) -> str:
        return self.fields[field].output or field

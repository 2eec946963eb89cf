"""The field plan: for every source field, what may be kept and how it is transformed.

A dataset's classification names each field's transform (implemented in :mod:`anonymize`):

=========================  ==================================================  ===============
transform                  effect                                              options
=========================  ==================================================  ===============
``keep``                   passes a non-personal field through
``drop``                   removes the field
``redact``                 every value → null, or a fixed text                 ``replacement``
``mask``                   partial display form (``XXXX XXXX 1234``)           ``identifier``
``tokenize``               deterministic keyed token; joins across sources     ``identifier``
``encrypt_deterministic``  AES-SIV: joinable and reversible with the key       ``identifier``
``encrypt``                AES-GCM under the row principal's data key          ``principal``
``generalize``             age band, PIN district, geohash or amount bucket    ``kind`` + below
``scrub``                  free text with each detected finding replaced       ``mode``
=========================  ==================================================  ===============

Options a transform does not use are refused, so a typo in a policy fails at load, not at
ingestion. A field without a rule is refused too: an unclassified column is never written.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from itertools import pairwise
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["FieldPlan", "FieldRule", "GeneralizeKind", "IdentifierKind", "ScrubMode", "Transform"]


class Transform(StrEnum):
    KEEP = "keep"
    DROP = "drop"
    REDACT = "redact"
    MASK = "mask"
    TOKENIZE = "tokenize"
    ENCRYPT_DETERMINISTIC = "encrypt_deterministic"
    ENCRYPT = "encrypt"
    GENERALIZE = "generalize"
    SCRUB = "scrub"


IdentifierKind = Literal[
    "aadhaar", "bank_account", "customer_id", "email", "mobile", "pan", "upi_vpa"]
GeneralizeKind = Literal["amount", "date_of_birth", "geo", "pincode"]
ScrubMode = Literal["type", "token"]

_OPTIONS = ("identifier", "replacement", "principal", "kind", "as_of", "edges", "longitude",
            "precision", "mode")
_USES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    # transform: (required options, allowed options)
    Transform.KEEP: (frozenset(), frozenset()),
    Transform.DROP: (frozenset(), frozenset()),
    Transform.REDACT: (frozenset(), frozenset({"replacement"})),
    Transform.MASK: (frozenset(), frozenset({"identifier"})),
    Transform.TOKENIZE: (frozenset({"identifier"}), frozenset({"identifier"})),
    Transform.ENCRYPT_DETERMINISTIC: (frozenset(), frozenset({"identifier"})),
    Transform.ENCRYPT: (frozenset({"principal"}), frozenset({"principal"})),
    Transform.GENERALIZE: (frozenset({"kind"}), frozenset({"kind", "as_of", "edges",
                                                           "longitude", "precision"})),
    Transform.SCRUB: (frozenset(), frozenset({"mode"})),
}
_GENERALIZE_USES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "amount": (frozenset(), frozenset({"edges"})),
    "date_of_birth": (frozenset(), frozenset({"as_of", "edges"})),
    "geo": (frozenset({"longitude"}), frozenset({"longitude", "precision"})),
    "pincode": (frozenset(), frozenset()),
}


class FieldRule(BaseModel):
    """What happens to one source field."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    transform: Transform
    """How the field is treated at ingestion."""
    output: str | None = None
    """Column name in the lake; defaults to the source name."""
    identifier: IdentifierKind | None = None
    """``tokenize`` (required): the tokenization domain. ``mask``: the display convention
    (default: keep the last 4). ``encrypt_deterministic``: canonicalise first, so equal
    identifiers in different spellings encrypt alike."""
    replacement: str | None = None
    """``redact``: fixed text for every value (e.g. ``<REDACTED>``); default null."""
    principal: str | None = None
    """``encrypt`` (required): the output name of the tokenize rule whose token names each
    row's data principal (e.g. ``payer_token``)."""
    kind: GeneralizeKind | None = None
    """``generalize`` (required): what the field holds."""
    as_of: date | None = None
    """``generalize`` ``date_of_birth``: the date ages are computed at; default: the day of
    ingestion (UTC)."""
    edges: tuple[float, ...] | None = Field(default=None, min_length=1)
    """``generalize`` ``date_of_birth`` (whole years) or ``amount``: increasing band edges."""
    longitude: str | None = None
    """``generalize`` ``geo`` (required): the source field with the longitude; this field
    holds the latitude."""
    precision: int | None = Field(default=None, ge=1, le=12)
    """``generalize`` ``geo``: geohash characters (default 4, a cell of ~39 × 20 km)."""
    mode: ScrubMode | None = None
    """``scrub``: replace each finding by ``<TYPE>`` (default) or by its ``token``."""

    @model_validator(mode="after")
    def _options_fit_the_transform(self) -> Self:
        given = {name for name in _OPTIONS if getattr(self, name) is not None}
        _check_options(given, _USES, self.transform, "")
        if self.kind is not None:
            _check_options(given - {"kind"}, _GENERALIZE_USES, self.kind, "generalize ")
        if self.edges and any(b <= a for a, b in pairwise(self.edges)):
            raise ValueError(f"'edges' must increase, got {list(self.edges)}")
        if self.kind == "date_of_birth" and self.edges and not all(
                e.is_integer() for e in self.edges):
            raise ValueError("age band 'edges' are whole years")
        return self


def _check_options(given: set[str], uses: Mapping[str, tuple[frozenset[str], frozenset[str]]],
                   key: str, prefix: str) -> None:
    required, allowed = uses[key]
    missing, extra, what = sorted(required - given), sorted(given - allowed), f"{prefix}{key}"
    if missing:
        raise ValueError(f"{missing[0]!r} is required for {what}")
    if extra:
        users = sorted(f"{prefix}{k}" for k, (_, ok) in uses.items() if extra[0] in ok)
        raise ValueError(f"{extra[0]!r} does not apply to {what} (it is an option of "
                         f"{', '.join(users)})")


class FieldPlan(BaseModel):
    """Rules for every field of one dataset."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dataset: str
    fields: dict[str, FieldRule] = Field(min_length=1)

    @model_validator(mode="after")
    def _references_resolve(self) -> Self:
        outputs = [self.output_name(f) for f, r in self.fields.items()
                   if r.transform is not Transform.DROP]
        doubled = sorted({o for o in outputs if outputs.count(o) > 1})
        if doubled:
            raise ValueError(f"several fields write the output columns {doubled}")
        tokens = {self.output_name(f) for f, r in self.fields.items()
                  if r.transform is Transform.TOKENIZE}
        for field, rule in self.fields.items():
            if rule.principal is not None and rule.principal not in tokens:
                raise ValueError(f"field {field!r}: principal {rule.principal!r} is not the "
                                 f"output of a tokenize rule (those are {sorted(tokens)})")
            if rule.longitude is not None and rule.longitude not in self.fields:
                raise ValueError(f"field {field!r}: longitude field {rule.longitude!r} has "
                                 "no rule in this plan")
        return self

    def unclassified(self, columns: list[str]) -> list[str]:
        """Source columns that have no rule."""
        return [c for c in columns if c not in self.fields]

    def output_name(self, field: str) -> str:
        return self.fields[field].output or field

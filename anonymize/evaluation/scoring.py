"""Span-overlap precision and recall of a PII detector on a labelled corpus.

Why overlap, not exact match: detectors disagree on boundaries (``+91`` in or out, a trailing
dot), and for masking what matters is that the value is hit at all, by the right type. A
predicted span is a true positive for a ground-truth span of the same type when they overlap.

Detectors with their own type names (Presidio) are scored through a ``type_map`` into
``ENTITY_TYPES``; any type that maps to nothing in the vocabulary is scored as ``OTHER``, which
is always a false positive (it still redacts something that should stay).

Usage::

    report = score(corpus, [detector.detect(item.text) for item in corpus])
    report.identifier_recall, report.hard_negatives_flagged
    json.dumps(report.to_dict())
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from anonymize.evaluation.corpus import LabelledText
from anonymize.findings import ENTITY_TYPES, IDENTIFIER_TYPES, Finding

__all__ = ["OTHER", "PRESIDIO_TYPE_MAP", "EvaluationReport", "TypeScore", "score"]

OTHER = "OTHER"
"""The type of a prediction whose native type has no place in ``ENTITY_TYPES``."""

PRESIDIO_TYPE_MAP: Mapping[str, str] = {
    "IN_AADHAAR": "AADHAAR",
    "IN_PAN": "PAN",
    "IN_GSTIN": "GSTIN",
    "IN_VOTER": "VOTER_ID",
    "IN_PASSPORT": "PASSPORT_IN",
    "IN_VEHICLE_REGISTRATION": "VEHICLE_REG_IN",
    "PHONE_NUMBER": "PHONE_IN",
    "EMAIL_ADDRESS": "EMAIL",
    "US_BANK_NUMBER": "BANK_ACCOUNT",
    "CREDIT_CARD": "CARD_NUMBER",
    "PERSON": "PERSON",
    "IP_ADDRESS": "IP_ADDRESS",
}
"""Presidio entity types credited as their closest vocabulary type; the rest are ``OTHER``."""

_PRECISION = 4


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, _PRECISION) if denominator else None


@dataclass(frozen=True)
class TypeScore:
    """Counts and rates for one type: recall over its labels, precision over its predictions."""

    labelled: int
    """Ground-truth spans of this type."""
    found: int
    """Ground-truth spans overlapped by a prediction of this type."""
    predicted: int
    """Predictions of this type."""
    correct: int
    """Predictions overlapping a ground-truth span of this type."""
    recall: float | None
    precision: float | None

    @classmethod
    def of(cls, labelled: int, found: int, predicted: int, correct: int) -> TypeScore:
        """A score with its rates computed (``None`` where there is nothing to divide by)."""
        return cls(labelled, found, predicted, correct,
                   _ratio(found, labelled), _ratio(correct, predicted))


@dataclass(frozen=True)
class EvaluationReport:
    """How a detector did on a corpus; ``to_dict()`` is JSON-ready."""

    texts: int
    per_type: dict[str, TypeScore]
    """Every labelled or predicted type, ``OTHER`` included."""
    identifier_precision: float | None
    """Micro precision over predictions of identifier types and ``OTHER``."""
    identifier_recall: float | None
    """Micro recall over ground-truth spans of ``IDENTIFIER_TYPES``, by a same-type prediction."""
    identifier_recall_any: float | None
    """As ``identifier_recall`` but crediting a prediction of any type (at least partly masked)."""
    person_recall: float | None
    hard_negatives: int
    hard_negatives_flagged: float | None
    """Share of hard negatives overlapped by any prediction."""
    hard_negatives_flagged_by_kind: dict[str, float | None]
    other_types: dict[str, int]
    """Native types scored as ``OTHER``, with their prediction counts."""

    def to_dict(self) -> dict[str, Any]:
        """A plain dict of plain values."""
        return asdict(self)


@dataclass
class _Tally:
    """Running counts over a corpus, keyed by vocabulary type or hard-negative kind."""

    labelled: Counter[str] = field(default_factory=Counter)
    found: Counter[str] = field(default_factory=Counter)
    found_any: Counter[str] = field(default_factory=Counter)
    predicted: Counter[str] = field(default_factory=Counter)
    correct: Counter[str] = field(default_factory=Counter)
    negatives: Counter[str] = field(default_factory=Counter)
    negatives_flagged: Counter[str] = field(default_factory=Counter)
    unmapped: Counter[str] = field(default_factory=Counter)


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def _vocabulary_type(native: str, type_map: Mapping[str, str]) -> str:
    mapped = type_map.get(native, native)
    return mapped if mapped in ENTITY_TYPES else OTHER


def _map_findings(findings: Sequence[Finding], type_map: Mapping[str, str],
                  unmapped: Counter[str]) -> list[tuple[int, int, str]]:
    """``(start, end, vocabulary type)`` per finding; counts native types that become OTHER."""
    mapped = []
    for finding in findings:
        entity_type = _vocabulary_type(finding.type, type_map)
        if entity_type == OTHER:
            unmapped[finding.type] += 1
        mapped.append((finding.start, finding.end, entity_type))
    return mapped


def _tally_text(item: LabelledText, predicted: list[tuple[int, int, str]], tally: _Tally) -> None:
    for span in item.spans:
        hits = [p for p in predicted if _overlaps(span.start, span.end, p[0], p[1])]
        tally.labelled[span.type] += 1
        tally.found[span.type] += any(p[2] == span.type for p in hits)
        tally.found_any[span.type] += bool(hits)
    for start, end, entity_type in predicted:
        tally.predicted[entity_type] += 1
        tally.correct[entity_type] += any(
            s.type == entity_type and _overlaps(s.start, s.end, start, end) for s in item.spans)
    for negative in item.hard_negatives:
        tally.negatives[negative.kind] += 1
        tally.negatives_flagged[negative.kind] += any(
            _overlaps(negative.start, negative.end, p[0], p[1]) for p in predicted)


def score(corpus: Sequence[LabelledText], predictions: Sequence[Sequence[Finding]], *,
          type_map: Mapping[str, str] | None = None) -> EvaluationReport:
    """Score ``predictions[i]`` (findings on ``corpus[i].text``) against the labels.

    ``type_map`` renames a detector's native types into ``ENTITY_TYPES`` (e.g.
    :data:`PRESIDIO_TYPE_MAP`); types outside the vocabulary after mapping count as ``OTHER``.
    """
    if len(predictions) != len(corpus):
        raise ValueError(f"{len(predictions)} prediction lists for {len(corpus)} texts")
    type_map = type_map or {}
    tally = _Tally()
    for item, findings in zip(corpus, predictions, strict=True):
        _tally_text(item, _map_findings(findings, type_map, tally.unmapped), tally)
    return _report(len(corpus), tally)


def _report(texts: int, tally: _Tally) -> EvaluationReport:
    types = sorted(set(tally.labelled) | set(tally.predicted))
    scored = set(IDENTIFIER_TYPES) | {OTHER}
    return EvaluationReport(
        texts=texts,
        per_type={t: TypeScore.of(tally.labelled[t], tally.found[t], tally.predicted[t],
                                  tally.correct[t]) for t in types},
        identifier_precision=_ratio(sum(tally.correct[t] for t in scored),
                                    sum(tally.predicted[t] for t in scored)),
        identifier_recall=_ratio(sum(tally.found[t] for t in IDENTIFIER_TYPES),
                                 sum(tally.labelled[t] for t in IDENTIFIER_TYPES)),
        identifier_recall_any=_ratio(sum(tally.found_any[t] for t in IDENTIFIER_TYPES),
                                     sum(tally.labelled[t] for t in IDENTIFIER_TYPES)),
        person_recall=_ratio(tally.found["PERSON"], tally.labelled["PERSON"]),
        hard_negatives=tally.negatives.total(),
        hard_negatives_flagged=_ratio(tally.negatives_flagged.total(), tally.negatives.total()),
        hard_negatives_flagged_by_kind={
            kind: _ratio(tally.negatives_flagged[kind], count)
            for kind, count in sorted(tally.negatives.items())},
        other_types=dict(sorted(tally.unmapped.items())),
    )

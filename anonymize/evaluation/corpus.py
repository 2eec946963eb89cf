"""A seeded, labelled corpus of Indian fintech text: what PII detectors are measured on.

Why generate it: no public corpus has bank SMS alerts, UPI/NEFT/IMPS narrations, KYC notes
and Hinglish support chats with identifier labels, and real ones are personal data. Every value
here is synthetic, yet valid for its format and checksum (``stdnum`` where it has a validator:
Verhoeff for Aadhaar and VID, mod-36 Luhn for GSTIN, Luhn for cards and EPIC). Faker's own
``aadhaar_id()`` is Luhn-checked and mostly fails Verhoeff, so it is not used.

Each text also carries *hard negatives*: look-alikes a detector must leave alone. UPI RRNs are
random 12-digit numbers, so about one in ten passes Verhoeff like an Aadhaar; in RRN/UTR context
they are still references, not Aadhaar numbers. UANs, order, policy and ticket ids, amounts,
transaction dates and masked values (``XXXX XXXX 1234``) are hard negatives too.

Spans are exact by construction: a template is filled slot by slot and each slot's offsets are
recorded as it is written. No two spans overlap.

Usage::

    corpus = generate_corpus(3000, seed=20261128)
    write_jsonl(corpus, "pii-corpus.jsonl")
    assert read_jsonl("pii-corpus.jsonl") == corpus
"""

from __future__ import annotations

import json
import string
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from anonymize.evaluation.templates import TEMPLATES
from anonymize.evaluation.values import Slot, Slots, Values

__all__ = [
    "DEFAULT_SEED",
    "DEFAULT_SIZE",
    "HARD_NEGATIVE_KINDS",
    "HardNegative",
    "LabelledSpan",
    "LabelledText",
    "corpus_stats",
    "generate_corpus",
    "read_jsonl",
    "write_jsonl",
]

DEFAULT_SEED = 20261128
DEFAULT_SIZE = 3000

HARD_NEGATIVE_KINDS = (
    "RRN", "UTR", "UAN", "ORDER_ID", "POLICY_NO", "TICKET", "TXN_ID", "MANDATE_ID", "ATM_ID",
    "OTP", "CHEQUE_NO", "HELPLINE", "AMOUNT", "DATE", "MASKED_AADHAAR", "MASKED_ACCOUNT",
    "MASKED_CARD", "MASKED_PAN",
)
"""Kinds of look-alike values that are not personal data."""


@dataclass(frozen=True)
class LabelledSpan:
    """``text[start:end]`` is personal data of ``type`` (one of ``ENTITY_TYPES``)."""

    start: int
    end: int
    type: str


@dataclass(frozen=True)
class HardNegative:
    """``text[start:end]`` looks like an identifier but is not personal data."""

    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class LabelledText:
    """One line of text with its ground truth."""

    id: str
    text: str
    spans: tuple[LabelledSpan, ...]
    hard_negatives: tuple[HardNegative, ...]


_FORMATTER = string.Formatter()


def _fill(template: str, slots: Slots) -> tuple[str, list[LabelledSpan], list[HardNegative]]:
    """Write ``template`` with its ``{slot}``s filled, recording each labelled slot's offsets."""
    parts: list[str] = []
    spans: list[LabelledSpan] = []
    negatives: list[HardNegative] = []
    position = 0
    for literal, field, _spec, _conversion in _FORMATTER.parse(template):
        parts.append(literal)
        position += len(literal)
        if field is None:
            continue
        slot = slots[field]
        slot = Slot(slot) if isinstance(slot, str) else slot
        end = position + len(slot.value)
        if slot.type:
            spans.append(LabelledSpan(position, end, slot.type))
        elif slot.kind:
            negatives.append(HardNegative(position, end, slot.kind))
        parts.append(slot.value)
        position = end
    return "".join(parts), spans, negatives


# --- public API -------------------------------------------------------------------------------


def generate_corpus(n: int = DEFAULT_SIZE, *, seed: int = DEFAULT_SEED) -> list[LabelledText]:
    """``n`` labelled texts, the same for the same ``seed`` (and Faker version)."""
    values = Values(seed)
    templates = [template for template, _ in TEMPLATES]
    weights = [weight for _, weight in TEMPLATES]
    corpus = []
    for i in range(n):
        template = values.rng.choices(templates, weights)[0]
        pattern, slots = template(values)
        text, spans, negatives = _fill(pattern, slots)
        corpus.append(LabelledText(f"{i:05d}{template.__name__}", text, tuple(spans),
                                   tuple(negatives)))
    return corpus


def write_jsonl(corpus: Iterable[LabelledText], path: str | Path) -> None:
    """One JSON object per line: ``{"id", "text", "spans": [...], "hard_negatives": [...]}``."""
    with Path(path).open("w", encoding="utf-8") as out:
        for item in corpus:
            out.write(json.dumps(asdict(item), ensure_ascii=False) + "\n")


def read_jsonl(path: str | Path) -> list[LabelledText]:
    """The corpus :func:`write_jsonl` wrote."""
    with Path(path).open(encoding="utf-8") as lines:
        return [_from_dict(json.loads(line)) for line in lines if line.strip()]


def _from_dict(record: dict[str, Any]) -> LabelledText:
    return LabelledText(
        id=record["id"], text=record["text"],
        spans=tuple(LabelledSpan(**span) for span in record["spans"]),
        hard_negatives=tuple(HardNegative(**neg) for neg in record["hard_negatives"]),
    )


def corpus_stats(corpus: Sequence[LabelledText]) -> dict[str, Any]:
    """Counts for reports: texts, characters, spans per type, hard negatives per kind."""
    lengths = [len(item.text) for item in corpus]
    spans = Counter(span.type for item in corpus for span in item.spans)
    negatives = Counter(neg.kind for item in corpus for neg in item.hard_negatives)
    return {
        "texts": len(corpus),
        "chars": {"min": min(lengths, default=0), "max": max(lengths, default=0),
                  "mean": round(sum(lengths) / len(lengths), 1) if lengths else 0.0},
        "spans": dict(sorted(spans.items())),
        "hard_negatives": dict(sorted(negatives.items())),
    }

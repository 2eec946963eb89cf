"""Free-text scrubbing: every span a detector finds is replaced, the rest of the text kept.

A finding becomes ``<TYPE>`` (mode ``type``), or, in mode ``token``, the same keyed token the
structured columns carry (``tok_…``), so a VPA in a remark joins with the payer column. Types
with no tokenization domain (``PERSON``, ``ADDRESS``, …) and spans with no canonical form fall
back to ``<TYPE>``: a finding is never left in clear. Overlapping findings are resolved by
score, then length; the losers are inside the winner's replacement anyway.

Usage::

    scrub("pay asha@oksbi", PiiDetector())                   # 'pay <UPI_VPA>'
    scrub(text, findings, mode="token", tokenizer=tokenizer)  # 'pay tok_…'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal, Protocol, runtime_checkable

import pyarrow as pa

from anonymize.columns import string_column
from anonymize.exceptions import InvalidValue
from anonymize.findings import Finding
from anonymize.tokens import Tokenizer

__all__ = ["FINDING_IDENTIFIERS", "BatchDetector", "Detector", "ScrubMode", "scrub",
           "scrub_column"]

ScrubMode = Literal["type", "token"]

FINDING_IDENTIFIERS = {
    "AADHAAR": "aadhaar", "BANK_ACCOUNT": "bank_account", "EMAIL": "email",
    "PAN": "pan", "PHONE_IN": "mobile", "UPI_VPA": "upi_vpa",
}
"""Finding types whose ``token`` replacement uses that identifier's tokenization domain."""


@runtime_checkable
class Detector(Protocol):
    """Finds personal data in text (``anonymize.detection.PiiDetector`` is one)."""

    def detect(self, text: str) -> list[Finding]: ...


@runtime_checkable
class BatchDetector(Detector, Protocol):
    """A detector that is faster on many texts at once (its NLP model runs batched)."""

    def detect_batch(self, texts: Iterable[str | None]) -> list[list[Finding]]: ...


def scrub(text: str, findings_or_detector: Sequence[Finding] | Detector, *,
          mode: ScrubMode = "type", tokenizer: Tokenizer | None = None) -> str:
    """``text`` with every finding replaced by ``<TYPE>`` or by its token."""
    if mode == "token" and tokenizer is None:
        raise ValueError("scrub mode 'token' needs a tokenizer")
    findings = (findings_or_detector.detect(text) if isinstance(findings_or_detector, Detector)
                else findings_or_detector)
    pieces, end = [], len(text)
    for finding in sorted(_winners(findings, len(text)), key=lambda f: f.start, reverse=True):
        span = text[finding.start:finding.end]
        pieces += [text[finding.end:end], _replacement(finding.type, span, mode, tokenizer)]
        end = finding.start
    pieces.append(text[:end])
    return "".join(reversed(pieces))


def scrub_column(column: pa.Array | pa.ChunkedArray, detector: Detector, *,
                 mode: ScrubMode = "type", tokenizer: Tokenizer | None = None) -> pa.Array:
    """Every text of a column scrubbed; nulls stay null."""
    texts = string_column(column, what="scrub").to_pylist()
    found = (detector.detect_batch(texts) if isinstance(detector, BatchDetector)
             else [[] if t is None else detector.detect(t) for t in texts])
    return pa.array([None if t is None else scrub(t, f, mode=mode, tokenizer=tokenizer)
                     for t, f in zip(texts, found, strict=True)], pa.string())


def _winners(findings: Sequence[Finding], length: int) -> list[Finding]:
    """Non-overlapping findings, the higher score (then the longer span) winning."""
    kept: list[Finding] = []
    for f in sorted(findings, key=lambda f: (-f.score, f.start - f.end, f.start)):
        if not 0 <= f.start < f.end <= length:
            raise InvalidValue(f"a {f.type} finding spans {f.start}:{f.end} of a text of "
                               f"{length} characters; the detector is wrong")
        if all(f.end <= k.start or k.end <= f.start for k in kept):
            kept.append(f)
    return kept


def _replacement(kind: str, span: str, mode: ScrubMode, tokenizer: Tokenizer | None) -> str:
    identifier = FINDING_IDENTIFIERS.get(kind)
    if mode == "type" or identifier is None or tokenizer is None:
        return f"<{kind}>"
    try:
        return tokenizer.tokenize(identifier, span)
    except InvalidValue:
        return f"<{kind}>"

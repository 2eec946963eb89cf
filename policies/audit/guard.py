"""The guard that keeps raw identifiers out of the audit log.

Callers log tokens (``tok_…`` from :class:`anonymize.tokens.Tokenizer`), counts, rule ids and
versions, never a raw identifier. The guard backs that rule up: every string in a payload
(values and keys, at any depth) goes through nijta's PII recognizers
(:class:`anonymize.detection.PiiDetector`), and an entry holding anything that looks like a
direct identifier (Aadhaar, PAN, mobile, VPA, e-mail, account or card number, …) is refused
before a byte is written. Recognizers find shapes, so the guard is a net, not a proof: a
name or an identifier in an unusual format can pass it, and a tokenized value never trips it.

Building the detector costs a few seconds once per process (it loads Presidio); checking a
payload costs microseconds.

Usage::

    guard = RawIdentifierGuard()
    # Not real identifiers: python-stdnum's documented examples or made-up shapes.
    guard.refused(["tok_5f…", "2341 2341 2346"])     # [None, 'AADHAAR']
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from anonymize.detection import PiiDetector

__all__ = ["REFUSED_ENTITIES", "IdentifierGuard", "RawIdentifierGuard", "payload_strings"]

REFUSED_ENTITIES = frozenset({
    "AADHAAR", "AADHAAR_VID", "BANK_ACCOUNT", "CARD_NUMBER", "DRIVING_LICENCE_IN", "EMAIL",
    "GSTIN", "PAN", "PASSPORT_IN", "PHONE_IN", "UPI_VPA", "VOTER_ID",
})
"""Direct identifiers of a data principal. Names, dates, places, device ids and IFSC codes
are not refused: they appear in rule ids, reasons and versions, and would stop honest entries.
"""


class IdentifierGuard(Protocol):
    """Says which strings look like raw identifiers."""

    def refused(self, texts: Sequence[str]) -> list[str | None]:
        """For each text, the refused entity type it holds, or ``None``."""
        ...


@cache
def _shared_detector() -> PiiDetector:
    from anonymize.detection import PiiDetector  # loads Presidio: only when first needed

    return PiiDetector(use_installed_model=False)


class RawIdentifierGuard:
    """Refuses texts in which the PII recognizers find a direct identifier."""

    def refused(self, texts: Sequence[str]) -> list[str | None]:
        found = _shared_detector().detect_batch(texts)
        return [next((f.type for f in findings if f.type in REFUSED_ENTITIES), None)
                for findings in found]


def payload_strings(value: Any, path: str = "payload") -> Iterator[tuple[str, str]]:
    """``(key path, text)`` of every string in a JSON value, keys included. A key is named
    by its position, since it may be the very value the guard refuses; keys come before the
    values under them, so the first refused path never spells out a refused key."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for index, (key, item) in enumerate(value.items()):
            yield f"{path}: key #{index + 1}", key
            yield from payload_strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from payload_strings(item, f"{path}[{index}]")

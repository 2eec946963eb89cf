"""What PII detection reports: typed character spans with a confidence score.

The entity vocabulary is the one in DESIGN.md; ``nijta scan`` and the policies speak it.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["ENTITY_TYPES", "IDENTIFIER_TYPES", "Finding"]

ENTITY_TYPES = (
    "AADHAAR", "AADHAAR_VID", "PAN", "GSTIN", "IFSC", "UPI_VPA", "PHONE_IN", "EMAIL",
    "BANK_ACCOUNT", "CARD_NUMBER", "VOTER_ID", "PASSPORT_IN", "DRIVING_LICENCE_IN",
    "VEHICLE_REG_IN", "PERSON", "ADDRESS", "PINCODE", "DATE_OF_BIRTH", "IP_ADDRESS",
    "DEVICE_ID", "GEO_LOCATION",
)
"""Every type a finding may carry."""

IDENTIFIER_TYPES = tuple(t for t in ENTITY_TYPES if t not in ("PERSON", "ADDRESS"))
"""Types with a fixed format (checksums, patterns), measured separately from names."""


class Finding(NamedTuple):
    """One detected span: ``text[start:end]`` (Python string indices) is of ``type``.

    Immutable, ordered by (start, end, type, score). A named tuple because a detector makes
    several per record, and a tuple is built several times faster than a dataclass instance.
    """

    start: int
    end: int
    type: str
    score: float

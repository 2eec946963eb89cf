"""The column transforms a field plan names, one module per kind of protection.

* :mod:`~anonymize.transforms.masking`: ``redact`` and ``mask`` (irreversible, for display);
* :mod:`~anonymize.transforms.generalize`: age bands, PIN districts, geohashes, amount buckets;
* :mod:`~anonymize.transforms.encryption`: ``encrypt_deterministic`` (AES-SIV, joinable) and
  ``encrypt`` (AES-GCM per data principal, crypto-shreddable);
* :mod:`~anonymize.transforms.scrub`: free text with each detected finding replaced.

Tokens live in :mod:`anonymize.tokens`, next to the keys they depend on.
"""

from anonymize.transforms.encryption import DETERMINISTIC_KEY, DeterministicCipher, PrincipalCipher
from anonymize.transforms.generalize import (
    DEFAULT_AGE_EDGES,
    DEFAULT_AMOUNT_EDGES,
    DEFAULT_GEOHASH_PRECISION,
    age_band_column,
    bucket_column,
    geohash,
    geohash_column,
    pincode_column,
)
from anonymize.transforms.masking import REDACTED, mask_column, redact_column
from anonymize.transforms.scrub import (
    FINDING_IDENTIFIERS,
    BatchDetector,
    Detector,
    scrub,
    scrub_column,
)

__all__ = [
    "DEFAULT_AGE_EDGES",
    "DEFAULT_AMOUNT_EDGES",
    "DEFAULT_GEOHASH_PRECISION",
    "DETERMINISTIC_KEY",
    "FINDING_IDENTIFIERS",
    "REDACTED",
    "BatchDetector",
    "Detector",
    "DeterministicCipher",
    "PrincipalCipher",
    "age_band_column",
    "bucket_column",
    "geohash",
    "geohash_column",
    "mask_column",
    "pincode_column",
    "redact_column",
    "scrub",
    "scrub_column",
]

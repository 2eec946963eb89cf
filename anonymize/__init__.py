"""anonymize: keys and the transforms that take personal data out of records at ingestion."""

from anonymize.exceptions import (
    AnonymizeError,
    KeyFileError,
    UnclassifiedField,
    UnknownIdentifier,
)
from anonymize.keys import MASTER_KEY_ENV, KeyStore, LocalKeyStore
from anonymize.tokens import IDENTIFIER_KINDS, Tokenizer, canonical_identifier

__all__ = [
    "IDENTIFIER_KINDS",
    "MASTER_KEY_ENV",
    "AnonymizeError",
    "KeyFileError",
    "KeyStore",
    "LocalKeyStore",
    "Tokenizer",
    "UnclassifiedField",
    "UnknownIdentifier",
    "canonical_identifier",
]

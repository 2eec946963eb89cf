"""anonymize: keys and the transforms that take personal data out of records at ingestion."""

from anonymize.exceptions import (
    AnonymizeError,
    DecryptionError,
    InvalidValue,
    KeyFileError,
    KeyNotFound,
    PrincipalShredded,
    UnclassifiedField,
    UnknownIdentifier,
)
from anonymize.kek import KEK_ENV
from anonymize.keys import KeyStore, KeyVersion, LocalKeyStore
from anonymize.tokens import IDENTIFIER_KINDS, Tokenizer, canonical_identifier

__all__ = [
    "IDENTIFIER_KINDS",
    "KEK_ENV",
    "AnonymizeError",
    "DecryptionError",
    "InvalidValue",
    "KeyFileError",
    "KeyNotFound",
    "KeyStore",
    "KeyVersion",
    "LocalKeyStore",
    "PrincipalShredded",
    "Tokenizer",
    "UnclassifiedField",
    "UnknownIdentifier",
    "canonical_identifier",
]

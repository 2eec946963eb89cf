"""Errors of the anonymize stage.

    NijtaError
     └── AnonymizeError
          ├── KeyFileError          the KEK or keyring is missing, malformed, too permissive
          │                         or sealed under another KEK
          ├── KeyNotFound           a key version or principal data key that was never created
          ├── PrincipalShredded     the principal's data key was destroyed (crypto-shredded)
          ├── DecryptionError       a ciphertext is malformed, tampered or under another key
          ├── InvalidValue          a value a transform cannot take (rows named, never values)
          ├── UnclassifiedField     a column has no rule in its dataset's field plan
          └── UnknownIdentifier     an identifier kind with no canonical form

No message carries a key, a KEK or a raw personal value: rows are named by position.
"""

from nijta.exceptions import NijtaError

__all__ = [
    "AnonymizeError",
    "DecryptionError",
    "InvalidValue",
    "KeyFileError",
    "KeyNotFound",
    "PrincipalShredded",
    "UnclassifiedField",
    "UnknownIdentifier",
]


class AnonymizeError(NijtaError):
    """Root of the anonymize stage's errors."""


class KeyFileError(AnonymizeError):
    """A key could not be loaded safely; the message names the file and the fix."""


class KeyNotFound(AnonymizeError):
    """A key version or a principal's data key does not exist in the keyring."""


class PrincipalShredded(AnonymizeError):
    """The principal's data key was destroyed: its ciphertexts can never be decrypted again."""


class DecryptionError(AnonymizeError):
    """A ciphertext did not decrypt: malformed, tampered with, or sealed under another key."""


class InvalidValue(AnonymizeError):
    """Values a transform cannot take, e.g. a number in an identifier column."""


class UnknownIdentifier(AnonymizeError):
    """An identifier kind nijta does not know how to normalise."""


class UnclassifiedField(AnonymizeError):
    """A column arrived that the dataset's classification does not name; it is never written."""

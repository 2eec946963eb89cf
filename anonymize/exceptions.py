"""Errors of the anonymize stage.

    NijtaError
     └── AnonymizeError
          ├── KeyFileError          the key file is missing, unreadable or too permissive
          ├── UnclassifiedField     a column has no rule in its dataset's field plan
          └── UnknownIdentifier     an identifier kind with no canonical form
"""

from nijta.exceptions import NijtaError

__all__ = ["AnonymizeError", "KeyFileError", "UnclassifiedField", "UnknownIdentifier"]


class AnonymizeError(NijtaError):
    """Root of the anonymize stage's errors."""


class KeyFileError(AnonymizeError):
    """A key could not be loaded safely; the message names the file and the fix."""


class UnknownIdentifier(AnonymizeError):
    """An identifier kind nijta does not know how to normalise."""


class UnclassifiedField(AnonymizeError):
    """A column arrived that the dataset's classification does not name; it is never written."""

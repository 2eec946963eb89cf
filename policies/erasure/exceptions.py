"""Errors of erasure, withdrawal and retention.

    NijtaError
     └── PolicyError                    policies: the root of this stage's errors
          └── ErasureError              policies.erasure: the root of these errors
               ├── InvalidPrincipalToken   not a nijta token (``tok_`` + 32 hex); the value
               │                           is never echoed: it may be a raw identifier
               ├── LakeTableError          a Delta table could not be read, or has no column
               │                           a principal-column rule names
               ├── OnlineStoreUnsupported  the Feast online store is not one nijta can
               │                           erase from (sqlite today)
               └── VacuumRefused           Delta refused a VACUUM (retention below its check)

Messages name the table, column, store or setting and say what to do; never a raw
personal value.

Usage::

    try:
        eraser.erase(token)
    except ErasureError as exc:
        print(exc)
"""

from __future__ import annotations

from policies.exceptions import PolicyError

__all__ = [
    "ErasureError",
    "InvalidPrincipalToken",
    "LakeTableError",
    "OnlineStoreUnsupported",
    "VacuumRefused",
]


class ErasureError(PolicyError):
    """Root of the errors of erasure, withdrawal and retention."""


class InvalidPrincipalToken(ErasureError):
    """A principal token is not of nijta's form; the message never repeats the value."""


class LakeTableError(ErasureError):
    """A lake table could not be read or changed; the message names the table and column."""


class OnlineStoreUnsupported(ErasureError):
    """The Feast online store type has no erasure support in nijta."""


class VacuumRefused(ErasureError):
    """Delta refused to VACUUM a table; the message names the table and the setting."""

"""Errors of the consent registry.

    NijtaError
     └── PolicyError
          └── ConsentError
               ├── ConsentNotFound       no artefact with that consent id
               ├── IllegalTransition     a status change the lifecycle forbids
               │                         (REVOKED and EXPIRED are final)
               └── ConsentStoreError     the database refused or could not be reached

Messages name the consent id, the statuses and the database (password hidden); never a raw
personal value (principals are tokens).
"""

from __future__ import annotations

from policies.exceptions import PolicyError

__all__ = ["ConsentError", "ConsentNotFound", "ConsentStoreError", "IllegalTransition"]


class ConsentError(PolicyError):
    """Root of the consent registry's errors."""


class ConsentNotFound(ConsentError, LookupError):
    """No consent artefact has the given id."""


class IllegalTransition(ConsentError):
    """The consent's lifecycle does not allow this status change."""


class ConsentStoreError(ConsentError):
    """The consent database failed; the message names it and the operation."""

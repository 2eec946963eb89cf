"""Errors of the audit log.

    NijtaError
     └── PolicyError
          └── AuditError
               ├── AuditPayloadError       a payload is not JSON, or a kind is malformed
               │    └── RawIdentifierInPayload   a payload value looks like a raw identifier
               ├── AuditLogCorrupt          the log's tail cannot be extended (partial line,
               │                            unreadable entry, shrunk under a writer)
               └── AuditKeyError            no checkpoint key: missing key file or signer

Messages name the log file, the line or payload key and the rule; never a payload value.
"""

from __future__ import annotations

from policies.exceptions import PolicyError

__all__ = [
    "AuditError",
    "AuditKeyError",
    "AuditLogCorrupt",
    "AuditPayloadError",
    "RawIdentifierInPayload",
]


class AuditError(PolicyError):
    """Root of the audit log's errors."""


class AuditPayloadError(AuditError):
    """An entry was refused before it was written: bad kind or a payload that is not JSON."""


class RawIdentifierInPayload(AuditPayloadError):
    """A payload value looks like a raw Indian identifier; the log holds tokens only."""


class AuditLogCorrupt(AuditError):
    """The log cannot be appended to safely; run ``nijta audit verify`` on it."""


class AuditKeyError(AuditError):
    """The checkpoint key is missing or unusable."""

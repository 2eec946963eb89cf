"""The tamper-evident audit log: hash-chained JSON lines with signed checkpoints.

Usage::

    from policies.audit import AuditLog, CheckpointSigner, verify

    signer = CheckpointSigner.from_key_store(keys)
    log = AuditLog(path, signer=signer)
    log.append("erasure", {"principal": "tok_5f…", "rows_deleted": {"bronze.upi": 42}})
    verify(path, public_key=signer.public_key).ok
"""

from policies.audit.checkpoints import CheckpointSigner, public_key_from_key_file
from policies.audit.entries import AuditEntry
from policies.audit.exceptions import (
    AuditError,
    AuditKeyError,
    AuditLogCorrupt,
    AuditPayloadError,
    RawIdentifierInPayload,
)
from policies.audit.log import AuditLog
from policies.audit.verify import VerifyReport, verify

__all__ = [
    "AuditEntry",
    "AuditError",
    "AuditKeyError",
    "AuditLog",
    "AuditLogCorrupt",
    "AuditPayloadError",
    "CheckpointSigner",
    "RawIdentifierInPayload",
    "VerifyReport",
    "public_key_from_key_file",
    "verify",
]

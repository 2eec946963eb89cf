"""Where a workspace keeps its consent registry and its audit log, unless told otherwise.

Usage::

    registry = open_consent_registry(workspace)      # sqlite:///…/policies/consents.db
    audit = open_audit_log(workspace)                # …/audit/audit.jsonl, signed checkpoints
"""

from __future__ import annotations

from pathlib import Path

from anonymize.keys import LocalKeyStore
from nijta.configuration import Workspace
from policies.audit.checkpoints import CheckpointSigner
from policies.audit.log import AuditLog
from policies.consent.registry import ConsentRegistry

__all__ = ["audit_log_path", "consent_db_path", "consent_db_url", "open_audit_log",
           "open_consent_registry"]


def consent_db_path(workspace: Workspace) -> Path:
    """The sqlite file of the workspace's consent registry."""
    return workspace.root / "policies" / "consents.db"


def consent_db_url(workspace: Workspace) -> str:
    """The SQLAlchemy URL of the workspace's consent registry."""
    return f"sqlite:///{consent_db_path(workspace).resolve()}"


def audit_log_path(workspace: Workspace) -> Path:
    """The workspace's append-only audit log."""
    return workspace.root / "audit" / "audit.jsonl"


def open_consent_registry(workspace: Workspace, url: str | None = None) -> ConsentRegistry:
    """The consent registry at ``url``, by default the workspace's own."""
    return ConsentRegistry(url or consent_db_url(workspace))


def open_audit_log(workspace: Workspace, path: Path | None = None) -> AuditLog:
    """The audit log at ``path`` (by default the workspace's own), its checkpoints signed
    with the workspace's key store."""
    signer = CheckpointSigner.from_key_store(LocalKeyStore(workspace.key_file))
    return AuditLog(path or audit_log_path(workspace), signer=signer)

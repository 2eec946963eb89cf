"""Audit log fixtures: a signer from a real key store, and a log of a given length."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from anonymize.keys import LocalKeyStore
from policies.audit import AuditLog, CheckpointSigner

PRINCIPAL = "tok_" + "5f" * 16


@pytest.fixture
def signer(key_file: Path) -> CheckpointSigner:
    return CheckpointSigner.from_key_store(LocalKeyStore(key_file))


@pytest.fixture
def write_log(tmp_path: Path, signer: CheckpointSigner) -> Callable[..., Path]:
    """Append ``entries`` decision entries to a fresh log and return its path."""

    def write(entries: int, *, checkpoint_every: int = 100, name: str = "audit.jsonl") -> Path:
        log = AuditLog(tmp_path / name, signer=signer, checkpoint_every=checkpoint_every,
                       fsync=False)
        for i in range(entries):
            log.append("decision", {"n": i, "principal": PRINCIPAL, "allowed": i % 3 != 0,
                                    "rule": "purpose.allowed"})
        return log.path

    return write

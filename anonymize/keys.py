"""Secret keys for tokenization and envelope encryption.

A single 32-byte master secret comes from ``NIJTA_MASTER_KEY`` (hex) or from a key file with
0600 permissions, created on first use with a warning. Every use gets its own subkey by HKDF
with a purpose label, so a token key can never decrypt a dead letter and vice versa.

Usage::

    keys = LocalKeyStore(workspace / "keys" / "master.key")
    token_key = keys.derive("tokenize:upi_vpa")
"""

from __future__ import annotations

import logging
import os
import secrets
import stat
from pathlib import Path
from typing import Protocol

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from anonymize.exceptions import KeyFileError

__all__ = ["MASTER_KEY_ENV", "KeyStore", "LocalKeyStore"]

MASTER_KEY_ENV = "NIJTA_MASTER_KEY"
KEY_BYTES = 32
_log = logging.getLogger(__name__)


class KeyStore(Protocol):
    """Where keys come from; a cloud KMS implements the same method."""

    def derive(self, purpose: str) -> bytes:
        """A 32-byte key bound to ``purpose``; the same purpose always gives the same key."""
        ...


class LocalKeyStore:
    """Master secret from ``$NIJTA_MASTER_KEY`` or a 0600 key file; subkeys by HKDF-SHA256."""

    def __init__(self, key_file: Path) -> None:
        self._key_file = key_file
        self._master: bytes | None = None

    def derive(self, purpose: str) -> bytes:
        hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None,
                    info=f"nijta:{purpose}".encode())
        return hkdf.derive(self._master_secret())

    def _master_secret(self) -> bytes:
        if self._master is None:
            self._master = _from_env() or self._from_file()
        return self._master

    def _from_file(self) -> bytes:
        path = self._key_file
        if not path.exists():
            _log.warning("no master key found; creating %s (0600). Back it up: tokens and "
                         "encrypted records cannot be recovered without it.", path)
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_hex(KEY_BYTES))
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise KeyFileError(
                f"{path} is readable by others (mode {mode:o}); run chmod 600 {path}")
        try:
            key = bytes.fromhex(path.read_text().strip())
        except ValueError as exc:
            raise KeyFileError(f"{path} does not hold a hex key") from exc
        if len(key) != KEY_BYTES:
            raise KeyFileError(f"{path} holds {len(key)} bytes; a master key is {KEY_BYTES}")
        return key


def _from_env() -> bytes | None:
    value = os.environ.get(MASTER_KEY_ENV)
    if not value:
        return None
    try:
        key = bytes.fromhex(value.strip())
    except ValueError as exc:
        raise KeyFileError(f"${MASTER_KEY_ENV} is not hex") from exc
    if len(key) != KEY_BYTES:
        raise KeyFileError(f"${MASTER_KEY_ENV} holds {len(key)} bytes; a master key is {KEY_BYTES}")
    return key

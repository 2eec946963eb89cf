"""The key-encryption key (KEK): the one secret that unlocks every other key.

The KEK never encrypts data. It only wraps the keys kept in the keyring, so it can be rotated
by re-wrapping them, leaving tokens and ciphertexts untouched. It comes from ``$NIJTA_KEK``
(64 hex characters) or from a key file of the same form with 0600 permissions, created on
first use with a warning. Neither the KEK nor a hint of it ever appears in a log or an error.
"""

from __future__ import annotations

import hmac
import logging
import os
import secrets
import stat
from contextlib import suppress
from pathlib import Path

from anonymize.exceptions import KeyFileError

__all__ = ["KEK_BYTES", "KEK_ENV", "create_kek_file", "kek_fingerprint", "kek_from_env",
           "read_kek_file", "write_kek_file"]

KEK_ENV = "NIJTA_KEK"
KEK_BYTES = 32
_log = logging.getLogger(__name__)


def kek_from_env() -> bytes | None:
    """The KEK in ``$NIJTA_KEK``, or ``None`` when it is unset or empty."""
    value = os.environ.get(KEK_ENV)
    if not value:
        return None
    return _parse(value, f"${KEK_ENV}")


def read_kek_file(path: Path) -> bytes:
    """The KEK in ``path``, refused when others may read the file."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise KeyFileError(f"{path} is readable by others (mode {mode:o}); run chmod 600 {path}")
    return _parse(path.read_text(), str(path))


def create_kek_file(path: Path) -> None:
    """Write a fresh random KEK to ``path`` unless another process just did."""
    _log.warning("no KEK in $%s or %s; creating %s (0600). Back it up: tokens and encrypted "
                 "records cannot be recovered without it.", KEK_ENV, path, path)
    with suppress(FileExistsError):  # a concurrent worker created it first: read that one
        _write_new(path, secrets.token_bytes(KEK_BYTES), replace=False)


def write_kek_file(path: Path, kek: bytes) -> None:
    """Atomically replace ``path`` by a 0600 file holding ``kek``."""
    _write_new(path, kek, replace=True)


def kek_fingerprint(kek: bytes) -> str:
    """A one-way identifier of ``kek``: tells which KEK sealed a keyring, reveals nothing."""
    return hmac.digest(kek, b"nijta:kek-fingerprint", "sha256")[:16].hex()


def _write_new(path: Path, kek: bytes, *, replace: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as out:
            out.write(kek.hex())
            out.flush()
            os.fsync(out.fileno())
        if replace:
            os.replace(staging, path)
        else:
            os.link(staging, path)  # atomic and refuses to overwrite
    finally:
        staging.unlink(missing_ok=True)


def _parse(text: str, source: str) -> bytes:
    try:
        key = bytes.fromhex(text.strip())
    except ValueError:
        raise KeyFileError(f"{source} is not hex; a KEK is {KEK_BYTES * 2} hex characters "
                           f"(generate one with: python -c 'import secrets; "
                           f"print(secrets.token_hex({KEK_BYTES}))')") from None
    if len(key) != KEK_BYTES:
        raise KeyFileError(f"{source} holds {len(key)} bytes; a KEK is {KEK_BYTES} bytes "
                           f"({KEK_BYTES * 2} hex characters)")
    return key

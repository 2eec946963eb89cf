"""Where keys come from: fixed subkeys, versioned keys and per-principal data keys.

Envelope encryption keeps one secret outside the data: the key-encryption key (KEK, see
:mod:`anonymize.kek`). Every key that touches data is random, stored wrapped by the KEK in
the keyring next to the key file (:mod:`anonymize.keyring`). Hence:

* rotating the KEK re-wraps the keyring; tokens, ciphertexts and dead letters stay valid;
* rotating a named key adds a version: new encryptions use it, old ciphertexts still decrypt.
  A tokenization domain is a named key too, so its tokens change only when it is re-keyed on
  purpose (:meth:`Tokenizer.rekey <anonymize.tokens.Tokenizer.rekey>`);
* each data principal has its own data key; :meth:`LocalKeyStore.shred` destroys it, and with
  it every ciphertext of that principal (crypto-shredding), leaving other principals intact.

Usage::

    keys = LocalKeyStore(workspace / "keys" / "master.key")   # keyring: keys/master.keyring
    dlq_key = keys.derive("dlq")
    version = keys.current("encrypt_deterministic")           # KeyVersion(number=1, ...)
    keys.shred("tok_5f…")                                     # erase one principal
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from anonymize.exceptions import KeyFileError
from anonymize.kek import (
    KEK_BYTES,
    KEK_ENV,
    create_kek_file,
    kek_from_env,
    read_kek_file,
    write_kek_file,
)
from anonymize.keyring import KekMismatch, Keyring

__all__ = ["KEK_ENV", "KeyStore", "KeyVersion", "LocalKeyStore"]

KEY_BYTES = 32


@dataclass(frozen=True)
class KeyVersion:
    """One version of a named key; the secret is kept out of ``repr``."""

    number: int
    secret: bytes = field(repr=False)


class KeyStore(Protocol):
    """Where keys come from; a cloud KMS implements the same methods."""

    def derive(self, purpose: str) -> bytes:
        """A 32-byte key bound to ``purpose``; the same purpose always gives the same key."""
        ...

    def current(self, name: str) -> KeyVersion:
        """The newest version of the named key, for new encryptions (v1 on first use)."""
        ...

    def version(self, name: str, number: int) -> bytes:
        """Version ``number`` of the named key, for decrypting what it encrypted."""
        ...

    def rotate(self, name: str) -> int:
        """Add a new version of the named key and return its number."""
        ...

    def data_keys(self, principals: Sequence[str], *, create: bool) -> dict[str, bytes]:
        """The principals' data keys, created on first use if ``create``."""
        ...

    def shred(self, principal: str) -> None:
        """Destroy the principal's data key: its ciphertexts can never be decrypted again."""
        ...


class LocalKeyStore:
    """KEK from ``$NIJTA_KEK`` or a 0600 key file; data keys in a 0600 sqlite keyring."""

    def __init__(self, key_file: Path, *, keyring: Path | None = None) -> None:
        self._key_file = key_file
        self._keyring_file = keyring or key_file.with_suffix(".keyring")
        self._opened: Keyring | None = None
        self._root: bytes | None = None
        self._versions: dict[tuple[str, int], bytes] = {}

    def derive(self, purpose: str) -> bytes:
        if self._root is None:
            self._root = self._keyring().root()
        hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None,
                    info=f"nijta:{purpose}".encode())
        return hkdf.derive(self._root)

    def current(self, name: str) -> KeyVersion:
        number, secret = self._keyring().latest(name)
        self._versions[name, number] = secret
        return KeyVersion(number, secret)

    def version(self, name: str, number: int) -> bytes:
        if (name, number) not in self._versions:
            self._versions[name, number] = self._keyring().named(name, number)
        return self._versions[name, number]

    def rotate(self, name: str) -> int:
        return self._keyring().add_version(name)

    def data_keys(self, principals: Sequence[str], *, create: bool) -> dict[str, bytes]:
        return self._keyring().principal_keys(principals, create=create)

    def shred(self, principal: str) -> None:
        self._keyring().shred(principal)

    def rotate_kek(self, new_kek: bytes | None = None) -> None:
        """Re-wrap every key under a new KEK; no token or ciphertext changes.

        With the KEK in the key file, a new one is generated and written there. With the KEK
        in ``$NIJTA_KEK``, pass the new one and set ``$NIJTA_KEK`` to it before the next run.
        """
        from_env = kek_from_env() is not None
        if from_env and new_kek is None:
            raise KeyFileError(f"the KEK comes from ${KEK_ENV}: pass the new KEK to rotate_kek "
                               f"and then set ${KEK_ENV} to it")
        kek = secrets.token_bytes(KEK_BYTES) if new_kek is None else new_kek
        if len(kek) != KEK_BYTES:
            raise KeyFileError(f"a KEK is {KEK_BYTES} bytes, not {len(kek)}")
        if from_env:
            self._keyring().rewrap(kek)
            return
        pending = self._pending_kek_file()
        write_kek_file(pending, kek)  # until the keyring is re-wrapped: _open_with_key_file
        self._keyring().rewrap(kek)
        os.replace(pending, self._key_file)

    def _keyring(self) -> Keyring:
        if self._opened is None:  # two threads racing here both open a valid keyring
            kek = kek_from_env()
            self._opened = (Keyring(self._keyring_file, kek) if kek is not None
                            else self._open_with_key_file())
        return self._opened

    def _open_with_key_file(self) -> Keyring:
        if not self._key_file.exists():
            create_kek_file(self._key_file)
        try:
            return Keyring(self._keyring_file, read_kek_file(self._key_file))
        except KekMismatch:
            pending = self._pending_kek_file()
            if not pending.exists():
                raise
        # A KEK rotation stopped after re-wrapping the keyring: finish it.
        keyring = Keyring(self._keyring_file, read_kek_file(pending))
        os.replace(pending, self._key_file)
        return keyring

    def _pending_kek_file(self) -> Path:
        return self._key_file.with_name(self._key_file.name + ".next")

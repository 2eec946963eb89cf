"""Reversible transforms: deterministic encryption for joins, per-principal encryption for erasure.

* :class:`DeterministicCipher` is AES-SIV (RFC 5297, 512-bit key): the same plaintext gives
  the same ciphertext under one key version, so encrypted columns still join and group, and
  the key holder can decrypt. Ciphertexts read ``siv.v<version>.<base64url>``; after a
  rotation new values use the new version (and so stop joining with the old ones) while old
  ones still decrypt.
* :class:`PrincipalCipher` is AES-256-GCM with a random nonce under the data key of the row's
  data principal (named by a token column), the principal bound as associated data. Shredding
  the principal's key (:meth:`KeyStore.shred <anonymize.keys.KeyStore.shred>`) makes every one
  of their ciphertexts undecryptable; nobody else's is affected. Ciphertexts read
  ``gcm.<base64url>``.

Non-string values are encrypted in their Arrow text form and decrypt to that string.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Callable

import pyarrow as pa
import pyarrow.compute as pc
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, AESSIV
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from anonymize.columns import check_rows, rows_where, string_column
from anonymize.exceptions import DecryptionError
from anonymize.keys import KeyStore
from anonymize.tokens import canonical_column

__all__ = ["DETERMINISTIC_KEY", "DeterministicCipher", "PrincipalCipher"]

DETERMINISTIC_KEY = "encrypt_deterministic"
"""Name of the versioned key behind :class:`DeterministicCipher`."""

_SIV_PREFIX = "siv.v"
_GCM_PREFIX = "gcm."
_NONCE_BYTES = 12


class DeterministicCipher:
    """AES-SIV: equal plaintexts give equal ciphertexts; decrypts with the key."""

    def __init__(self, keys: KeyStore) -> None:
        self._keys = keys
        self._ciphers: dict[int, AESSIV] = {}

    def encrypt_column(self, column: pa.Array | pa.ChunkedArray, *,
                       identifier: str | None = None) -> pa.Array:
        """Ciphertexts of a column; an ``identifier`` column is canonicalised first."""
        values = _plaintexts(column) if identifier is None else canonical_column(identifier,
                                                                                 column)
        current = self._keys.current(DETERMINISTIC_KEY)
        cipher, prefix = self._cipher(current.number), f"{_SIV_PREFIX}{current.number}."
        context = [(identifier or "").encode()]
        return pa.array([None if v is None else prefix + _b64(cipher.encrypt(v.encode(), context))
                         for v in values.to_pylist()], pa.string())

    def decrypt_column(self, column: pa.Array | pa.ChunkedArray, *,
                       identifier: str | None = None) -> pa.Array:
        """Plaintexts of a column of ciphertexts (canonical forms for an identifier)."""
        context = [(identifier or "").encode()]

        def decrypt(_row: int, text: str) -> str:
            number, _, body = text.removeprefix(_SIV_PREFIX).partition(".")
            if not text.startswith(_SIV_PREFIX) or not number.isdigit():
                raise ValueError("not an AES-SIV ciphertext")
            return self._cipher(int(number)).decrypt(_unb64(body), context).decode()

        return _decrypt_each(string_column(column, what="decryption"), decrypt)

    def encrypt(self, value: str, *, identifier: str | None = None) -> str:
        """Ciphertext of one value."""
        return str(self.encrypt_column(pa.array([value], pa.string()),
                                       identifier=identifier)[0].as_py())

    def decrypt(self, ciphertext: str, *, identifier: str | None = None) -> str:
        """Plaintext of one ciphertext."""
        return str(self.decrypt_column(pa.array([ciphertext], pa.string()),
                                       identifier=identifier)[0].as_py())

    def _cipher(self, number: int) -> AESSIV:
        if number not in self._ciphers:
            hkdf = HKDF(algorithm=hashes.SHA256(), length=64, salt=None, info=b"nijta:aes-siv")
            self._ciphers[number] = AESSIV(hkdf.derive(self._keys.version(DETERMINISTIC_KEY,
                                                                          number)))
        return self._ciphers[number]


class PrincipalCipher:
    """AES-256-GCM under each row's principal data key; random nonce per value."""

    def __init__(self, keys: KeyStore) -> None:
        self._keys = keys

    def encrypt_column(self, column: pa.Array | pa.ChunkedArray,
                       principals: pa.Array | pa.ChunkedArray) -> pa.Array:
        """Ciphertexts of a column, each under the key of the principal in the same row."""
        values = _plaintexts(column)
        owners = _principals(principals, values, "values without a principal to encrypt for")
        ciphers = self._ciphers(owners, values, create=True)
        sealed: list[str | None] = []
        for value, owner in zip(values.to_pylist(), owners, strict=True):
            nonce = os.urandom(_NONCE_BYTES)
            sealed.append(None if value is None else _GCM_PREFIX + _b64(
                nonce + ciphers[owner].encrypt(nonce, value.encode(), owner.encode())))
        return pa.array(sealed, pa.string())

    def decrypt_column(self, column: pa.Array | pa.ChunkedArray,
                       principals: pa.Array | pa.ChunkedArray) -> pa.Array:
        """Plaintexts; raises :class:`PrincipalShredded` if any row's principal was shredded."""
        texts = string_column(column, what="decryption")
        owners = _principals(principals, texts, "ciphertexts without a principal")
        ciphers = self._ciphers(owners, texts, create=False)

        def decrypt(row: int, text: str) -> str:
            if not text.startswith(_GCM_PREFIX):
                raise ValueError("not an AES-GCM ciphertext")
            blob = _unb64(text.removeprefix(_GCM_PREFIX))
            return ciphers[owners[row]].decrypt(blob[:_NONCE_BYTES], blob[_NONCE_BYTES:],
                                                owners[row].encode()).decode()

        return _decrypt_each(texts, decrypt)

    def encrypt(self, value: str, principal: str) -> str:
        """Ciphertext of one value for ``principal``."""
        return str(self.encrypt_column(pa.array([value], pa.string()),
                                       pa.array([principal], pa.string()))[0].as_py())

    def decrypt(self, ciphertext: str, principal: str) -> str:
        """Plaintext of one ciphertext of ``principal``."""
        return str(self.decrypt_column(pa.array([ciphertext], pa.string()),
                                       pa.array([principal], pa.string()))[0].as_py())

    def _ciphers(self, owners: list[str], values: pa.Array, *,
                 create: bool) -> dict[str, AESGCM]:
        needed = {o for o, present in zip(owners, values.is_valid().to_pylist(), strict=True)
                  if present}
        keys = self._keys.data_keys(sorted(needed), create=create)
        return {p: AESGCM(key) for p, key in keys.items()}


def _principals(column: pa.Array | pa.ChunkedArray, values: pa.Array, missing: str) -> list[str]:
    owners = string_column(column, what="a principal column")
    check_rows(pc.and_(values.is_valid(), owners.is_null()), missing)
    listed: list[str] = owners.to_pylist()
    return listed


def _plaintexts(column: pa.Array | pa.ChunkedArray) -> pa.StringArray:
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if pa.types.is_integer(column.type) or pa.types.is_floating(column.type) or \
            pa.types.is_decimal(column.type) or pa.types.is_temporal(column.type):
        column = column.cast(pa.string())
    return string_column(column, what="encryption")


def _decrypt_each(texts: pa.StringArray, decrypt: Callable[[int, str], str]) -> pa.Array:
    """``decrypt`` applied to every non-null ciphertext; failures reported by row."""
    plain: list[str | None] = []
    failed = []
    for row, text in enumerate(texts.to_pylist()):
        try:
            plain.append(None if text is None else decrypt(row, text))
        except (InvalidTag, ValueError, UnicodeDecodeError):
            plain.append(None)
            failed.append(row)
    if failed:
        mask = pc.is_in(pa.array(range(len(texts))), pa.array(failed))
        raise DecryptionError(f"ciphertexts that are malformed, tampered with or under another "
                              f"key: {rows_where(mask)}")
    return pa.array(plain, pa.string())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except binascii.Error as exc:
        raise ValueError("not base64url") from exc

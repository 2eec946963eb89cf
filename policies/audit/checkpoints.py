"""Signed checkpoints: an Ed25519 signature over the position and hash of the chain.

The hash chain alone shows that lines were changed, but whoever can write the file can also
rewrite the whole chain. A checkpoint signs ``(seq, hash)`` of the entry just before it with a
key the writer holds and the attacker does not: rewriting anything before a checkpoint then
needs the signing key. The key is derived from the project's key store
(:meth:`anonymize.keys.LocalKeyStore.derive` with purpose ``audit-checkpoint`` gives the
32-byte Ed25519 seed), so it is backed up and rotated with the rest of the keys. Each
checkpoint carries its public key; a verifier that knows the expected public key (from the
key file) refuses checkpoints signed by any other.

Each checkpoint also announces ``every``, the number of entries before the next checkpoint,
so a verifier notices when a due checkpoint is missing.

Usage::

    signer = CheckpointSigner.from_key_store(LocalKeyStore(key_file))
    payload = signer.checkpoint(seq=100, entry_hash=entry.hash, every=100)
    problem = checkpoint_problem(payload, seq=100, entry_hash=entry.hash,
                                 public_key=signer.public_key)          # None: valid
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from anonymize.keys import KeyStore, LocalKeyStore
from policies.audit.entries import canonical_json
from policies.audit.exceptions import AuditKeyError

__all__ = [
    "CHECKPOINT_KIND",
    "KEY_PURPOSE",
    "CheckpointSigner",
    "checkpoint_problem",
    "public_key_from_key_file",
    "public_key_hex",
]

CHECKPOINT_KIND = "checkpoint"
KEY_PURPOSE = "audit-checkpoint"
_CHECKPOINT_KEYS = frozenset({"seq", "hash", "every", "public_key", "signature"})
_DOMAIN = b"nijta-audit-checkpoint:v1:"


def _message(seq: int, entry_hash: str) -> bytes:
    # A domain prefix: a signature made for anything else never passes as a checkpoint.
    return _DOMAIN + canonical_json({"hash": entry_hash, "seq": seq})


def public_key_hex(public_key: Ed25519PublicKey) -> str:
    """The raw 32-byte public key as hex, as checkpoints carry it."""
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


class CheckpointSigner:
    """Signs checkpoints with one Ed25519 key."""

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._private_key = private_key
        self.public_key = private_key.public_key()

    @classmethod
    def from_key_store(cls, keys: KeyStore, *, purpose: str = KEY_PURPOSE) -> CheckpointSigner:
        """The signer whose seed is ``keys.derive(purpose)``: the same key store, same key."""
        return cls(Ed25519PrivateKey.from_private_bytes(keys.derive(purpose)))

    def checkpoint(self, *, seq: int, entry_hash: str, every: int) -> dict[str, Any]:
        """The payload of a checkpoint over entry ``seq`` whose hash is ``entry_hash``."""
        return {"seq": seq, "hash": entry_hash, "every": every,
                "public_key": public_key_hex(self.public_key),
                "signature": self._private_key.sign(_message(seq, entry_hash)).hex()}


def public_key_from_key_file(key_file: Path, *, purpose: str = KEY_PURPOSE) -> Ed25519PublicKey:
    """The checkpoint public key of the key store at ``key_file`` (never creates one)."""
    keyring = key_file.with_suffix(".keyring")
    for required in (key_file, keyring):
        if not required.exists():
            raise AuditKeyError(f"{required} does not exist: pass the key file whose keyring "
                                "signed the log's checkpoints")
    return CheckpointSigner.from_key_store(LocalKeyStore(key_file), purpose=purpose).public_key


def checkpoint_problem(payload: Mapping[str, Any], *, seq: int, entry_hash: str,
                       public_key: Ed25519PublicKey | None) -> str | None:
    """Why ``payload`` is not a valid checkpoint over entry ``seq`` with ``entry_hash``,
    or ``None``. With ``public_key`` the checkpoint must be signed by that key."""
    if set(payload) != _CHECKPOINT_KEYS:
        return f"a checkpoint payload has exactly the keys {sorted(_CHECKPOINT_KEYS)}"
    every = payload["every"]
    if type(every) is not int or every < 1:
        return "checkpoint 'every' is not a positive integer"
    if payload["seq"] != seq or payload["hash"] != entry_hash:
        return (f"checkpoint covers seq {payload['seq']!r}, but the entry before it is seq "
                f"{seq} with another hash")
    try:
        embedded = Ed25519PublicKey.from_public_bytes(bytes.fromhex(payload["public_key"]))
        signature = bytes.fromhex(payload["signature"])
    except (TypeError, ValueError):
        return "checkpoint public_key or signature is not a hex Ed25519 value"
    if public_key is not None and public_key_hex(public_key) != payload["public_key"]:
        return (f"checkpoint signed by another key ({str(payload['public_key'])[:16]}…) than "
                f"the expected one ({public_key_hex(public_key)[:16]}…)")
    try:
        embedded.verify(signature, _message(seq, entry_hash))
    except InvalidSignature:
        return "checkpoint signature does not verify"
    return None

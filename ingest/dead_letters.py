"""The dead-letter queue: rejected records kept encrypted, with their reason in clear.

Each rejected record becomes one JSON line: connector, batch, source position, rule and
reason in clear; the original record AES-256-GCM encrypted under the ``dlq`` key, with the
position as associated data (a payload moved to another position does not decrypt).
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from anonymize.keys import KeyStore

__all__ = ["DeadLetter", "read_dead_letters", "write_dead_letters"]

_NONCE_BYTES = 12


@dataclass(frozen=True)
class DeadLetter:
    connector: str
    batch_id: str
    page: int
    row: int
    rule: str
    reason: str
    payload: str
    """base64(nonce || AES-GCM ciphertext) of the JSON record."""

    def position(self) -> bytes:
        return f"{self.connector}/{self.batch_id}/{self.page}/{self.row}".encode()


def write_dead_letters(path: Path, letters: list[tuple[DeadLetter, dict[str, Any]]],
                       keys: KeyStore) -> None:
    """Encrypt each record into its letter and write them as one JSON-lines file."""
    aead = AESGCM(keys.derive("dlq"))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as out:
        for letter, record in letters:
            nonce = os.urandom(_NONCE_BYTES)
            sealed = aead.encrypt(nonce, json.dumps(record, default=str).encode(),
                                  letter.position())
            stored = DeadLetter(**{**asdict(letter),
                                   "payload": base64.b64encode(nonce + sealed).decode()})
            out.write(json.dumps(asdict(stored)) + "\n")


def read_dead_letters(folder: Path, keys: KeyStore) -> Iterator[tuple[DeadLetter, dict[str, Any]]]:
    """Every letter under ``folder`` with its decrypted record."""
    aead = AESGCM(keys.derive("dlq"))
    for path in sorted(folder.rglob("*.jsonl")):
        for line in path.read_text().splitlines():
            letter = DeadLetter(**json.loads(line))
            blob = base64.b64decode(letter.payload)
            plain = aead.decrypt(blob[:_NONCE_BYTES], blob[_NONCE_BYTES:], letter.position())
            yield letter, json.loads(plain)

"""Dead letters: rejected records kept encrypted, with where they came from and why in clear.

A letter is one row of :data:`DEAD_LETTER_SCHEMA`: connector, batch, the source position, the
rule and reason (value-free by contract), and the original record sealed with AES-256-GCM under
the key store's ``dlq`` key, with ``<connector>/<batch_id>/<position>`` as associated data — a
payload copied to another letter does not open. A record the connector parsed travels as a
one-row Arrow IPC stream (``payload_format`` ``arrow_ipc``: types intact, so a replay validates
exactly what was read); one the source delivered broken, as its raw text (``text``).

The letters of a batch are built here (Arrow, in the Beam worker) and staged; the
:mod:`ingest.dead_letter_queue` commits them to the connector's Delta table.

Usage::

    seal = LetterSeal(LocalKeyStore(key_file))
    letters = build_dead_letters(batch, protected.rejected, seal)
    record = open_record(seal, letters.slice(0, 1).to_pylist()[0])   # a one-row pa.Table
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from anonymize.keys import KeyStore
from connectors.base import SourceBatch
from ingest.exceptions import DeadLetterError
from ingest.validation import Rejection

__all__ = ["DEAD_LETTER_KEY", "DEAD_LETTER_SCHEMA", "PENDING", "RECORD_FORMAT", "REPLAYED",
           "TEXT_FORMAT", "LetterSeal", "build_dead_letters", "letter_position", "open_record",
           "open_text"]

DEAD_LETTER_KEY = "dlq"
"""The key (derived from the key store) that seals dead-letter payloads."""

PENDING, REPLAYED = "pending", "replayed"
RECORD_FORMAT, TEXT_FORMAT = "arrow_ipc", "text"
_NONCE_BYTES = 12
_TIME = pa.timestamp("us", tz="UTC")

DEAD_LETTER_SCHEMA = pa.schema([
    pa.field("letter_id", pa.string(), nullable=False),
    pa.field("connector", pa.string(), nullable=False),
    pa.field("batch_id", pa.string(), nullable=False),
    pa.field("sequence", pa.int64(), nullable=False),
    pa.field("position", pa.string(), nullable=False),
    pa.field("rule", pa.string(), nullable=False),
    pa.field("reason", pa.string(), nullable=False),
    pa.field("payload_format", pa.string(), nullable=False),
    pa.field("payload", pa.binary(), nullable=False),
    pa.field("status", pa.string(), nullable=False),
    pa.field("attempts", pa.int32(), nullable=False),
    pa.field("created_at", _TIME, nullable=False),
    pa.field("updated_at", _TIME, nullable=False),
])
"""One row per rejected record; ``attempts`` counts the tries (the pipeline's is the first)."""


class LetterSeal:
    """AES-256-GCM under the key store's ``dlq`` key, bound to the letter's position."""

    def __init__(self, keys: KeyStore) -> None:
        self._aead = AESGCM(keys.derive(DEAD_LETTER_KEY))

    def seal(self, associated: bytes, plain: bytes) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, plain, associated)

    def open(self, associated: bytes, blob: bytes) -> bytes:
        try:
            return self._aead.decrypt(blob[:_NONCE_BYTES], blob[_NONCE_BYTES:], associated)
        except InvalidTag:
            raise DeadLetterError(f"dead letter at {associated.decode()}: the payload does not "
                                  "open with this key store's dlq key at this position") from None


def letter_position(connector: str, batch_id: str, position: str) -> bytes:
    """The associated data of a letter's payload."""
    return f"{connector}/{batch_id}/{position}".encode()


def _letter_id(connector: str, batch_id: str, position: str) -> str:
    return hashlib.sha256(letter_position(connector, batch_id, position)).hexdigest()[:32]


def _record_bytes(row: pa.Table) -> bytes:
    sink = io.BytesIO()
    with pa.ipc.new_stream(sink, row.schema) as writer:
        writer.write_table(row)
    return sink.getvalue()


def build_dead_letters(batch: SourceBatch, rejected: Sequence[Rejection], seal: LetterSeal,
                       *, now: datetime | None = None) -> pa.Table:
    """The letters of ``batch``: its rejected rows (``row <n>`` within the batch) and the
    records its connector reported malformed (at their source position)."""
    now = now or datetime.now(UTC)
    entries: list[tuple[str, str, str, str, bytes]] = [
        (f"row {r.row}", r.rule, r.reason, RECORD_FORMAT,
         _record_bytes(batch.records.slice(r.row, 1))) for r in rejected]
    entries += [(m.position, m.rule, m.reason, TEXT_FORMAT, m.payload.encode())
                for m in batch.malformed]
    rows = [{
        "letter_id": _letter_id(batch.connector, batch.batch_id, position),
        "connector": batch.connector, "batch_id": batch.batch_id, "sequence": batch.sequence,
        "position": position, "rule": rule, "reason": reason, "payload_format": kind,
        "payload": seal.seal(letter_position(batch.connector, batch.batch_id, position), plain),
        "status": PENDING, "attempts": 1, "created_at": now, "updated_at": now,
    } for position, rule, reason, kind, plain in entries]
    return pa.Table.from_pylist(rows, schema=DEAD_LETTER_SCHEMA)


def _plain(seal: LetterSeal, letter: Mapping[str, Any]) -> bytes:
    return seal.open(letter_position(letter["connector"], letter["batch_id"],
                                     letter["position"]), letter["payload"])


def open_record(seal: LetterSeal, letter: Mapping[str, Any]) -> pa.Table:
    """The one-row table of a ``arrow_ipc`` letter, with the connector's types."""
    return pa.ipc.open_stream(_plain(seal, letter)).read_all()


def open_text(seal: LetterSeal, letter: Mapping[str, Any]) -> str:
    """The raw text of a ``text`` letter (a record its source delivered broken)."""
    return _plain(seal, letter).decode("utf-8", errors="replace")

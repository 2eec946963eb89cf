"""One audit entry, its canonical bytes and its hashes.

A log line is the canonical JSON of an entry (sorted keys, no spaces, UTF-8, no NaN) and a
newline. Two hashes chain the lines:

* ``hash``: SHA-256 of the canonical JSON of the entry without ``hash``, so an edited entry
  no longer matches its own hash;
* ``prev``: SHA-256 of the previous line's exact bytes (without its newline; 64 zeros for
  the first line), so an edited, deleted, inserted or moved line breaks the next one.

Usage::

    entry = AuditEntry.seal(seq=1, ts=utc_now(), kind="decision",
                            payload={"rule": "purpose.allowed"}, prev=GENESIS)
    line = entry.to_line()                     # b'{"hash":"…","kind":"decision",…}\\n'
    AuditEntry.from_line(line.rstrip(b"\\n"))  # the same entry
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

__all__ = ["GENESIS", "AuditEntry", "canonical_json", "line_digest", "utc_now"]

GENESIS = "0" * 64
"""The ``prev`` of the first line."""

ENTRY_KEYS = frozenset({"seq", "ts", "kind", "payload", "prev", "hash"})
KIND_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,63}")


def canonical_json(value: Any) -> bytes:
    """The one byte form of ``value`` that is hashed and written; ``TypeError`` or
    ``ValueError`` when it is not plain JSON (NaN and infinities included)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode()


def line_digest(line: bytes) -> str:
    """SHA-256 hex of a line's bytes without its newline: the next entry's ``prev``."""
    return hashlib.sha256(line).hexdigest()


def utc_now() -> str:
    """The current time as the log writes it: UTC ISO 8601 with microseconds."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log."""

    seq: int
    """Position in the log, 1 for the first line: always the line number."""
    ts: str
    kind: str
    payload: dict[str, Any]
    prev: str
    hash: str

    @classmethod
    def seal(cls, *, seq: int, ts: str, kind: str, payload: dict[str, Any],
             prev: str) -> AuditEntry:
        """The entry with its ``hash`` computed."""
        body = {"seq": seq, "ts": ts, "kind": kind, "payload": payload, "prev": prev}
        return cls(**body, hash=hashlib.sha256(canonical_json(body)).hexdigest())

    @classmethod
    def from_line(cls, line: bytes) -> AuditEntry:
        """Parse a line (without newline); ``ValueError`` says what is malformed."""
        value = json.loads(line)
        if not isinstance(value, dict) or set(value) != ENTRY_KEYS:
            raise ValueError(f"an entry has exactly the keys {sorted(ENTRY_KEYS)}")
        if type(value["seq"]) is not int or not isinstance(value["payload"], dict):
            raise ValueError("seq is not an integer or payload is not a JSON object")
        if not all(isinstance(value[key], str) for key in ("ts", "kind", "prev", "hash")):
            raise ValueError("ts, kind, prev and hash are strings")
        return cls(**value)

    def expected_hash(self) -> str:
        """The hash this entry's content gives: differs from ``hash`` when it was edited."""
        body = asdict(self)
        del body["hash"]
        return hashlib.sha256(canonical_json(body)).hexdigest()

    def to_line(self) -> bytes:
        """The canonical line, newline included."""
        return canonical_json(asdict(self)) + b"\n"

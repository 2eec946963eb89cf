"""The audit log: append-only JSON lines, hash-chained, with signed checkpoints.

Every arrow that moves personal data leaves an entry here: ingestion batches (counts, policy
version), policy decisions (allowed or denied, the rule), key use, erasures and consent
events. Each line holds the SHA-256 of the line before it (see
:mod:`policies.audit.entries`), and after every ``checkpoint_every`` entries the writer
appends a checkpoint signed with the key store's Ed25519 key (see
:mod:`policies.audit.checkpoints`). :func:`policies.audit.verify.verify` checks it all.

Payloads hold tokens, counts, rule ids and versions, **never raw identifiers**: a payload
must be plain JSON, and a string in it that the PII recognizers read as a direct identifier
makes :meth:`AuditLog.append` refuse the entry (:mod:`policies.audit.guard`).

Appends are safe from several threads and processes of one machine: each takes an exclusive
``flock`` on the file, reads what others appended since (only the new bytes, or on first use
the lines back to the last checkpoint), and writes its line(s) with one ``write`` before
releasing it. Reopening a log continues its chain. A log on a network file system is only as
safe as that file system's ``flock``.

Usage::

    log = AuditLog(workspace / "audit" / "audit.jsonl",
                   signer=CheckpointSigner.from_key_store(LocalKeyStore(key_file)))
    log.append("decision", {"rule": "purpose.allowed", "principal": "tok_5f…",
                            "allowed": True})
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from policies.audit.checkpoints import CHECKPOINT_KIND, CheckpointSigner
from policies.audit.entries import (
    GENESIS,
    KIND_PATTERN,
    AuditEntry,
    canonical_json,
    line_digest,
    utc_now,
)
from policies.audit.exceptions import (
    AuditKeyError,
    AuditLogCorrupt,
    AuditPayloadError,
    RawIdentifierInPayload,
)
from policies.audit.guard import IdentifierGuard, RawIdentifierGuard, payload_strings

__all__ = ["DEFAULT_CHECKPOINT_EVERY", "AuditLog"]

DEFAULT_CHECKPOINT_EVERY = 100
_READ_CHUNK = 1 << 16


@dataclass(frozen=True)
class _Tail:
    """What a writer needs to know about the end of the log."""

    size: int = 0
    inode: int = -1
    seq: int = 0
    prev: str = GENESIS
    since_checkpoint: int = 0
    """Entries after the last checkpoint (or since the first line when there is none)."""
    due: int | None = None
    """``every`` announced by the last checkpoint; ``None`` while the log has none."""

    def advance(self, entry: AuditEntry, line: bytes) -> _Tail:
        if entry.kind == CHECKPOINT_KIND:
            since, due = 0, entry.payload.get("every")
        else:
            since, due = self.since_checkpoint + 1, self.due
        return replace(self, size=self.size + len(line) + 1, seq=entry.seq,
                       prev=line_digest(line), since_checkpoint=since, due=due)


class AuditLog:
    """An append-only, hash-chained JSON-lines audit log at ``path``.

    Args:
        path: the log file; it and its folder are created on first append.
        signer: signs a checkpoint after every ``checkpoint_every`` entries. A log that has
            checkpoints refuses writers without one, so the cadence stays verifiable.
        checkpoint_every: entries between two checkpoints (announced in each checkpoint).
        guard: refuses payload strings that look like raw identifiers.
        fsync: flush each append to disk before returning (an audit entry that a crash can
            lose is a gap in the trail).
    """

    def __init__(self, path: Path, *, signer: CheckpointSigner | None = None,
                 checkpoint_every: int = DEFAULT_CHECKPOINT_EVERY,
                 guard: IdentifierGuard | None = None, fsync: bool = True) -> None:
        if checkpoint_every < 1:
            raise ValueError("checkpoint_every must be at least 1")
        self.path = path
        self._signer = signer
        self._every = checkpoint_every
        self._guard = guard or RawIdentifierGuard()
        self._fsync = fsync
        self._tail: _Tail | None = None
        self._lock = threading.Lock()

    def append(self, kind: str, payload: Mapping[str, Any]) -> AuditEntry:
        """Write one entry (and a checkpoint when one is due); returns the entry.

        Raises:
            AuditPayloadError: ``kind`` is malformed or reserved, or ``payload`` is not JSON.
            RawIdentifierInPayload: a payload string looks like a raw identifier.
            AuditKeyError: the log has checkpoints and this writer has no signer.
            AuditLogCorrupt: the end of the file is not a complete entry.
        """
        body = self._checked_payload(kind, payload)
        with self._lock, self._locked() as fd:
            tail = self._current_tail(fd)
            if self._signer is None and tail.due is not None:
                raise AuditKeyError(f"{self.path} has signed checkpoints: open it with a "
                                    "CheckpointSigner from the key store that signed them")
            entry = AuditEntry.seal(seq=tail.seq + 1, ts=utc_now(), kind=kind, payload=body,
                                    prev=tail.prev)
            line = entry.to_line()
            tail = tail.advance(entry, line[:-1])
            data = line
            if self._signer is not None and tail.since_checkpoint >= (tail.due or self._every):
                checkpoint = AuditEntry.seal(
                    seq=tail.seq + 1, ts=utc_now(), kind=CHECKPOINT_KIND, prev=tail.prev,
                    payload=self._signer.checkpoint(seq=entry.seq, entry_hash=entry.hash,
                                                    every=self._every))
                line = checkpoint.to_line()
                tail = tail.advance(checkpoint, line[:-1])
                data += line
            self._write(fd, data)
            self._tail = tail
        return entry

    def _checked_payload(self, kind: str, payload: Mapping[str, Any]) -> dict[str, Any]:
        """The payload exactly as it will be stored (JSON round-tripped), once vetted."""
        if not isinstance(kind, str) or not KIND_PATTERN.fullmatch(kind):
            raise AuditPayloadError(f"{self.path}: kind {kind!r} is not a lower_snake_case "
                                    "name of at most 64 characters")
        if kind == CHECKPOINT_KIND:
            raise AuditPayloadError(f"{self.path}: kind 'checkpoint' is written by the log "
                                    "itself")
        try:
            body = canonical_json(dict(payload))
        except (TypeError, ValueError) as exc:
            raise AuditPayloadError(
                f"{self.path}: {kind} payload is not plain JSON ({type(exc).__name__}: values "
                "are str, int, finite float, bool, None, list or dict; times as ISO strings)"
            ) from None
        stored: dict[str, Any] = json.loads(body)
        strings = list(payload_strings(stored))
        for (where, _), entity in zip(strings, self._guard.refused([s for _, s in strings]),
                                      strict=True):
            if entity is not None:
                raise RawIdentifierInPayload(
                    f"{self.path}: {kind} {where} looks like a raw {entity}; the audit log "
                    "holds tokens only (anonymize.tokens.Tokenizer)")
        return stored

    @contextmanager
    def _locked(self) -> Iterator[int]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield fd
        finally:
            os.close(fd)  # closing releases the flock

    def _current_tail(self, fd: int) -> _Tail:
        """The tail as of now: ours if no one appended, else re-read from the file."""
        stat = os.fstat(fd)
        tail = self._tail
        if tail is not None and tail.inode == stat.st_ino and tail.size == stat.st_size:
            return tail
        if stat.st_size and os.pread(fd, 1, stat.st_size - 1) != b"\n":
            raise AuditLogCorrupt(f"{self.path}: the last line is incomplete (no newline): a "
                                  f"write was cut short or the file was truncated; run "
                                  f"`nijta audit verify {self.path}`")
        if tail is not None and tail.inode == stat.st_ino:
            if tail.size > stat.st_size:  # extending it would hide the cut for good
                raise AuditLogCorrupt(f"{self.path} shrank from {tail.size} to {stat.st_size} "
                                      "bytes since this writer appended: it was truncated; "
                                      f"run `nijta audit verify {self.path}`")
            return self._read_forward(fd, tail, stat.st_size)
        return self._read_back(fd, stat.st_size, stat.st_ino)

    def _read_forward(self, fd: int, tail: _Tail, size: int) -> _Tail:
        """Advance over what other writers appended after ``tail``."""
        for line in os.pread(fd, size - tail.size, tail.size)[:-1].split(b"\n"):
            tail = tail.advance(self._parsed(line), line)
        return tail

    def _read_back(self, fd: int, size: int, inode: int) -> _Tail:
        """The tail from the file alone: lines back to the last checkpoint (or the start)."""
        lines: list[bytes] = []
        for line in _lines_backwards(fd, size):
            lines.append(line)
            if self._parsed(line).kind == CHECKPOINT_KIND:
                break
        tail = _Tail(inode=inode, size=size - sum(len(line) + 1 for line in lines))
        for line in reversed(lines):
            tail = tail.advance(self._parsed(line), line)
        return tail

    def _parsed(self, line: bytes) -> AuditEntry:
        try:
            return AuditEntry.from_line(line)
        except ValueError as exc:
            raise AuditLogCorrupt(f"{self.path}: an entry near the end is malformed ({exc}); "
                                  f"run `nijta audit verify {self.path}`") from None

    def _write(self, fd: int, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        if self._fsync:
            os.fsync(fd)


def _lines_backwards(fd: int, size: int) -> Iterator[bytes]:
    """The lines of a file that ends with a newline, last first, read in chunks."""
    end = size - 1  # the final newline
    pending = b""
    while end > 0:
        start = max(0, end - _READ_CHUNK)
        pending = os.pread(fd, end - start, start) + pending
        end = start
        first, *complete = pending.split(b"\n")
        pending = first  # the start of this line may lie in the chunk before
        yield from reversed(complete)
    if size:
        yield pending

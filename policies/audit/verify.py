"""Verify an audit log: every line, its chain, its checkpoints, and what the file alone can
say about its end.

Each line must be a canonical entry whose ``hash`` matches its content, whose ``seq`` is its
line number and whose ``prev`` is the SHA-256 of the line before. So an **edited** line fails
its own hash (or, if the editor recomputed it, the next line's ``prev`` names it); a
**deleted** or **moved** line leaves a ``seq`` out of place at its position; an **inserted**
line is named when the line after it continues the chain from the line before it. A line cut
short (no final newline) is **truncation mid-line**. The report names the first bad line.

Checkpoints (see :mod:`policies.audit.checkpoints`) must sign the entry just before them and
come exactly when the previous checkpoint announced. With ``public_key`` (the key store's),
each must be signed by that key, so a chain rewritten from scratch by someone without the key
fails at its first checkpoint. Without it, all checkpoints must share the first one's key:
consistent, but not proof against a rewrite by someone who signed with a key of their own.

**Tail truncation**, precisely. A log cut at a line boundary is itself a valid shorter log, so
the file alone detects it only when the cut removes a checkpoint that was due: if as many
entries follow the last checkpoint as it announced, the log ends where a checkpoint must be,
and the line after the end is named. A cut that keeps fewer entries after the last
checkpoint than it announced (up to ``every - 1`` entries lost, or more if the cut also lands
just after an earlier checkpoint) is undetectable without an anchor outside the file. Pass one
as ``expect_at_least``: a number of entries the log had at some time, e.g. the count a
previous verification printed, or the ``seq`` of an entry seen elsewhere; a log shorter than
that is reported, naming the first missing line.

Usage::

    report = verify(Path("audit.jsonl"), public_key=public_key_from_key_file(key_file))
    if not report.ok:
        print(f"line {report.first_bad_line}: {report.reason}")
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from policies.audit.checkpoints import CHECKPOINT_KIND, checkpoint_problem
from policies.audit.entries import GENESIS, AuditEntry, line_digest
from policies.audit.exceptions import AuditError

__all__ = ["VerifyReport", "verify"]


@dataclass(frozen=True)
class VerifyReport:
    """The outcome of :func:`verify`."""

    ok: bool
    entries: int
    """Lines that verified (all of them when ``ok``), checkpoints included."""
    checkpoints: int
    first_bad_line: int | None = None
    reason: str | None = None
    signed_through: int | None = None
    """The last line a valid checkpoint signs (``None`` when none does)."""

    def __str__(self) -> str:
        if self.ok:
            return f"OK: {self.entries} entries, {self.checkpoints} checkpoints"
        return f"line {self.first_bad_line}: {self.reason}"


class _Bad(Exception):
    def __init__(self, line: int, reason: str) -> None:
        self.line, self.reason = line, reason


@dataclass
class _Chain:
    """The verifier's state after the lines read so far."""

    public_key: Ed25519PublicKey | None
    lines: int = 0
    digests: tuple[str | None, str] = (None, GENESIS)
    """``prev`` for the line before the last one, and for the next line."""
    last: AuditEntry | None = None
    checkpoints: int = 0
    checkpoint_line: int = 0
    due: int | None = None
    since_checkpoint: int = 0
    signed_through: int | None = None

    def feed(self, raw: bytes) -> None:
        number = self.lines + 1
        if not raw.endswith(b"\n"):
            raise _Bad(number, "incomplete line (no newline): the log was truncated mid-line "
                               "or a write was cut short")
        line = raw[:-1]
        try:
            entry = AuditEntry.from_line(line)
        except ValueError as exc:
            raise _Bad(number, f"not a valid entry: {exc}") from None
        if entry.to_line() != raw:
            raise _Bad(number, "not in canonical form: the bytes were edited")
        if entry.hash != entry.expected_hash():
            raise _Bad(number, "content does not match its hash: the entry was edited")
        self._check_position(number, entry)
        if entry.kind == CHECKPOINT_KIND:
            self._check_checkpoint(number, entry)
        elif self.due is not None and self.since_checkpoint == self.due:
            raise _Bad(number, f"a checkpoint was due here (announced at line "
                               f"{self.checkpoint_line}): entries were inserted or the "
                               "checkpoint deleted")
        else:
            self.since_checkpoint += 1
        self.lines, self.last = number, entry
        self.digests = (self.digests[1], line_digest(line))

    def _check_position(self, number: int, entry: AuditEntry) -> None:
        before_last, last = self.digests
        if entry.seq == number - 1 and entry.prev == before_last:
            raise _Bad(number - 1, f"inserted: line {number} continues the chain from line "
                                   f"{number - 2}")
        if entry.seq != number:
            moved = "deleted or moved" if entry.seq > number else "moved or inserted"
            raise _Bad(number, f"seq {entry.seq} where {number} was expected: entries were "
                               f"{moved}")
        if entry.prev != last:
            raise _Bad(number - 1, f"changed after line {number} was written: line {number} "
                                   "holds another hash for it")

    def _check_checkpoint(self, number: int, entry: AuditEntry) -> None:
        if self.last is None:
            raise _Bad(number, "a checkpoint cannot be the first line")
        if self.due is not None and self.since_checkpoint != self.due:
            raise _Bad(number, f"checkpoint after {self.since_checkpoint} entries; the "
                               f"checkpoint at line {self.checkpoint_line} announced "
                               f"{self.due}")
        problem = checkpoint_problem(entry.payload, seq=self.last.seq,
                                     entry_hash=self.last.hash, public_key=self.public_key)
        if problem is not None:
            raise _Bad(number, problem)
        if self.public_key is None:  # the first checkpoint's key pins the rest
            self.public_key = Ed25519PublicKey.from_public_bytes(
                bytes.fromhex(entry.payload["public_key"]))
        self.checkpoints += 1
        self.checkpoint_line, self.due, self.since_checkpoint = (
            number, entry.payload["every"], 0)
        self.signed_through = self.last.seq

    def finish(self, expect_at_least: int | None) -> None:
        end = self.lines
        if self.due is not None and self.since_checkpoint == self.due:
            raise _Bad(end + 1, f"the log ends where a checkpoint was due (announced at line "
                                f"{self.checkpoint_line}): its tail was cut off")
        if expect_at_least is not None and end < expect_at_least:
            raise _Bad(end + 1, f"the log ends at line {end} but held at least "
                                f"{expect_at_least} entries: its tail was cut off")


def verify(path: Path, *, public_key: Ed25519PublicKey | None = None,
           expect_at_least: int | None = None) -> VerifyReport:
    """Check the whole log at ``path``; the report names the first bad line and why.

    Args:
        public_key: the checkpoint key the log must be signed with
            (:func:`~policies.audit.checkpoints.public_key_from_key_file`).
        expect_at_least: entries the log is known to have held (an anchor kept elsewhere);
            a shorter log is reported as cut off.

    Raises:
        AuditError: the file cannot be read.
    """
    chain = _Chain(public_key)
    try:
        with path.open("rb") as stream:
            for raw in stream:
                chain.feed(raw)
        chain.finish(expect_at_least)
    except _Bad as bad:
        return VerifyReport(ok=False, entries=chain.lines, checkpoints=chain.checkpoints,
                            first_bad_line=bad.line, reason=bad.reason,
                            signed_through=chain.signed_through)
    except OSError as exc:
        raise AuditError(f"{path}: cannot read the audit log: {exc.strerror}") from exc
    return VerifyReport(ok=True, entries=chain.lines, checkpoints=chain.checkpoints,
                        signed_through=chain.signed_through)

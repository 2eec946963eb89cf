"""verify(): a clean log passes; every kind of tampering is caught at the right line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from anonymize.keys import LocalKeyStore
from policies.audit import AuditLog, CheckpointSigner, verify
from policies.audit.entries import AuditEntry, line_digest

# 25 entries, a checkpoint every 10: lines 1-10, checkpoint 11, 12-21, checkpoint 22, 23-27.
ENTRIES, EVERY, LINES = 25, 10, 27


@pytest.fixture
def log_path(write_log) -> Path:
    return write_log(ENTRIES, checkpoint_every=EVERY)


def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def _rewrite(path: Path, change: Callable[[list[bytes]], list[bytes]]) -> None:
    path.write_bytes(b"".join(change(_lines(path))))


def _resealed(line: bytes, **changes) -> bytes:
    """The line with ``changes`` applied and its own hash recomputed (a careful forger)."""
    entry = json.loads(line)
    del entry["hash"]
    entry.update(changes)
    return AuditEntry.seal(**entry).to_line()


def _forged_insert(lines: list[bytes], at: int) -> list[bytes]:
    forged = AuditEntry.seal(seq=at, ts="2026-01-01T00:00:00.000000+00:00", kind="decision",
                             payload={"allowed": True}, prev=line_digest(lines[at - 2][:-1]))
    return [*lines[:at - 1], forged.to_line(), *lines[at - 1:]]


def _swap(lines: list[bytes], a: int, b: int) -> list[bytes]:
    lines[a - 1], lines[b - 1] = lines[b - 1], lines[a - 1]
    return lines


def test_a_clean_log_of_250_entries_verifies_with_its_checkpoints(write_log, signer):
    path = write_log(250)
    report = verify(path, public_key=signer.public_key)
    assert report.ok, report
    assert (report.entries, report.checkpoints, report.signed_through) == (252, 2, 201)
    assert str(report) == "OK: 252 entries, 2 checkpoints"


TAMPERING = {
    "edit-payload-byte": (lambda ls: [*ls[:4], ls[4].replace(b'"n":4', b'"n":7'), *ls[5:]],
                          5, "does not match its hash"),
    "edit-breaks-json": (lambda ls: [*ls[:4], ls[4][:-3] + b"\n", *ls[5:]], 5,
                         "not a valid entry"),
    "edit-whitespace": (lambda ls: [*ls[:4], ls[4].replace(b",", b", ", 1), *ls[5:]], 5,
                        "canonical"),
    "edit-and-rehash": (lambda ls: [*ls[:4], _resealed(ls[4], payload={"n": 7}), *ls[5:]], 5,
                        "changed after line 6"),
    "delete-line": (lambda ls: ls[:4] + ls[5:], 5, "seq 6 where 5 was expected"),
    "delete-first-line": (lambda ls: ls[1:], 1, "seq 2 where 1 was expected"),
    "delete-checkpoint": (lambda ls: ls[:10] + ls[11:], 11, "seq 12 where 11"),
    "insert-copied-line": (lambda ls: [*ls[:7], ls[2], *ls[7:]], 8, "seq 3 where 8"),
    "insert-forged-line": (lambda ls: _forged_insert(ls, 8), 8, "inserted"),
    "insert-blank-line": (lambda ls: [*ls[:7], b"\n", *ls[7:]], 8, "not a valid entry"),
    "swap-neighbours": (lambda ls: _swap(ls, 5, 6), 5, "seq 6 where 5"),
    "swap-far-apart": (lambda ls: _swap(ls, 3, 20), 3, "seq 20 where 3"),
    "truncate-mid-line": (lambda ls: [*ls[:-1], ls[-1][:40]], LINES, "truncated mid-line"),
    "truncate-a-due-checkpoint": (lambda ls: ls[:21], 22, "checkpoint was due"),
}


@pytest.mark.parametrize(("change", "bad_line", "why"), TAMPERING.values(), ids=TAMPERING)
def test_tampering_is_detected_at_the_first_bad_line(log_path, signer, change, bad_line, why):
    assert verify(log_path).ok
    _rewrite(log_path, change)
    for public_key in (None, signer.public_key):
        report = verify(log_path, public_key=public_key)
        assert not report.ok
        assert report.first_bad_line == bad_line, report
        assert why in report.reason


def test_truncating_whole_trailing_entries_needs_an_anchor(log_path):
    """Documented limit: a log cut at a line boundary short of a due checkpoint is a valid
    shorter log; the entry count from an earlier verification catches the cut."""
    _rewrite(log_path, lambda ls: ls[:24])
    assert verify(log_path).ok
    report = verify(log_path, expect_at_least=LINES)
    assert (report.ok, report.first_bad_line) == (False, 25)
    assert "cut off" in report.reason


def test_a_rewritten_chain_signed_with_another_key_fails_with_the_key_file(
        log_path, signer, tmp_path, write_log):
    forger = CheckpointSigner.from_key_store(LocalKeyStore(tmp_path / "forger" / "master.key"))
    forged = tmp_path / "forged.jsonl"
    log = AuditLog(forged, signer=forger, checkpoint_every=EVERY, fsync=False)
    for line in _lines(log_path):
        entry = json.loads(line)
        if entry["kind"] != "checkpoint":
            log.append(entry["kind"], entry["payload"] | {"n": 0})
    assert verify(forged).ok  # consistent on its own: the reason to pass the key file
    report = verify(forged, public_key=signer.public_key)
    assert (report.ok, report.first_bad_line) == (False, 11)
    assert "another key" in report.reason


def test_checkpoints_must_all_share_the_first_ones_key(tmp_path, signer):
    path = tmp_path / "audit.jsonl"
    other = CheckpointSigner.from_key_store(LocalKeyStore(tmp_path / "other" / "master.key"))
    for writer in (signer, other):
        log = AuditLog(path, signer=writer, checkpoint_every=EVERY, fsync=False)
        for i in range(EVERY):
            log.append("decision", {"n": i})
    report = verify(path)
    assert (report.ok, report.first_bad_line) == (False, 22)


def test_a_checkpoint_with_a_broken_signature_fails(log_path):
    def corrupt(lines: list[bytes]) -> list[bytes]:
        checkpoint = json.loads(lines[10])
        signature = checkpoint["payload"]["signature"]
        checkpoint["payload"]["signature"] = ("0" if signature[0] != "0" else "1") + signature[1:]
        resealed = _resealed(lines[10], payload=checkpoint["payload"])
        # the forger also fixes the next line so that only the signature can give it away
        return [*lines[:10], resealed, _resealed(lines[11], prev=line_digest(resealed[:-1])),
                *lines[12:]]

    _rewrite(log_path, corrupt)
    report = verify(log_path)
    assert (report.ok, report.first_bad_line) == (False, 11)
    assert "signature does not verify" in report.reason

"""AuditLog: the chain it writes, its checkpoints, resuming, concurrency and what it refuses."""

from __future__ import annotations

import json
import multiprocessing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from connectors.sandbox.population import generate_population
from policies.audit import (
    AuditKeyError,
    AuditLog,
    AuditLogCorrupt,
    AuditPayloadError,
    RawIdentifierInPayload,
    verify,
)
from policies.audit.entries import GENESIS, line_digest

PRINCIPAL = "tok_" + "5f" * 16


def _entries(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_bytes().splitlines()]


def test_each_line_chains_to_the_one_before(write_log):
    path = write_log(5)
    lines = path.read_bytes().splitlines()
    entries = _entries(path)
    assert [e["seq"] for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0]["prev"] == GENESIS
    assert [e["prev"] for e in entries[1:]] == [line_digest(line) for line in lines[:-1]]
    assert all(e["ts"].endswith("+00:00") for e in entries)


def test_a_signed_checkpoint_follows_every_n_entries(write_log, signer):
    path = write_log(25, checkpoint_every=10)
    entries = _entries(path)
    checkpoints = [e for e in entries if e["kind"] == "checkpoint"]
    assert [c["seq"] for c in checkpoints] == [11, 22]
    assert [c["payload"]["seq"] for c in checkpoints] == [10, 21]
    assert checkpoints[0]["payload"]["hash"] == entries[9]["hash"]
    assert len(entries) == 27
    report = verify(path, public_key=signer.public_key)
    assert (report.ok, report.entries, report.checkpoints, report.signed_through) == (
        True, 27, 2, 21)


def test_reopening_continues_the_chain_and_the_checkpoint_cadence(tmp_path, signer):
    path = tmp_path / "audit.jsonl"
    for _ in range(3):  # three short-lived writers, e.g. three CLI runs
        log = AuditLog(path, signer=signer, checkpoint_every=4, fsync=False)
        for _ in range(3):
            log.append("key_use", {"key": "encrypt_deterministic", "version": 1})
    kinds = [e["kind"] for e in _entries(path)]
    assert kinds.count("checkpoint") == 2 and kinds[4] == kinds[9] == "checkpoint"
    assert verify(path, public_key=signer.public_key).ok


def test_two_writers_in_one_process_share_the_chain(tmp_path, signer):
    first = AuditLog(tmp_path / "audit.jsonl", signer=signer, checkpoint_every=3, fsync=False)
    second = AuditLog(tmp_path / "audit.jsonl", signer=signer, checkpoint_every=3, fsync=False)
    for i in range(7):
        (first if i % 2 else second).append("decision", {"n": i})
    assert verify(tmp_path / "audit.jsonl").ok


def _append_many(path: str, key_file: str, writer: int, count: int) -> None:
    from anonymize.keys import LocalKeyStore
    from policies.audit import AuditLog, CheckpointSigner

    signer = CheckpointSigner.from_key_store(LocalKeyStore(Path(key_file)))
    log = AuditLog(Path(path), signer=signer, checkpoint_every=7, fsync=False)
    for i in range(count):
        log.append("ingest_batch", {"writer": writer, "n": i, "rows": 100})


def test_concurrent_appends_from_two_processes_keep_the_chain_valid(tmp_path, key_file,
                                                                    signer):
    path = tmp_path / "audit.jsonl"
    AuditLog(path, signer=signer, fsync=False).append("ingest_batch", {"writer": 0})
    context = multiprocessing.get_context("fork")  # inherits the loaded detector
    workers = [context.Process(target=_append_many, args=(str(path), str(key_file), w, 120))
               for w in (1, 2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    entries = _entries(path)
    ordinary = [e for e in entries if e["kind"] == "ingest_batch"]
    assert len(ordinary) == 241
    writers = [e["payload"]["writer"] for e in ordinary]
    assert 0 < writers.index(2) < 120 or 0 < writers.index(1) < 120  # they interleaved
    report = verify(path, public_key=signer.public_key)
    assert report.ok, report
    assert report.checkpoints == 241 // 7


@pytest.mark.parametrize("column", ["aadhaar", "pan", "mobile", "vpa"])
def test_raw_identifiers_are_refused_and_not_written(tmp_path, column):
    raw = str(generate_population(3, seed=7)[column][1])
    log = AuditLog(tmp_path / "audit.jsonl", fsync=False)
    log.append("erasure", {"principal": PRINCIPAL})
    before = log.path.read_bytes()
    with pytest.raises(RawIdentifierInPayload) as caught:
        log.append("erasure", {"stores": [{"principal": raw, "rows": 3}]})
    assert "payload.stores[0].principal" in str(caught.value)
    assert raw not in str(caught.value)
    assert log.path.read_bytes() == before


def test_a_raw_identifier_as_a_key_is_refused_without_naming_it(tmp_path):
    raw = "+91 " + str(generate_population(3, seed=7)["mobile"][0])
    log = AuditLog(tmp_path / "audit.jsonl", fsync=False)
    with pytest.raises(RawIdentifierInPayload) as caught:
        log.append("erasure", {"rows": {raw: 3}})
    assert "key #1" in str(caught.value) and raw not in str(caught.value)
    assert "account" not in str(caught.value)


def test_tokens_counts_and_rule_ids_pass_the_guard(tmp_path):
    log = AuditLog(tmp_path / "audit.jsonl", fsync=False)
    entry = log.append("erasure", {
        "principal": PRINCIPAL, "rows_deleted": {"bronze.upi_transactions": 42},
        "rule": "consent.revoked", "policy_version": "2026.01.3",
        "consent_id": "2f9b6a1e-4c1d-4a7e-9d55-0e3c1b7a8f21", "at": "2026-03-01T10:00:00+00:00",
    })
    assert entry.payload["rows_deleted"] == {"bronze.upi_transactions": 42}


@pytest.mark.parametrize(("kind", "payload"), [
    ("decision", {"at": object()}),
    ("decision", {"amount": float("nan")}),
    ("decision", {"at": datetime(2026, 1, 1, tzinfo=UTC)}),
    ("Decision", {}),
    ("checkpoint", {}),
], ids=["object", "nan", "datetime", "bad-kind", "reserved-kind"])
def test_payloads_that_are_not_plain_json_are_refused(tmp_path, kind, payload):
    log = AuditLog(tmp_path / "audit.jsonl", fsync=False)
    with pytest.raises(AuditPayloadError):
        log.append(kind, payload)
    assert not log.path.exists() or log.path.read_bytes() == b""


def test_a_writer_without_signer_cannot_extend_a_checkpointed_log(write_log):
    path = write_log(3, checkpoint_every=2)
    with pytest.raises(AuditKeyError, match="signed checkpoints"):
        AuditLog(path, fsync=False).append("decision", {"n": 1})


def test_an_incomplete_last_line_stops_appends(write_log, signer):
    path = write_log(3)
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(AuditLogCorrupt, match="incomplete"):
        AuditLog(path, signer=signer, fsync=False).append("decision", {"n": 1})


def test_a_log_cut_under_a_live_writer_is_not_extended(tmp_path, signer):
    log = AuditLog(tmp_path / "audit.jsonl", signer=signer, fsync=False)
    for i in range(3):
        log.append("decision", {"n": i})
    lines = log.path.read_bytes().splitlines(keepends=True)
    log.path.write_bytes(b"".join(lines[:2]))
    with pytest.raises(AuditLogCorrupt, match="shrank"):
        log.append("decision", {"n": 3})


def test_reopening_reads_back_across_chunk_boundaries(tmp_path, signer, monkeypatch):
    path = tmp_path / "audit.jsonl"
    first = AuditLog(path, signer=signer, checkpoint_every=5, fsync=False)
    for i in range(13):
        first.append("decision", {"n": i, "note": "x" * i})
    monkeypatch.setattr("policies.audit.log._READ_CHUNK", 7)  # lines split across reads
    again = AuditLog(path, signer=signer, checkpoint_every=5, fsync=False)
    for i in range(4):
        again.append("decision", {"n": i})
    report = verify(path, public_key=signer.public_key)
    assert report.ok, report
    assert (report.entries, report.checkpoints) == (20, 3)


def test_threads_sharing_one_log_keep_the_chain_valid(tmp_path, signer):
    from concurrent.futures import ThreadPoolExecutor

    log = AuditLog(tmp_path / "audit.jsonl", signer=signer, checkpoint_every=9, fsync=False)
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda i: log.append("key_use", {"n": i}), range(80)))
    report = verify(log.path, public_key=signer.public_key)
    assert report.ok and report.checkpoints == 80 // 9

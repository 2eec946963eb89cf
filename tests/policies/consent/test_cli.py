"""`nijta consent list` and `nijta consent revoke`: output, exit status, audit entry."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from nijta.cli import app
from policies.audit import verify
from policies.consent import ConsentRegistry, ConsentStatus


@pytest.fixture
def db(tmp_path, artefact, token) -> str:
    url = f"sqlite:///{tmp_path / 'consents.sqlite'}"
    registry = ConsentRegistry(url)
    registry.record(artefact("c-1"))
    registry.record(artefact("c-2", principal=token("ravi"), data_life=None))
    registry.close()
    return url


def _run(*args: str):
    return CliRunner().invoke(app, ["consent", *args])


def test_list_prints_every_consent_or_one_principals(db, token):
    result = _run("list", "--db", db)
    assert result.exit_code == 0, result.output
    header, *rows = result.output.splitlines()
    assert header.split("\t")[:3] == ["consent_id", "status", "principal"]
    assert [row.split("\t")[0] for row in rows] == ["c-1", "c-2"]
    assert rows[1].split("\t")[-1] == "-"  # no DataLife bound
    result = _run("list", "--db", db, "--principal", token("ravi"))
    assert [row.split("\t")[0] for row in result.output.splitlines()[1:]] == ["c-2"]


def test_revoke_changes_the_status_and_audits_the_event(db, tmp_path, key_file):
    audit = tmp_path / "audit.jsonl"
    result = _run("revoke", "c-1", "--db", db, "--reason", "withdrawn in app",
                  "--audit-log", str(audit), "--key-file", str(key_file))
    assert result.exit_code == 0, result.output
    assert "consent c-1: ACTIVE → REVOKED" in result.output
    assert ConsentRegistry(db).get("c-1").status is ConsentStatus.REVOKED
    [entry] = [json.loads(line) for line in audit.read_text().splitlines()]
    assert entry["kind"] == "consent_event"
    assert (entry["payload"]["consent_id"], entry["payload"]["to"],
            entry["payload"]["actor"]) == ("c-1", "REVOKED", "cli")
    assert verify(audit).ok


def test_revoking_twice_or_an_unknown_consent_exits_1(db):
    assert _run("revoke", "c-1", "--db", db, "--reason", "withdrawn").exit_code == 0
    again = _run("revoke", "c-1", "--db", db, "--reason", "withdrawn")
    assert again.exit_code == 1 and "REVOKED is final" in again.output
    unknown = _run("revoke", "c-9", "--db", db, "--reason", "withdrawn")
    assert unknown.exit_code == 1 and "no consent 'c-9'" in unknown.output


def test_a_bad_database_url_exits_1():
    result = _run("list", "--db", "not a url")
    assert result.exit_code == 1 and "not a database URL" in result.output

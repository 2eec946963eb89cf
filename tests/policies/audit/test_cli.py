"""`nijta audit verify`: exit status 0 with the counts, 1 naming the first bad line."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from nijta.cli import app


def _verify(*args: str):
    return CliRunner().invoke(app, ["audit", "verify", *args])


def test_a_clean_log_exits_0_with_its_counts(write_log, key_file):
    path = write_log(25, checkpoint_every=10)
    result = _verify(str(path), "--key-file", str(key_file))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK: 27 entries, 2 checkpoints (signed through line 21)")


def test_a_tampered_log_exits_1_naming_the_line(write_log):
    path = write_log(12, checkpoint_every=10)
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:6] + lines[7:]))
    result = _verify(str(path))
    assert result.exit_code == 1
    assert f"{path}: line 7: seq 8 where 7 was expected" in result.output


def test_another_key_file_exits_1(write_log, tmp_path):
    from anonymize.keys import LocalKeyStore

    path = write_log(12, checkpoint_every=10)
    other = tmp_path / "other" / "master.key"
    LocalKeyStore(other).derive("any")  # creates that key store
    result = _verify(str(path), "--key-file", str(other))
    assert result.exit_code == 1
    assert "line 11: checkpoint signed by another key" in result.output


def test_expect_at_least_catches_a_cut_tail(write_log):
    path = write_log(5)
    result = _verify(str(path), "--expect-at-least", "6")
    assert result.exit_code == 1 and "line 6: the log ends at line 5" in result.output


def test_a_missing_key_file_exits_1_and_creates_nothing(write_log, tmp_path):
    path = write_log(3)
    missing = tmp_path / "nowhere" / "master.key"
    result = _verify(str(path), "--key-file", str(missing))
    assert result.exit_code == 1 and "does not exist" in result.output
    assert not missing.parent.exists()


def test_a_missing_log_exits_1(tmp_path: Path):
    result = _verify(str(tmp_path / "absent.jsonl"))
    assert result.exit_code == 1 and "cannot read the audit log" in result.output

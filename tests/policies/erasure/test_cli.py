"""``nijta erase`` / ``nijta retention run`` argument handling (no Spark: refused up front)."""

import io

import pytest
from typer.testing import CliRunner

from anonymize.keys import LocalKeyStore
from anonymize.tokens import Tokenizer
from nijta.cli import app
from nijta.configuration import Workspace
from policies.erasure.cli import IdentifierKind, _principal

VPA = "asha.verma@okbank"  # made up


@pytest.fixture
def lake(tmp_path):
    (tmp_path / "lake").mkdir()
    return tmp_path


def test_an_identifier_from_stdin_gives_the_workspace_token(tmp_path, monkeypatch):
    ws = Workspace(tmp_path)
    expected = Tokenizer(LocalKeyStore(ws.key_file)).tokenize("upi_vpa", VPA)
    monkeypatch.setattr("sys.stdin", io.StringIO(VPA.upper() + "\n"))
    assert _principal(ws, None, "-", IdentifierKind.UPI_VPA) == expected
    assert _principal(ws, None, f" {VPA} ", IdentifierKind.UPI_VPA) == expected
    assert _principal(ws, expected, None, None) == expected


@pytest.mark.parametrize("args", [
    [],
    ["--principal-token", "tok_" + "0" * 32, "--identifier", VPA, "--type", "upi_vpa"],
    ["--identifier", VPA],
])
def test_erase_needs_exactly_one_principal(lake, args):
    result = CliRunner().invoke(app, ["erase", "--workspace", str(lake), *args])
    assert result.exit_code == 2
    assert VPA not in result.output


def test_a_raw_value_as_token_is_refused_without_echoing_it(lake):
    result = CliRunner().invoke(app, ["erase", "--workspace", str(lake),
                                      "--principal-token", VPA])
    assert result.exit_code == 1 and "--identifier with --type" in result.stderr
    assert VPA not in result.output


def test_no_token_is_made_without_the_workspace_keys(lake, tmp_path):
    result = CliRunner().invoke(app, ["erase", "--workspace", str(lake), "--identifier", VPA,
                                      "--type", "upi_vpa"])
    assert result.exit_code == 1 and "master.keyring does not exist" in result.stderr
    assert not (lake / "keys").exists() and VPA not in result.output
    elsewhere = CliRunner().invoke(app, ["erase", "--workspace", str(tmp_path / "typo"),
                                         "--principal-token", "tok_" + "0" * 32])
    assert elsewhere.exit_code == 1 and "not a nijta workspace" in elsewhere.stderr


def test_retention_now_must_be_iso(lake):
    result = CliRunner().invoke(app, ["retention", "run", "--workspace", str(lake),
                                      "--now", "next tuesday"])
    assert result.exit_code == 2 and "ISO 8601" in result.output

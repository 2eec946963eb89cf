"""`nijta connectors check FILE`: config errors and unreachable sources exit 1."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from connectors.sandbox.loopback import LoopbackServer
from connectors.sandbox.population import generate_population
from connectors.sandbox.upi_server import create_upi_sandbox_app
from connectors.sandbox.upi_switch_export import issuer_switch_export, write_daily_csv_exports
from connectors.sandbox.upi_transactions import generate_upi_transactions
from nijta.cli import app

EXAMPLES = Path(__file__).resolve().parents[2] / "connectors" / "examples"
runner = CliRunner()


@pytest.fixture(scope="module")
def export():
    population = generate_population(30, seed=4)
    dataset = generate_upi_transactions(population, n_transactions=300, days=2, seed=4,
                                        malformed_rate=0)
    return issuer_switch_export(dataset, population, seed=4)


def test_csv_example_with_a_folder_of_exports(export, tmp_path, monkeypatch):
    write_daily_csv_exports(export, tmp_path)
    monkeypatch.setenv("NIJTA_UPI_EXPORT_DIR", str(tmp_path))
    result = runner.invoke(app, ["connectors", "check", str(EXAMPLES / "upi_csv.yaml")])
    assert result.exit_code == 0, result.output
    assert "valid (upi_csv connector 'upi_switch_files')" in result.output
    assert "reachable" in result.output and "export files" in result.output


def test_api_example_against_the_sandbox_and_with_a_wrong_key(export, tmp_path, monkeypatch):
    export.to_parquet(tmp_path / "switch.parquet")
    app_ = create_upi_sandbox_app(api_key="right", switch_export=tmp_path / "switch.parquet")
    with LoopbackServer(app_) as server:
        monkeypatch.setenv("NIJTA_UPI_SANDBOX_URL", server.url)
        monkeypatch.setenv("NIJTA_UPI_SANDBOX_KEY", "right")
        good = runner.invoke(app, ["connectors", "check", str(EXAMPLES / "upi_switch_api.yaml")])
        monkeypatch.setenv("NIJTA_UPI_SANDBOX_KEY", "wrong")
        bad = runner.invoke(app, ["connectors", "check", str(EXAMPLES / "upi_switch_api.yaml")])
    assert good.exit_code == 0, good.output
    assert bad.exit_code == 1 and "NOT reachable" in bad.output and "401" in bad.output
    assert "wrong" not in bad.output  # the secret never prints


def test_unreachable_source_exits_1(monkeypatch, tmp_path):
    monkeypatch.setenv("NIJTA_UPI_EXPORT_DIR", str(tmp_path / "not-mounted"))
    result = runner.invoke(app, ["connectors", "check", str(EXAMPLES / "upi_csv.yaml")])
    assert result.exit_code == 1 and "no such directory" in result.output


def test_invalid_config_names_file_and_key(tmp_path, monkeypatch):
    monkeypatch.setenv("NIJTA_UPI_EXPORT_DIR", str(tmp_path))
    bad = tmp_path / "bad.yaml"
    bad.write_text((EXAMPLES / "upi_csv.yaml").read_text()
                   .replace("batch_size: 10000", "batch_size: 0"))
    result = runner.invoke(app, ["connectors", "check", str(bad)])
    assert result.exit_code == 1
    assert str(bad) in result.output and "source.batch_size" in result.output
    missing = runner.invoke(app, ["connectors", "check", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 1 and "cannot read" in missing.output

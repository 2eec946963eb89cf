"""`nijta policy check` and `nijta policy explain` through the nijta CLI."""

import shutil
from pathlib import Path

import yaml
from typer.testing import CliRunner

from nijta.cli import app
from policies.loading import DEFAULT_POLICY_DIR, load_policy

REPO = Path(__file__).resolve().parents[2]
UPI_FIELDS = list(load_policy(DEFAULT_POLICY_DIR).datasets[yaml.safe_load(
    (REPO / "connectors/examples/upi_sandbox.yaml").read_text())["dataset"]].fields)


def _run(*args: str):
    return CliRunner().invoke(app, ["policy", *args])


def test_check_passes_the_shipped_defaults():
    result = _run("check", str(DEFAULT_POLICY_DIR))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"OK {DEFAULT_POLICY_DIR}: ")
    assert f"version {load_policy(DEFAULT_POLICY_DIR).version}" in result.output


def test_check_lists_every_error_with_file_and_key(tmp_path):
    directory = Path(shutil.copytree(DEFAULT_POLICY_DIR, tmp_path / "policy"))
    serving = directory / "serving.yaml"
    serving.write_text(serving.read_text().replace("purposes: [credit_underwriting]",
                                                   "purposes: [credit_scoring]"))
    children = directory / "children.yaml"
    children.write_text(children.read_text().replace("[behavioural]", "[behavior]"))
    result = _run("check", str(directory))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert "serving.yaml: serving_clients.lending_api.purposes: purpose 'credit_scoring' is " \
           "not defined" in result.output
    assert any(line.startswith("children.yaml: children.restricted_categories: category "
                               "'behavior' is not defined") for line in lines)
    assert lines[-1] == f"nijta policy check failed: 2 error(s) in {directory}"


def test_explain_lists_every_field_of_upi_transactions():
    result = _run("explain", "--dataset", "upi_transactions", "--purpose", "fraud_detection")
    assert result.exit_code == 0, result.output
    rows = {line.split("│")[1].strip(): [c.strip() for c in line.split("│")[2:-1]]
            for line in result.output.splitlines() if line.startswith("│")}
    assert list(rows) == UPI_FIELDS
    assert rows["payer_vpa"] == ["identifier", "tokenize", "output=payer_token, "
                                 "identifier=upi_vpa", "yes"]
    assert rows["payer_name"] == ["contact", "drop", "", "no (nothing is kept)"]
    assert "allowed by policy.purpose.allowed" in result.output


def test_explain_says_when_a_purpose_is_denied(tmp_path):
    result = _run("explain", "--dataset", "app_telemetry_events", "--purpose",
                  "credit_underwriting", "--policy-dir", str(DEFAULT_POLICY_DIR))
    assert result.exit_code == 0, result.output
    assert "│ session_id " in result.output and "behavioural" in result.output
    assert "denied by policy.dataset.purpose_not_declared" in result.output


def test_explain_fails_on_an_unknown_dataset():
    result = _run("explain", "--dataset", "upi_payments", "--purpose", "fraud_detection")
    assert result.exit_code == 1
    assert "dataset 'upi_payments' has no classification" in result.output


def test_explain_fails_on_an_invalid_policy_dir(tmp_path):
    result = _run("explain", "--dataset", "upi_transactions", "--purpose", "fraud_detection",
                  "--policy-dir", str(tmp_path))
    assert result.exit_code == 1
    assert "nijta policy explain failed" in result.output

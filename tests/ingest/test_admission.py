"""The policy refuses before anything is read or written: sink region, purpose, dataset."""

import json

import pytest
import yaml

from connectors.configuration import load_connector_config
from ingest.exceptions import IngestRefused
from ingest.pipeline import run_ingest


def _config_file(tmp_path, **changes):
    exports = tmp_path / "exports"
    exports.mkdir(exist_ok=True)
    (exports / "upi_txn_20260801.csv").write_text("TransactionID\n")  # never read
    body = {"name": "upi_files", "dataset": "upi_switch_transactions",
            "purpose": "fraud_detection",
            "source": {"type": "upi_csv", "directory": str(exports)},
            "sink": {"bronze_table": "upi_switch_transactions"}}
    for key, value in changes.items():
        body[key] = {**body[key], **value} if isinstance(value, dict) else value
    path = tmp_path / "upi_files.yaml"
    path.write_text(yaml.safe_dump(body))
    return path


def _refusal(tmp_path, workspace, spark, **changes) -> IngestRefused:
    path = _config_file(tmp_path, **changes)
    with pytest.raises(IngestRefused) as refused:
        run_ingest(load_connector_config(path), workspace, spark=spark)
    assert str(path) in str(refused.value)
    assert not workspace.lake.exists() and not workspace.state.exists()  # nothing written
    return refused.value


def test_a_sink_outside_india_is_refused_before_writing(tmp_path, workspace, spark):
    refused = _refusal(tmp_path, workspace, spark,
                       sink={"location": "s3://nijta-analytics-sg/lake"})
    assert refused.rule == "rbi.2018.payment_data_localisation"
    assert "s3://nijta-analytics-sg/lake/bronze/upi_switch_transactions" in str(refused)
    assert "stored only in India" in str(refused)
    audit = [json.loads(line) for line in
             (workspace.root / "audit" / "audit.jsonl").read_text().splitlines()]
    assert any(e["payload"].get("call") == "check_location" and not e["payload"]["allowed"]
               for e in audit)


def test_an_undeclared_purpose_and_an_unknown_dataset_are_refused(tmp_path, workspace, spark):
    refused = _refusal(tmp_path, workspace, spark, purpose="product_analytics")
    assert refused.rule == "policy.dataset.purpose_not_declared"
    refused = _refusal(tmp_path, workspace, spark, dataset="upi_payments")
    assert refused.rule == "policy.dataset.unknown"


def test_a_relative_policy_dir_is_read_beside_the_connector_file(tmp_path):
    config = load_connector_config(_config_file(tmp_path, policy_dir="policy"))
    assert config.policy_dir == tmp_path / "policy"

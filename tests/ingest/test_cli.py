"""`nijta ingest` and `nijta dlq` through the nijta CLI, on the issuer switch's CSV files."""

import json

import pytest
import yaml
from typer.testing import CliRunner

from nijta.cli import app

pytestmark = pytest.mark.slow


def _config_file(tmp_path, source, **changes):
    body = source.config.model_dump(mode="json", exclude_none=True) | changes
    path = tmp_path / "upi_csv.yaml"
    path.write_text(yaml.safe_dump(body))
    return path


def test_ingest_reports_batches_and_a_balanced_summary_then_dlq_lists_and_replays(
        tmp_path, sources, workspace, spark):
    source = sources.upi_csv()
    config = _config_file(tmp_path, source)
    runner = CliRunner(env={"COLUMNS": "240"})  # rich tables: no wrapped cells
    result = runner.invoke(app, ["ingest", str(config), "--workspace", str(workspace.root),
                                 "--max-batches", "2"])
    assert result.exit_code == 0, result.output
    assert "batch 0 upi_csv-000000-" in result.output and "batch 2 " not in result.output
    result = runner.invoke(app, ["ingest", str(config), "--workspace", str(workspace.root),
                                 "--", "--direct_num_workers=1"])
    assert result.exit_code == 0, result.output
    assert "batch 2 upi_csv-000002-" in result.output
    for label in ("read", "written", "DLQ", "DLQ upi_switch_transactions.schema.Currency.isin"):
        assert label in result.output
    audit = [json.loads(line) for line in
             (workspace.root / "audit" / "audit.jsonl").read_text().splitlines()]
    batches = [e["payload"]["batch_id"] for e in audit if e["kind"] == "ingest_batch"]
    key_use = {e["payload"]["batch_id"]: e["payload"]["keys"] for e in audit
               if e["kind"] == "key_use"}
    assert batches and set(key_use) == set(batches)
    assert all(any(entry["key"] == "tokenize:upi_vpa" and entry["version"] == 1
                   for entry in keys) for keys in key_use.values())

    listing = runner.invoke(app, ["dlq", "list", "--workspace", str(workspace.root)])
    assert listing.exit_code == 0, listing.output
    assert "upi_switch_transactions.schema.PayerVPA" in listing.output
    assert "pending" in listing.output and "row " in listing.output
    replay = runner.invoke(app, ["dlq", "replay", "--workspace", str(workspace.root),
                                 "--config", str(config)])
    assert replay.exit_code == 0, replay.output
    assert "replayed 0 into bronze" in replay.output


def test_a_refused_sink_exits_1_with_the_rule(tmp_path, sources, workspace):
    source = sources.upi_csv()
    config = _config_file(tmp_path, source, sink={"bronze_table": "upi",
                                                  "location": "s3://nijta-model-archive-us/x"})
    result = CliRunner().invoke(app, ["ingest", str(config), "--workspace",
                                      str(workspace.root)])
    assert result.exit_code == 1
    assert "nijta ingest failed" in result.output
    assert "rbi.2018.payment_data_localisation" in result.output and str(config) in result.output

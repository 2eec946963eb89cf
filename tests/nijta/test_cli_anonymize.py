"""`nijta scan` and `nijta mask` end to end through the CLI, with the real detector."""

import json
from pathlib import Path

from typer.testing import CliRunner

from nijta.cli import app

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_POLICY = REPO / "policies" / "examples" / "support_chats.yaml"
# Aadhaar 234123412346 is python-stdnum's documented valid example; the RRN fails Verhoeff.
TEXTS = ["my aadhaar is 2341 2341 2346 pls update", "UPI Ref 412345678901 credited",
         "call me on +91 98450 12763"]


def _jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def test_scan_writes_the_contract(tmp_path):
    source = _jsonl(tmp_path / "in.jsonl", [{"id": i, "note": t} for i, t in enumerate(TEXTS)])
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["scan", "--input", str(source), "--text-field", "note",
                                      "--output", str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == [0, 1, 2]
    [aadhaar] = rows[0]["findings"]
    assert TEXTS[0][aadhaar["start"]:aadhaar["end"]] == "2341 2341 2346"
    assert aadhaar["type"] == "AADHAAR" and 0.5 <= aadhaar["score"] <= 1.0
    assert rows[1]["findings"] == []  # a UPI reference number is not an Aadhaar
    assert [f["type"] for f in rows[2]["findings"]] == ["PHONE_IN"]


def test_scan_bad_line_fails_naming_it(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_bytes(b'{"note": "ok"}\n{"note": 5\n')
    result = CliRunner().invoke(app, ["scan", "--input", str(source), "--text-field", "note"])
    assert result.exit_code == 1
    assert "in.jsonl:2: not valid JSON" in result.output


def test_mask_with_the_example_policy(tmp_path):
    record = {"id": 1, "customer_mobile": "9845012763", "customer_name": "Asha Rao",
              "customer_vpa": "asha.rao@oksbi", "date_of_birth": "1990-05-17",
              "pincode": "560034", "amount": 1250.0,
              "message": "Asha here, my aadhaar 234123412346, mobile 9845012763"}
    source = _jsonl(tmp_path / "in.jsonl", [record])
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["mask", "--policy", str(EXAMPLE_POLICY), "--input",
                                      str(source), "--output", str(out), "--workspace",
                                      str(tmp_path / "ws")])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    for raw in ("9845012763", "234123412346", "asha.rao", "Asha Rao", "560034"):
        assert raw not in text
    row = json.loads(text)
    assert "<AADHAAR>" in row["message"] and "<PHONE_IN>" in row["message"]

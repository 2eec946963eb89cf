import io
import json
import re
from pathlib import Path

import pytest

from anonymize.findings import Finding
from anonymize.jsonl import JsonlInputError
from anonymize.keys import LocalKeyStore
from anonymize.mask import mask_jsonl
from anonymize.tokens import Tokenizer
from nijta.configuration import load_yaml_model
from policies.field_plan import FieldPlan

EXAMPLE = Path(__file__).resolve().parents[2] / "policies" / "examples" / "support_chats.yaml"


class MobileDetector:
    """Stands in for the PII detector: ten digits starting 6-9 are a PHONE_IN."""

    def detect(self, text):
        return [Finding(m.start(), m.end(), "PHONE_IN", 1.0)
                for m in re.finditer(r"[6-9]\d{9}", text)]

    def detect_batch(self, texts):
        return [[] if t is None else self.detect(t) for t in texts]


def _record(i: int, **overrides):
    record = {"id": i, "customer_mobile": "+91 98450 12763", "customer_name": "Asha Rao",
              "customer_vpa": "asha.rao@oksbi", "date_of_birth": "1990-05-17",
              "pincode": "560034", "amount": 1250.0,
              "message": "pls call me on 9845012763 about my refund"}
    return {**record, **overrides}


def _mask(tmp_path, records, key_file):
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    out = io.StringIO()
    summary = mask_jsonl(path, out, plan=load_yaml_model(EXAMPLE, FieldPlan),
                         tokenizer=Tokenizer(LocalKeyStore(key_file)), detector=MobileDetector(),
                         batch_size=2)
    return summary, [json.loads(line) for line in out.getvalue().splitlines()]


def test_example_policy_masks_every_field(tmp_path, key_file):
    records = [_record(0), _record(1, customer_mobile="09845012763"), _record(2)]
    summary, rows = _mask(tmp_path, records, key_file)
    assert summary.records == 3 and [r["id"] for r in rows] == [0, 1, 2]
    first = rows[0]
    assert "customer_name" not in first and "customer_mobile" not in first
    assert first["customer_token"] == rows[1]["customer_token"]  # one mobile, two spellings
    assert first["customer_token"].startswith("tok_")
    assert first["customer_vpa"].endswith("@oksbi") and "asha" not in first["customer_vpa"]
    assert first["date_of_birth"] == "35-44"  # 35 on 2026-01-01, the policy's as_of
    assert first["pincode"] == "560"
    assert "9845012763" not in first["message"] and "<PHONE_IN>" in first["message"]
    assert "Asha" not in json.dumps(rows)


def test_unclassified_field_names_the_lines(tmp_path, key_file):
    # Not real identifiers: python-stdnum's documented examples or made-up shapes.
    records = [_record(0), _record(1), _record(2, aadhaar="234123412346")]
    with pytest.raises(JsonlInputError, match=r"in.jsonl:3-3: .*aadhaar"):
        _mask(tmp_path, records, key_file)

import io
import json
import re

import pytest

from anonymize.findings import Finding
from anonymize.jsonl import JsonlInputError
from anonymize.scan import scan_jsonl


class DigitRunDetector:
    """Stands in for the PII detector: every run of 12 digits is an AADHAAR."""

    def detect_batch(self, texts):
        return [[] if t is None else [Finding(m.start(), m.end(), "AADHAAR", 1.0)
                                      for m in re.finditer(r"\d{12}", t)] for t in texts]


def _write(path, lines: list[bytes]) -> None:
    path.write_bytes(b"\n".join(lines) + b"\n")


def _scan(path, **kw):
    out = io.StringIO()
    summary = scan_jsonl(path, out, text_field="text", detector=DigitRunDetector(),
                         batch_size=2, **kw)
    return summary, [json.loads(line) for line in out.getvalue().splitlines()]


def test_one_result_per_record_in_order(tmp_path):
    path = tmp_path / "in.jsonl"
    _write(path, [json.dumps({"id": i, "text": f"ref {i:012d} ok"}).encode() for i in range(5)]
           + [b"", json.dumps({"text": None}).encode(),
              json.dumps({"id": "n", "text": 234123412346}).encode()])
    seen = []
    summary, results = _scan(path, on_progress=seen.append)
    assert [r["id"] for r in results] == [0, 1, 2, 3, 4, None, "n"]
    assert results[0]["findings"] == [{"start": 4, "end": 16, "type": "AADHAAR", "score": 1.0}]
    assert results[5]["findings"] == []
    assert results[6]["findings"][0]["end"] == 12  # a number is scanned as its digits
    assert summary.records == 7 and summary.blank_lines == [6]
    assert seen[-1] == path.stat().st_size


def test_invalid_utf8_names_the_line(tmp_path):
    path = tmp_path / "in.jsonl"
    _write(path, [b'{"text": "a"}', b'{"text": "\xff\xfe"}'])
    with pytest.raises(JsonlInputError, match=r"in.jsonl:2: not valid UTF-8"):
        _scan(path)


@pytest.mark.parametrize(("line", "message"), [
    (b'{"text": ["a"]}', "field 'text' is a list"),
    (b'[1, 2]', "expected a JSON object"),
    (b'{"text": "unterminated', "not valid JSON"),
])
def test_bad_records_name_the_line(tmp_path, line, message):
    path = tmp_path / "in.jsonl"
    _write(path, [b'{"text": "fine"}', line])
    with pytest.raises(JsonlInputError, match=f"in.jsonl:2: .*{message}"):
        _scan(path)


def test_five_megabyte_line(tmp_path):
    path = tmp_path / "big.jsonl"
    text = ("x" * 1000 + " 234123412346 ") * 5000
    _write(path, [json.dumps({"id": "big", "text": text}).encode()])
    summary, [result] = _scan(path)
    assert len(result["findings"]) == 5000 and summary.records == 1

import json

import pytest
from cryptography.exceptions import InvalidTag

from anonymize.keys import LocalKeyStore
from ingest.dead_letters import DeadLetter, read_dead_letters, write_dead_letters


def _letter(row: int) -> DeadLetter:
    return DeadLetter("upi", "upi-000000", page=3, row=row, rule="r.amount.greater_than",
                      reason="column 'amount' failed greater_than(0)", payload="")


def test_round_trip_and_nothing_raw_on_disk(tmp_path, key_file):
    keys = LocalKeyStore(key_file)
    record = {"payer_vpa": "asha.rao@oksbi", "payer_mobile": "9845012763", "amount": -5.0}
    path = tmp_path / "dlq" / "page-000003.jsonl"
    write_dead_letters(path, [(_letter(7), record)], keys)
    text = path.read_text()
    assert "asha.rao" not in text and "9845012763" not in text
    assert json.loads(text)["reason"] == "column 'amount' failed greater_than(0)"
    [(letter, back)] = list(read_dead_letters(tmp_path / "dlq", keys))
    assert back == record and letter.row == 7


def test_payload_moved_to_another_position_does_not_decrypt(tmp_path, key_file):
    keys = LocalKeyStore(key_file)
    path = tmp_path / "dlq" / "page-000003.jsonl"
    write_dead_letters(path, [(_letter(7), {"a": 1})], keys)
    moved = json.loads(path.read_text()) | {"row": 8}
    path.write_text(json.dumps(moved) + "\n")
    with pytest.raises(InvalidTag):
        list(read_dead_letters(tmp_path / "dlq", keys))

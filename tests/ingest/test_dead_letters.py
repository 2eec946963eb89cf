"""Dead letters: sealed under the dlq key and bound to their position; nothing raw on disk."""

from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from anonymize.keys import LocalKeyStore
from connectors.base import MalformedRecord, SourceBatch
from ingest.dead_letters import (
    PENDING,
    RECORD_FORMAT,
    TEXT_FORMAT,
    LetterSeal,
    build_dead_letters,
    open_record,
    open_text,
)
from ingest.exceptions import DeadLetterError
from ingest.validation import Rejection

RECORDS = pa.table({"vpa": ["asha.rao@oksbi", "ravi.k@ybl"],
                    "amount": pa.array([Decimal("-5.00"), Decimal("12.50")],
                                       pa.decimal128(15, 2))})
BROKEN_LINE = "S|9845012763|ravi kumar|not an amount"


def _batch() -> SourceBatch:
    return SourceBatch("upi", 3, {"page": 3}, {"page": 4}, RECORDS,
                       (MalformedRecord("file.csv:17", "csv.field_count", "5 fields, expected 4",
                                        BROKEN_LINE),))


def _letters(key_file):
    rejected = [Rejection(0, "upi.schema.amount.greater_than", "column 'amount' failed gt")]
    return build_dead_letters(_batch(), rejected, LetterSeal(LocalKeyStore(key_file)))


def test_letters_keep_reason_in_clear_and_record_sealed(tmp_path, key_file):
    letters = _letters(key_file)
    pq.write_table(letters, tmp_path / "letters.parquet")
    data = (tmp_path / "letters.parquet").read_bytes()
    for raw in ("asha.rao@oksbi", "9845012763", "ravi kumar"):
        assert raw.encode() not in data
    assert b"column 'amount' failed gt" in data
    rows = letters.to_pylist()
    assert [r["position"] for r in rows] == ["row 0", "file.csv:17"]
    assert [r["payload_format"] for r in rows] == [RECORD_FORMAT, TEXT_FORMAT]
    assert {r["status"] for r in rows} == {PENDING} and {r["attempts"] for r in rows} == {1}
    assert len({r["letter_id"] for r in rows}) == 2


def test_opened_record_has_the_connector_types(key_file):
    seal = LetterSeal(LocalKeyStore(key_file))
    record, broken = _letters(key_file).to_pylist()
    back = open_record(seal, record)
    assert back.schema == RECORDS.schema
    assert back.to_pylist() == [{"vpa": "asha.rao@oksbi", "amount": Decimal("-5.00")}]
    assert open_text(seal, broken) == BROKEN_LINE


def test_payload_moved_to_another_position_or_key_does_not_open(tmp_path, key_file):
    record, broken = _letters(key_file).to_pylist()
    seal = LetterSeal(LocalKeyStore(key_file))
    with pytest.raises(DeadLetterError, match=r"upi/.*/row 0"):
        open_record(seal, {**broken, "payload": record["payload"]} | {"position": "row 0",
                                                                      "batch_id": "x"})
    other = LetterSeal(LocalKeyStore(tmp_path / "other" / "master.key"))
    with pytest.raises(DeadLetterError, match="does not open"):
        open_record(other, record)

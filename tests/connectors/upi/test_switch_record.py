"""parse_switch_columns: vouches only for what parse_switch_record accepts, with its values."""

import pyarrow as pa
import pytest

from connectors.upi.switch_record import (
    SWITCH_FIELDS,
    SWITCH_RECORD_SCHEMA,
    parse_switch_columns,
    parse_switch_record,
)

GOOD = {**dict.fromkeys(SWITCH_FIELDS, "x"), "TransactionID": "NIJ" + "0" * 32,
        "CreationTime": "2026-08-01T10:00:00Z", "Amount": "12.50"}
# (field, value, whether the vectorised checks vouch for it); the others it leaves to
# parse_switch_record, which may still accept them.
CASES = [
    ("CreationTime", "2026-08-01T10:00:00.5Z", True),
    ("CreationTime", "2026-08-01T10:00:00+05:30", True),
    ("CreationTime", "2024-02-29T23:59:59-00:00", True),
    ("CreationTime", "2026-02-29T10:00:00Z", False),          # no such day
    ("CreationTime", "2026-04-31T10:00:00Z", False),
    ("CreationTime", "2026-08-01T10:00:60Z", False),
    ("CreationTime", "2026-08-01 10:00:00Z", False),          # fromisoformat takes it
    ("CreationTime", "2026-08-01T10:00:00+05:60", False),     # and this one
    ("CreationTime", "2026-08-01T10:00:00", False),           # no zone
    ("CreationTime", "0001-01-01T00:00:00Z", False),
    ("Amount", None, True),
    ("Amount", "7", True),
    ("Amount", "9999999999999.99", True),
    ("Amount", "-1.00", False),
    ("Amount", "12.505", False),
    ("Amount", "١٢", False),                                 # Python's \d takes it
    ("TransactionID", "NIJ" + "a" * 32, True),
    ("TransactionID", "NIJ" + "a" * 31, False),
    ("TransactionID", "NIJ" + "é" * 32, False),
    ("TransactionID", None, False),
]


def test_vouched_rows_are_exactly_what_parse_switch_record_makes_of_them():
    rows = [{**GOOD, field: value} for field, value, _ in CASES]
    text = pa.Table.from_pylist(rows, schema=pa.schema([(f, pa.string()) for f in SWITCH_FIELDS]))
    typed, vouched = parse_switch_columns(text)
    assert list(vouched) == [expected for _, _, expected in CASES]
    assert typed.schema == SWITCH_RECORD_SCHEMA
    assert typed.to_pylist() == [parse_switch_record(row)
                                 for row, ok in zip(rows, vouched, strict=True) if ok]


@pytest.mark.parametrize("bad_rows", [[], [0], [3, 4], list(range(0, 200, 2))])
def test_rows_left_out_anywhere_keep_the_others_in_order(bad_rows):
    ids = [f"NIJ{i:032d}" for i in range(200)]
    rows = [{**GOOD, "TransactionID": "bad" if i in bad_rows else ids[i]} for i in range(200)]
    text = pa.Table.from_pylist(rows, schema=pa.schema([(f, pa.string()) for f in SWITCH_FIELDS]))
    typed, vouched = parse_switch_columns(text)
    assert typed.column("TransactionID").to_pylist() == [
        i for n, i in enumerate(ids) if n not in bad_rows]
    assert [n for n, ok in enumerate(vouched) if not ok] == bad_rows

import pandas as pd

from connectors.upi.schema import UPI_TRANSACTION_SCHEMA, to_lake_types
from ingest.validation import split_valid


def test_bad_rows_are_rejected_with_rule_and_no_value(upi_record):
    rows = [upi_record(0), upi_record(1, amount=-5.0), upi_record(2, payer_vpa="asha.rao.oksbi"),
            upi_record(3, event_ts="not-a-time"), upi_record(4, currency="USD"),
            upi_record(5, payer_vpa=None), upi_record(6, amount="abc")]
    valid, rejected = split_valid(pd.DataFrame(rows), UPI_TRANSACTION_SCHEMA)
    assert list(valid["txn_id"]) == [rows[0]["txn_id"]]
    assert [r.row for r in rejected] == [1, 2, 3, 4, 5, 6]
    by_row = {r.row: r for r in rejected}
    assert by_row[1].rule == "upi_transactions.schema.amount.greater_than"
    assert by_row[2].rule == "upi_transactions.schema.payer_vpa.str_matches"
    assert by_row[3].rule == "upi_transactions.schema.event_ts.str_matches"
    for r in rejected:
        assert "asha.rao" not in r.reason and "abc" not in r.reason and "USD" not in r.reason


def test_impossible_date_is_rejected(upi_record):
    rows = [upi_record(0), upi_record(1, event_ts="2026-02-30T10:00:00Z")]
    valid, rejected = split_valid(pd.DataFrame(rows), UPI_TRANSACTION_SCHEMA)
    assert len(valid) == 1
    assert [r.rule for r in rejected] == ["upi_transactions.schema.event_ts.calendar_time"]


def test_valid_rows_are_coerced_to_lake_types(upi_record):
    valid, rejected = split_valid(pd.DataFrame([upi_record(0), upi_record(1)]),
                                  UPI_TRANSACTION_SCHEMA)
    assert rejected == []
    assert str(to_lake_types(valid)["event_ts"].dtype) == "datetime64[ns, UTC]"
    assert valid["amount"].dtype == "float64"


def test_unknown_column_rejects_the_whole_batch(upi_record):
    frame = pd.DataFrame([upi_record(0, aadhaar="x"), upi_record(1, aadhaar="y")])
    valid, rejected = split_valid(frame, UPI_TRANSACTION_SCHEMA)
    assert valid.empty
    assert [r.row for r in rejected] == [0, 1]
    assert "aadhaar" in rejected[0].reason

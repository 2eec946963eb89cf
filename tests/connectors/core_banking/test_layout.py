from decimal import Decimal

import pytest

from connectors.core_banking.layout import (
    FINACLE_EOD_V1,
    ControlTotals,
    FixedField,
    RecordLayout,
)
from connectors.core_banking.records import TRANSACTION_FIELDS

DETAIL = FINACLE_EOD_V1.detail


def test_detail_layout_covers_every_transaction_field_within_200_columns():
    assert sorted(f.name for f in DETAIL.fields) == sorted(f.name for f in TRANSACTION_FIELDS)
    last = DETAIL.fields[-1]
    assert last.start + last.length - 1 == DETAIL.length == 200


def test_format_and_cut_round_trip_with_padding_by_kind():
    line = DETAIL.format({"tran_date": "15-01-2026", "tran_id": "M42", "part_tran_srl_num": "2",
                          "tran_amt": "1250.50", "part_tran_type": "C"})
    assert len(line) == 200 and line[0] == "D"
    assert line[20:24] == "0002"            # numeric: zero-padded, right-justified
    assert line[11:20] == "M42      "       # alphanumeric: space-padded, left-justified
    assert line[61:78] == "00000000001250.50"
    assert line[149:153] == "    "           # empty numeric stays blank
    cut = DETAIL.cut(line)
    assert cut["tran_amt"] == "00000000001250.50" and cut["orig_part_tran_srl_num"] is None
    assert DETAIL.field(line, "part_tran_type") == "C"


def test_overlapping_or_overlong_layouts_are_refused():
    with pytest.raises(ValueError, match="overlaps"):
        RecordLayout("D", 20, (FixedField("a", 2, 5), FixedField("b", 6, 3)))
    with pytest.raises(ValueError, match="run past"):
        RecordLayout("D", 5, (FixedField("a", 2, 5),))
    with pytest.raises(ValueError, match="do not fit"):
        FixedField("a", 2, 3).format("abcd")


def test_control_totals_sum_debits_and_credits_separately():
    totals = ControlTotals()
    totals.count("D", "00000000000100.10")
    totals.count("C", Decimal("0.20"))
    totals.count("X", "5.00")        # unknown indicator: counted, summed nowhere
    totals.count("D", None)          # amount unreadable
    totals.count("C", "abc")
    assert totals == ControlTotals(5, Decimal("100.10"), Decimal("0.20"))
    flipped = ControlTotals()
    flipped.count("C", "100.10")
    flipped.count("D", "0.20")
    assert flipped.debit_total + flipped.credit_total == Decimal("100.30")
    assert flipped != ControlTotals(2, Decimal("100.10"), Decimal("0.20"))

from datetime import date, datetime
from decimal import Decimal

import pytest

from connectors.core_banking.records import (
    IST,
    TRANSACTION_SCHEMA,
    FieldProblem,
    TransactionRows,
    format_field,
    parse_amount,
    parse_date,
    parse_transaction,
)

LEG = {
    "tran_date": "15-01-2026", "tran_id": "M0000042", "part_tran_srl_num": "0002",
    "tran_type": "T", "tran_sub_type": "CI", "part_tran_type": "D",
    "foracid": "50100012345678", "sol_id": "000123", "cust_id": "C000042",
    "tran_amt": "00000000001250.50", "crncy_code": "INR", "value_date": "14-01-2026",
    "pstd_date": "15-01-2026 09:30:05", "ref_num": "601512345678",
    "tran_particular": "UPI/DR/601512345678/ASHA/asha@okaxis",
}


def _problem(**changes: object) -> FieldProblem:
    with pytest.raises(FieldProblem) as err:
        parse_transaction({**LEG, **changes})
    return err.value


def test_a_leg_parses_to_typed_values():
    leg = parse_transaction(LEG)
    assert leg["tran_date"] == date(2026, 1, 15) and leg["value_date"] == date(2026, 1, 14)
    assert leg["part_tran_srl_num"] == 2
    assert leg["tran_amt"] == Decimal("1250.50")
    assert leg["pstd_date"] == datetime(2026, 1, 15, 9, 30, 5, tzinfo=IST)
    assert leg["orig_tran_id"] is None


@pytest.mark.parametrize(("changes", "rule"), [
    ({"tran_date": "2026-01-15"}, "tran_date.format"),
    ({"tran_date": "31-02-2026"}, "tran_date.calendar"),
    ({"value_date": "15/01/2026"}, "value_date.format"),
    ({"pstd_date": "15-01-2026"}, "pstd_date.format"),
    ({"part_tran_type": "X"}, "part_tran_type.indicator"),
    ({"part_tran_type": "d"}, "part_tran_type.indicator"),
    ({"tran_amt": "1250.505"}, "tran_amt.scale"),
    ({"tran_amt": "-5.00"}, "tran_amt.sign"),
    ({"tran_amt": "12,50"}, "tran_amt.format"),
    ({"tran_id": "   "}, "tran_id.required"),
    ({"crncy_code": "inr"}, "crncy_code.format"),
    ({"orig_tran_id": "M0000001"}, "reversal.incomplete_reference"),
    ({"orig_tran_date": "15-01-2026", "orig_tran_id": "M0000042",
      "orig_part_tran_srl_num": "2"}, "reversal.self_reference"),
    ({"orig_tran_date": "16-01-2026", "orig_tran_id": "M0000001",
      "orig_part_tran_srl_num": "1"}, "reversal.future_original"),
])
def test_each_rule_names_its_field_and_never_the_value(changes, rule):
    problem = _problem(**changes)
    assert problem.rule == rule
    for value in changes.values():
        if len(str(value)) > 3:
            assert str(value) not in str(problem)


def test_amounts_are_exact_from_text_decimal_integer_and_sqlite_float():
    assert parse_amount("a", "0.10") + parse_amount("a", "0.20") == Decimal("0.30")
    assert parse_amount("a", 0.1) == Decimal("0.10")
    assert parse_amount("a", 9999999999999.99) == Decimal("9999999999999.99")
    assert parse_amount("a", Decimal("1250.5000")) == Decimal("1250.50")
    assert parse_amount("a", 112700) == Decimal("112700.00")
    with pytest.raises(FieldProblem):
        parse_amount("a", Decimal("1250.5050"))
    with pytest.raises(FieldProblem):
        parse_amount("a", float("nan"))


def test_database_values_parse_like_text():
    assert parse_date("d", datetime(2026, 1, 15)) == date(2026, 1, 15)
    with pytest.raises(FieldProblem):
        parse_date("d", datetime(2026, 1, 15, 10, 0))
    leg = parse_transaction({**LEG, "tran_date": date(2026, 1, 15), "part_tran_srl_num": 2,
                             "pstd_date": datetime(2026, 1, 15, 9, 30, 5)})
    assert leg == parse_transaction(LEG)


def test_a_reversal_names_its_original_leg():
    leg = parse_transaction({**LEG, "part_tran_type": "C", "orig_tran_date": "14-01-2026",
                             "orig_tran_id": "M0000007", "orig_part_tran_srl_num": "1"})
    assert (leg["orig_tran_date"], leg["orig_tran_id"], leg["orig_part_tran_srl_num"]) == (
        date(2026, 1, 14), "M0000007", 1)


def test_format_field_is_the_inverse_of_parsing():
    leg = parse_transaction(LEG)
    text = {name: format_field(name, value) for name, value in leg.items()}
    assert parse_transaction(text) == leg
    assert text["tran_amt"] == "1250.50" and text["pstd_date"] == "15-01-2026 09:30:05"


def test_rows_keep_good_and_malformed_in_one_batch():
    rows = TransactionRows()
    assert rows.add(LEG, position="f:2", payload="line 2")
    assert not rows.add({**LEG, "tran_amt": "1.001"}, position="f:3", payload="line 3")
    rows.reject("f:4", "fixed_width.line_length", "short", "line 4")
    assert len(rows) == 3
    assert rows.table().schema == TRANSACTION_SCHEMA and rows.table().num_rows == 1
    assert [(m.position, m.rule, m.payload) for m in rows.malformed] == [
        ("f:3", "tran_amt.scale", "line 3"), ("f:4", "fixed_width.line_length", "line 4")]

"""ReBIT DEPOSIT parsing: the shipped sample, v1 and v2, XML and JSON alike, exact decimals,
errors that name the transaction, hostile XML refused, and the Arrow table it feeds."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, tostring

import pyarrow as pa
import pytest

from connectors.aa.exceptions import RebitParseError, UnsupportedRebitVersion
from connectors.aa.rebit import (
    DEPOSIT_NAMESPACE,
    DEPOSIT_TRANSACTION_SCHEMA,
    IST,
    DepositStatement,
    parse_deposit,
    to_arrow,
)
from connectors.sandbox.population import generate_population

# Sahamati/account-aggregator-standards schemas/deposit/Deposit.xml (placeholder values only),
SHIPPED_SAMPLE = """<?xml version="1.0" encoding="UTF-8"?>
<Account xmlns="http://api.rebit.org.in/FISchema/deposit"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://api.rebit.org.in/FISchema/deposit ../FISchema/deposit.xsd"
    linkedAccRef="" maskedAccNumber="" version="1.1" type="deposit">
    <Profile>
        <Holders type="JOINT">
            <Holder name="" dob="2002-09-24" mobile="91729391923" nominee="NOT-REGISTERED"
                email="qw@gmail.com" pan="AAAPL1234C" ckycCompliance="true"/>

        </Holders>

    </Profile>
    <Summary currentBalance="" currency="" exchgeRate="" balanceDateTime="2004-04-12T13:20:00-05:00"
        type="CURRENT" branch="" facility="CC" ifscCode="" micrCode="" openingDate="2004-04-12"
        currentODLimit="" drawingLimit="" status="ACTIVE">
        <Pending amount="20.0"/>
    </Summary>
    <Transactions startDate="2004-04-12" endDate="2004-04-12">
        <Transaction txnId="" type="CREDIT" mode="ATM" amount="20.0" currentBalance=""
            transactionTimestamp="2004-04-12T13:20:00-05:00" valueDate="2004-04-12" narration=""
            reference=""/>
    </Transactions>
</Account>
"""


@pytest.fixture(scope="module")
def people() -> list[dict[str, Any]]:
    return generate_population(2, seed=5).to_dict("records")


def _transaction(index: int, amount: str, balance: str, *, v2: bool, mode: str = "UPI") -> dict:
    return {
        "txnId": f"T{index:04d}", "type": "DEBIT" if index % 2 else "CREDIT", "mode": mode,
        "amount": amount, ("transactionalBalance" if v2 else "currentBalance"): balance,
        "transactionTimestamp": f"2026-01-0{index + 1}T10:15:00+05:30",
        "valueDate": f"2026-01-0{index + 1}", "narration": f"UPI/{400000000000 + index}/X",
        "reference": f"R{index}",
    }


def _account(people: list[dict], *, version: str, amounts: tuple[str, ...] = ("100.50", "0.10",
                                                                           "0.20")) -> dict:
    """A DEPOSIT document as nested dicts: dict = element, list = repeated, scalar = attribute."""
    v2 = version.startswith("2")
    holders = [{
        "name": p["name"], "dob": p["date_of_birth"].isoformat(), "mobile": p["mobile"],
        "nominee": "REGISTERED", "email": "holder@example.in", "pan": p["pan"],
        **({"ckycRegistered": "NO_DATA_AVAILABLE" if i else "YES"} if v2
           else {"ckycCompliance": "false" if i else "true"}),
    } for i, p in enumerate(people)]
    summary = {
        "currentBalance": "1000.50", "currency": "INR", "balanceDateTime": "2026-01-05T18:00:00Z",
        "branch": "Pune Camp", "micrCode": "411002003", "openingDate": "2019-06-01",
        "status": "ACTIVE",
        **({"accountType": "REGULAR", "accountSubType": "SAVINGS", "ifsc": people[0]["bank_ifsc"],
            "facility": "NO_FACILITY_GRANTED",
            "pendingTxns": {"PendingTxn": [{"transactionType": "DEBIT", "amount": "15.00"}]}}
           if v2 else
           {"type": "SAVINGS", "ifscCode": people[0]["bank_ifsc"], "facility": "OD",
            "Pending": {"transactionType": "DEBIT", "amount": "15.00"}}),
    }
    return {
        "type": "deposit", "maskedAccNumber": "XXXXXXXX4321", "version": version,
        "linkedAccRef": "a1b2c3d4-link",
        "Profile": {"Holders": {"type": "JOINT", "Holder": holders}},
        "Summary": summary,
        "Transactions": {"startDate": "2026-01-01", "endDate": "2026-01-31", "Transaction": [
            _transaction(i, amount, f"{900 + i}.00", v2=v2) for i, amount in enumerate(amounts)]},
    }


def _element(name: str, obj: dict) -> Element:
    element = Element(f"{{{DEPOSIT_NAMESPACE}}}{name}")
    for key, value in obj.items():
        items = value if isinstance(value, list) else [value]
        if isinstance(items[0], dict):
            element.extend(_element(key, item) for item in items)
        else:
            element.set(key, str(value))
    return element


def _xml(account: dict) -> bytes:
    return tostring(_element("Account", account), encoding="utf-8")


def _json(account: dict, *, numbers: bool = True) -> str:
    """The JSON variant; amounts as bare JSON numbers, one Holder as an object, not a list."""
    account = json.loads(json.dumps(account))
    holders = account["Profile"]["Holders"]["Holder"]
    if len(holders) == 1:
        account["Profile"]["Holders"]["Holder"] = holders[0]
    text = json.dumps({"Account": account})
    return re.sub(r'"(amount|currentBalance)": "(-?\d+\.\d+)"', r'"\1": \2', text) if numbers \
        else text


def _with(account: dict, index: int, **changes: str) -> dict:
    account["Transactions"]["Transaction"][index].update(changes)
    return account


def test_the_shipped_sample_parses() -> None:
    statement = parse_deposit(SHIPPED_SAMPLE.encode())
    assert statement.account.version == "1.1" and statement.holders_type == "JOINT"
    (holder,) = statement.holders
    assert holder.dob == date(2002, 9, 24) and holder.ckyc_compliance is True
    summary = statement.summary
    assert summary.current_balance is None and summary.branch is None  # empty attributes
    assert summary.facility == "CASH_CREDIT" and summary.account_sub_type == "CURRENT"
    assert summary.pending[0].amount == Decimal("20.0")
    (txn,) = statement.transactions
    assert (txn.type, txn.mode, txn.amount) == ("CREDIT", "ATM", Decimal("20.0"))
    assert txn.transaction_timestamp == datetime(2004, 4, 12, 18, 20, tzinfo=UTC)
    assert txn.current_balance is None


def test_a_v1_document(people: list[dict]) -> None:
    statement = parse_deposit(_xml(_account(people, version="1.1.2")))
    assert [h.ckyc_compliance for h in statement.holders] == [True, False]
    assert statement.holders[0].pan == people[0]["pan"]
    assert statement.holders[1].dob == people[1]["date_of_birth"]
    summary = statement.summary
    assert (summary.account_type, summary.account_sub_type) == (None, "SAVINGS")
    assert summary.ifsc_code == people[0]["bank_ifsc"] and summary.facility == "OVERDRAFT"
    assert summary.balance_datetime == datetime(2026, 1, 5, 18, tzinfo=UTC)
    assert [t.current_balance for t in statement.transactions] == \
        [Decimal("900.00"), Decimal("901.00"), Decimal("902.00")]
    assert [t.type for t in statement.transactions] == ["CREDIT", "DEBIT", "CREDIT"]
    assert statement.transactions_start == date(2026, 1, 1)


def test_a_v2_document(people: list[dict]) -> None:
    account = _with(_account(people, version="2.0.0"), 1, mode="NEFT")
    statement = parse_deposit(_xml(account))
    assert [h.ckyc_compliance for h in statement.holders] == [True, None]
    summary = statement.summary
    assert (summary.account_type, summary.account_sub_type) == ("REGULAR", "SAVINGS")
    assert summary.ifsc_code == people[0]["bank_ifsc"]
    assert summary.facility == "NO_FACILITY_GRANTED"
    assert [(p.transaction_type, p.amount) for p in summary.pending] == \
        [("DEBIT", Decimal("15.00"))]
    assert statement.transactions[1].mode == "NEFT"
    assert statement.transactions[2].current_balance == Decimal("902.00")


@pytest.mark.parametrize("version", ["1.1", "2.0.0"])
def test_json_variant_equals_the_xml(people: list[dict], version: str) -> None:
    account = _account(people, version=version)
    from_xml = parse_deposit(_xml(account))
    assert parse_deposit(_json(account)) == from_xml
    assert parse_deposit(_json(account, numbers=False).encode()) == from_xml
    single = _account(people[:1], version=version)
    assert parse_deposit(_json(single)) == parse_deposit(_xml(single))


def test_amounts_are_exact_decimals(people: list[dict]) -> None:
    account = _account(people, version="1.1", amounts=("0.10", "0.20", "0.30"))
    for document in (_xml(account), _json(account)):
        txns = parse_deposit(document).transactions
        assert txns[0].amount + txns[1].amount == txns[2].amount == Decimal("0.30")
    bare = _json(account).replace('"amount": 0.10', '"amount": 0.1')
    assert parse_deposit(bare).transactions[0].amount == Decimal("0.1")


@pytest.mark.parametrize(("amount", "rule"), [
    ("12,50", "not a decimal"), ("", "is required"), ("1.005", "2 decimal places"),
    ("-5.00", "negative"), ("NaN", "finite"), ("1e17", "16 integer digits"),
])
def test_malformed_amount_is_named_by_transaction_index(people: list[dict], amount: str,
                                                        rule: str) -> None:
    account = _with(_account(people, version="1.1"), 2, amount=amount)
    with pytest.raises(RebitParseError, match=rule) as caught:
        parse_deposit(_xml(account))
    error = caught.value
    assert error.txn_index == 2
    assert error.path == "Account/Transactions/Transaction[2]@amount"
    assert "transaction index 2" in str(error)
    if amount:
        assert amount not in str(error)


def test_version_decides_the_vocabulary(people: list[dict]) -> None:
    with pytest.raises(RebitParseError, match=r"Transaction\[1\]@mode") as caught:
        parse_deposit(_xml(_with(_account(people, version="1.1"), 1, mode="NEFT")))
    assert caught.value.txn_index == 1
    v1_summary_in_v2 = _account(people, version="2.0")
    v1_summary_in_v2["Summary"] = _account(people, version="1.1")["Summary"]
    with pytest.raises(RebitParseError, match="Account/Summary@facility: must be one of"):
        parse_deposit(_xml(v1_summary_in_v2))
    del v1_summary_in_v2["Summary"]["facility"]
    with pytest.raises(RebitParseError, match="Account/Summary@accountSubType: is required"):
        parse_deposit(_xml(v1_summary_in_v2))


@pytest.mark.parametrize("version", ["3.0", "0.9", "x"])
def test_unknown_version_is_refused(people: list[dict], version: str) -> None:
    with pytest.raises(UnsupportedRebitVersion, match="Account@version"):
        parse_deposit(_xml(_account(people, version=version)))


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE Account [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<Account xmlns="http://api.rebit.org.in/FISchema/deposit" type="deposit" maskedAccNumber="&d;"
 version="1.1" linkedAccRef=""/>"""


def test_billion_laughs_is_refused() -> None:
    with pytest.raises(RebitParseError, match="DTDs, entities and external references"):
        parse_deposit(BILLION_LAUGHS)


def test_external_entity_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    document = (f'<?xml version="1.0"?><!DOCTYPE Account [<!ENTITY x SYSTEM "file://{secret}">]>'
                f'<Account xmlns="{DEPOSIT_NAMESPACE}" type="deposit" maskedAccNumber="&x;" '
                'version="1.1" linkedAccRef=""/>')
    with pytest.raises(RebitParseError) as caught:
        parse_deposit(document)
    assert "TOP-SECRET" not in str(caught.value)


@pytest.mark.parametrize(("document", "match"), [
    ("plain text", "neither XML nor JSON"),
    ("<Account", "not well-formed XML"),
    ('<Account xmlns="http://api.rebit.org.in/FISchema/term_deposit"/>', "root must be Account"),
    ('{"Account": [1]}', "must be a JSON object"),
    ('{"type": "deposit"', "not valid JSON"),
    (b'{"type": "d\xe9posit"}', "must be UTF-8"),
    (b'<?xml version="1.0" encoding="UTF-8"?><Account type="d\xe9posit"/>', "not well-formed"),
    ('{"type": "term_deposit", "maskedAccNumber": "", "version": "1.1", "linkedAccRef": ""}',
     "Account@type"),
])
def test_malformed_documents_are_refused(document: str | bytes, match: str) -> None:
    with pytest.raises(RebitParseError, match=match):
        parse_deposit(document)


def test_xml_declared_encoding_is_honoured(people: list[dict]) -> None:
    account = _account(people[:1], version="1.1")
    account["Summary"]["branch"] = "Pune Café"
    latin1 = tostring(_element("Account", account), encoding="iso-8859-1")
    assert b"Caf\xe9" in latin1
    assert parse_deposit(latin1).summary.branch == "Pune Café"


def test_timestamp_without_offset_is_ist(people: list[dict]) -> None:
    account = _with(_account(people, version="2.0.0"), 0,
                    transactionTimestamp="2026-01-01T11:00:00.000",
                    valueDate="2026-01-01T11:00:00.000Z")
    txn = parse_deposit(_xml(account)).transactions[0]
    assert txn.transaction_timestamp == datetime(2026, 1, 1, 11, tzinfo=IST)
    assert txn.value_date == date(2026, 1, 1)


def test_repr_hides_personal_data(people: list[dict]) -> None:
    text = repr(parse_deposit(_xml(_account(people, version="1.1"))))
    for value in (people[0]["name"], people[0]["pan"], people[0]["mobile"], "UPI/4000"):
        assert value not in text


def test_to_arrow_one_row_per_transaction_tagged_with_the_consent(people: list[dict]) -> None:
    first = parse_deposit(_xml(_account(people, version="1.1")))
    second = parse_deposit(_json(_account(people, version="2.0.0", amounts=("7.25",))))
    deadline = datetime(2026, 7, 1, 5, 30, tzinfo=IST)
    table = to_arrow([first, second], consent_id="c-1", purpose_code="103",
                     data_life_until=deadline, fip_id="FIP-SANDBOX")
    assert table.schema == DEPOSIT_TRANSACTION_SCHEMA
    assert table.schema.field("amount").type == pa.decimal128(18, 2)
    assert table.num_rows == 4
    assert set(table.column("consent_id").to_pylist()) == {"c-1"}
    assert set(table.column("purpose_code").to_pylist()) == {"103"}
    assert table.column("data_life_until")[0].as_py() == datetime(2026, 7, 1, tzinfo=UTC)
    assert table.column("schema_version").to_pylist() == ["1.1"] * 3 + ["2.0.0"]
    assert table.column("amount").to_pylist() == [Decimal("100.50"), Decimal("0.10"),
                                                  Decimal("0.20"), Decimal("7.25")]
    assert pa.compute.sum(table.column("amount")).as_py() == Decimal("108.05")
    assert table.column("transaction_timestamp")[0].as_py() == \
        datetime(2026, 1, 1, 4, 45, tzinfo=UTC)
    assert table.column("currency").to_pylist() == ["INR"] * 4


def test_to_arrow_needs_an_aware_deadline() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        to_arrow([], consent_id="c", purpose_code="103",
                 data_life_until=datetime.now() + timedelta(days=1), fip_id="F")


def test_statement_without_transactions(people: list[dict]) -> None:
    account = _account(people, version="1.1")
    del account["Transactions"], account["Profile"]
    statement = parse_deposit(_xml(account))
    assert isinstance(statement, DepositStatement)
    assert statement.transactions == () and statement.holders == ()

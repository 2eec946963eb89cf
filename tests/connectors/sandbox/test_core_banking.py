from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest

from connectors.core_banking.layout import FINACLE_EOD_V1
from connectors.core_banking.records import TRANSACTION_SCHEMA, parse_transaction
from connectors.sandbox.core_banking import (
    DELIMITED_MALFORMATIONS,
    generate_htd,
    write_delimited_extracts,
    write_fixed_width_extracts,
)
from connectors.sandbox.population import generate_population

START = date(2026, 1, 12)


@pytest.fixture(scope="module")
def population():
    return generate_population(150, seed=3)


@pytest.fixture(scope="module")
def htd(population):
    return generate_htd(population, start=START, days=2, transactions_per_day=80, seed=9)


def test_same_seed_same_ledger(population, htd):
    assert generate_htd(population, start=START, days=2, transactions_per_day=80,
                        seed=9).equals(htd)
    assert not generate_htd(population, start=START, days=2, transactions_per_day=80,
                            seed=10).equals(htd)
    assert htd.schema == TRANSACTION_SCHEMA


def test_every_transaction_balances_and_ids_restart_each_day(htd):
    net, dates_of = defaultdict(Decimal), defaultdict(set)
    for leg in htd.to_pylist():
        sign = 1 if leg["part_tran_type"] == "C" else -1
        net[(leg["tran_date"], leg["tran_id"])] += sign * leg["tran_amt"]
        dates_of[leg["tran_id"]].add(leg["tran_date"])
    assert set(net.values()) == {Decimal(0)}
    assert any(len(days) > 1 for days in dates_of.values())
    assert set(htd.column("tran_date").to_pylist()) == {START, date(2026, 1, 13)}
    assert max(htd.column("part_tran_srl_num").to_pylist()) == 6   # NEFT with charges


def test_accounts_and_customers_come_from_the_population(population, htd):
    accounts = dict(zip(population["account_number"], population["customer_id"], strict=True))
    customer_legs = [leg for leg in htd.to_pylist() if leg["cust_id"] is not None]
    assert len(customer_legs) > htd.num_rows / 3
    assert all(accounts[leg["foracid"]] == leg["cust_id"] for leg in customer_legs)
    vpas = set(population["vpa"])
    assert any(leg["tran_particular"].split("/")[-1] in vpas for leg in customer_legs
               if leg["tran_particular"].startswith("UPI/"))


def test_reversals_mirror_an_earlier_leg(htd):
    legs = {(r["tran_date"], r["tran_id"], r["part_tran_srl_num"]): r for r in htd.to_pylist()}
    reversals = [r for r in legs.values() if r["orig_tran_id"]]
    assert reversals and all(r["tran_sub_type"] == "BI" for r in reversals)
    originals = [legs[(r["orig_tran_date"], r["orig_tran_id"], r["orig_part_tran_srl_num"])]
                 for r in reversals]
    assert len({id(o) for o in originals}) == len(originals)     # nothing reversed twice
    assert all(o["part_tran_type"] != r["part_tran_type"] and o["tran_amt"] == r["tran_amt"]
               for o, r in zip(originals, reversals, strict=True))


def test_fixed_width_trailer_carries_the_day_totals(tmp_path, htd):
    paths = write_fixed_width_extracts(htd, tmp_path)
    assert [p.name for p in paths] == ["HTD_EOD_20260112.dat", "HTD_EOD_20260113.dat"]
    lines = paths[0].read_text().splitlines()
    assert {len(line) for line in lines} == {200}
    assert FINACLE_EOD_V1.header.cut(lines[0])["business_date"] == "12-01-2026"
    day = [r for r in htd.to_pylist() if r["tran_date"] == START]
    trailer = FINACLE_EOD_V1.trailer.cut(lines[-1])
    assert int(trailer["record_count"]) == len(day) == len(lines) - 2
    for indicator, total in (("D", "debit_total"), ("C", "credit_total")):
        assert Decimal(trailer[total]) == sum(
            (r["tran_amt"] for r in day if r["part_tran_type"] == indicator), Decimal(0))
    assert parse_transaction(FINACLE_EOD_V1.detail.cut(lines[1])) == day[0]


def test_corrupt_trailer_and_malformed_lines_are_injected_where_asked(tmp_path, htd):
    clean = write_fixed_width_extracts(htd, tmp_path / "clean")
    bad = write_fixed_width_extracts(htd, tmp_path / "bad", malformed_per_file=3)
    for good, broken in zip(clean, bad, strict=True):
        a, b = good.read_text().splitlines(), broken.read_text().splitlines()
        assert len(a) == len(b) and sum(x != y for x, y in zip(a[1:-1], b[1:-1],
                                                                strict=True)) == 3
    corrupt = write_fixed_width_extracts(htd, tmp_path / "corrupt", corrupt_trailer=[START],
                                         malformed_per_file=3)
    trailers = [[FINACLE_EOD_V1.trailer.cut(p.read_text().splitlines()[-1]) for p in paths]
                for paths in (bad, corrupt)]
    assert Decimal(trailers[1][0]["credit_total"]) - Decimal(trailers[0][0]["credit_total"]) \
        == Decimal("0.01")
    assert trailers[1][1] == trailers[0][1]
    rows = write_delimited_extracts(htd, tmp_path / "pipe", malformed_per_file=5)
    text = rows[0].read_text().splitlines()
    assert text[0].startswith("TRAN_DATE|TRAN_ID|") and len(DELIMITED_MALFORMATIONS) == 5
    assert sum(line.count("|") != text[0].count("|") for line in text) == 2

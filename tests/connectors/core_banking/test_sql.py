from collections import Counter
from datetime import date
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import pyarrow as pa
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.dialects import oracle, postgresql

from connectors.configuration import load_connector_config
from connectors.core_banking import CoreBankingSqlSource, HtdTableError
from connectors.core_banking.records import TRANSACTION_KEY
from connectors.core_banking.sql import page_query
from connectors.sandbox.core_banking import SQL_MALFORMATIONS, write_htd_table
from nijta.exceptions import ConfigError

EXAMPLE = Path(__file__).resolve().parents[3] / "connectors/examples/core_banking_sql.yaml"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def database(request, source_database):
    """An empty source database on each backend."""
    return source_database(request.param)


@pytest.fixture
def url(database, htd):
    write_htd_table(htd, database)
    return database


def _keys(table):
    return list(zip(*(table.column(k).to_pylist() for k in TRANSACTION_KEY), strict=True))


@pytest.mark.parametrize("batch_size", [1, 7, 64])
def test_keyset_pages_cover_the_table_once_in_key_order(url, htd, htd_sql, batch_size):
    keys = _keys(htd)
    # What makes the keyset hard: ids repeating across dates, several legs per id.
    assert any(n > 1 for n in Counter((k[1], k[2]) for k in keys).values())
    assert max(k[2] for k in keys) == 6
    batches = list(htd_sql(url, batch_size=batch_size).read_batches(None))
    assert [b.sequence for b in batches] == list(range(len(batches)))
    assert all(b.records.num_rows == batch_size for b in batches[:-1])
    assert all(b.start == a.end for a, b in pairwise(batches))
    assert pa.concat_tables([b.records for b in batches]).equals(htd)
    last = keys[-1]
    assert batches[-1].end == {"tran_date": last[0].isoformat(), "tran_id": last[1],
                               "part_tran_srl_num": last[2]}


def test_a_page_boundary_inside_a_transaction_and_a_day(url, htd, htd_sql):
    keys = _keys(htd)
    cut = next(i for i in range(1, len(keys)) if keys[i][1] == keys[i - 1][1]
               and keys[i][0] == keys[i - 1][0])
    cursor = {"tran_date": keys[cut - 1][0].isoformat(), "tran_id": keys[cut - 1][1],
              "part_tran_srl_num": keys[cut - 1][2]}
    rest = pa.concat_tables([b.records for b in htd_sql(url, batch_size=5).read_batches(cursor)])
    assert _keys(rest) == keys[cut:]


def test_amounts_are_exact_through_the_database(url, htd, htd_sql):
    records = pa.concat_tables([b.records for b in htd_sql(url).read_batches(None)])
    amounts = records.column("tran_amt").to_pylist()
    assert amounts == htd.column("tran_amt").to_pylist()
    assert sum(amounts, Decimal(0)) == sum(htd.column("tran_amt").to_pylist(), Decimal(0))
    assert any(a >= 1_000_000 and a % 1 for a in amounts)  # crores with paise survive


def test_malformed_rows_are_reported_by_key_and_the_cursor_moves_past(database, htd, htd_sql):
    write_htd_table(htd, database, malformed_rows=6)
    batches = list(htd_sql(database, batch_size=50).read_batches(None))
    malformed = [m for b in batches for m in b.malformed]
    assert sum(b.records.num_rows for b in batches) + len(malformed) == htd.num_rows
    assert len(malformed) == 6 and len(SQL_MALFORMATIONS) == 3
    assert {m.rule for m in malformed} == {
        "part_tran_type.indicator", "tran_amt.sign", "reversal.incomplete_reference"}
    assert all(m.position.startswith("htd (2026-01-") for m in malformed)


def test_page_query_is_portable_sql():
    columns = ["tran_date", "tran_id", "part_tran_srl_num", "tran_amt"]
    query = page_query(columns, "htd", "tbaadm", 500, None)
    after = page_query(columns, "htd", "tbaadm", 500, (date(2026, 1, 15), "M1", 2))
    pg = str(after.compile(dialect=postgresql.dialect()))
    assert "tbaadm.htd" in pg and "LIMIT" in pg
    assert "ORDER BY tbaadm.htd.tran_date, tbaadm.htd.tran_id, tbaadm.htd.part_tran_srl_num" \
        in pg
    assert "(tbaadm.htd.tran_date, " not in pg  # no row-value comparison
    assert "FETCH FIRST" in str(query.compile(dialect=oracle.dialect()))


def test_missing_table_or_column_is_a_clear_error(tmp_path, htd_sql, url):
    connector = htd_sql(url, table="dtd")
    report = connector.check()
    assert not report.ok and "'dtd' does not exist" in report.detail
    with pytest.raises(HtdTableError, match="dtd"):
        next(connector.read_batches(None))
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE thin AS SELECT tran_date, tran_id FROM htd"))
    engine.dispose()
    report = htd_sql(url, table="thin").check()
    assert not report.ok and "lacks the column(s) part_tran_srl_num" in report.detail


def test_check_reports_an_unreachable_or_unknown_database(tmp_path, htd_sql, url):
    assert htd_sql(url).check().ok
    unreachable = htd_sql(f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}").check()
    assert not unreachable.ok and "database error" in unreachable.detail
    unknown = htd_sql("nosuchdb://user:hunter2@host/db").check()
    assert not unknown.ok and "dialect" in unknown.detail and "hunter2" not in unknown.detail


def test_a_url_that_does_not_parse_fails_at_load_without_echoing_it(monkeypatch):
    with pytest.raises(ValueError) as err:
        CoreBankingSqlSource(type="core_banking_sql", url="not a url hunter2")
    assert "hunter2" not in str(err.value)
    monkeypatch.setenv("NIJTA_CBS_SQL_URL", "::hunter2::")
    with pytest.raises(ConfigError) as err:
        load_connector_config(EXAMPLE)
    assert "source.url" in str(err.value) and "hunter2" not in str(err.value)

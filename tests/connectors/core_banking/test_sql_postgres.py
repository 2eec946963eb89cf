"""HtdSqlConnector on PostgreSQL, where test_sql.py cannot reach: Finacle's schema-qualified
table, a server restart between pages, and an unreachable server."""

import pyarrow as pa
import pytest
from sqlalchemy import create_engine, text

from connectors.sandbox.core_banking import write_htd_table
from nijta.services import drop_connections

pytestmark = pytest.mark.slow  # a PostgreSQL server for the session (tests/conftest.py)


@pytest.fixture
def url(source_database, htd) -> str:
    url = source_database("postgresql")
    write_htd_table(htd, url)
    return url


def test_a_table_in_another_schema_is_read_by_its_qualified_name(url, htd, htd_sql):
    engine = create_engine(url)
    with engine.begin() as connection:  # where Finacle keeps it: TBAADM.HTD
        connection.execute(text("CREATE SCHEMA tbaadm"))
        connection.execute(text("ALTER TABLE htd SET SCHEMA tbaadm"))
    engine.dispose()
    assert "'htd' does not exist" in htd_sql(url).check().detail
    connector = htd_sql(url, table_schema="tbaadm", batch_size=100)
    assert connector.check().ok and "'tbaadm.htd'" in connector.check().detail
    batches = list(connector.read_batches(None))
    assert pa.concat_tables([b.records for b in batches]).equals(htd)
    assert {b.metadata["table"] for b in batches} == {"tbaadm.htd"}
    connector.close()


def test_a_server_restart_between_pages_does_not_fail_the_pull(url, htd, htd_sql):
    connector = htd_sql(url, batch_size=100)
    batches = []
    for batch in connector.read_batches(None):
        batches.append(batch)
        drop_connections(url)  # the pooled connection dies between pages
    assert len(batches) > 2
    assert pa.concat_tables([b.records for b in batches]).equals(htd)
    connector.close()


def test_an_unreachable_server_is_reported_without_the_password(htd_sql):
    report = htd_sql("postgresql+psycopg://nijta:hunter2@127.0.0.1:1/finacle").check()
    assert not report.ok and "database error" in report.detail
    assert "hunter2" not in report.detail

"""Incremental pull over a Finacle HTD-like table with SQLAlchemy.

The table (or view) has the columns of
:data:`connectors.core_banking.records.TRANSACTION_FIELDS`; optional ones may be absent.
The key is ``tran_date`` (DATE), ``tran_id`` (VARCHAR) and ``part_tran_srl_num`` (INTEGER).
Finacle's ``TBAADM.HTD`` holds ``acid`` rather than the account number: point ``table`` at a
view that joins it to ``GAM`` for ``foracid``.

Each batch is one keyset page, in portable SQL (sqlite in tests, a PostgreSQL or Oracle URL
unchanged; SQLAlchemy renders each dialect's ``LIMIT``/``FETCH FIRST``)::

    SELECT <columns> FROM htd
    WHERE tran_date > :d OR (tran_date = :d AND (tran_id > :t
          OR (tran_id = :t AND part_tran_srl_num > :s)))
    ORDER BY tran_date, tran_id, part_tran_srl_num
    LIMIT :batch_size

The comparison is spelled out rather than a row value ``(a, b, c) > (…)``, which Oracle and
SQL Server lack. The cursor is the key of the last row of the last batch,
``{"tran_date": "2026-01-15", "tran_id": "M0000042", "part_tran_srl_num": 2}``. Rows must
not appear below a key already read: true of HTD, which is written at end of day, not of
DTD during the day. Each page is read in its own short connection, none is held between
batches.

Usage::

    connector = HtdSqlConnector("cbs_htd", config.source)
    print(connector.check().detail)
    for batch in connector.read_batches({"tran_date": "2026-01-15", ...}):
        ...
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

import pyarrow as pa
from sqlalchemy import (
    Date,
    DateTime,
    Engine,
    Integer,
    Select,
    String,
    and_,
    column,
    create_engine,
    inspect,
    or_,
    select,
    table,
)
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, NoSuchTableError, SQLAlchemyError
from sqlalchemy.sql.elements import ColumnClause

from connectors.base import ConnectivityReport, Cursor, SourceBatch
from connectors.core_banking.configuration import CoreBankingSqlSource
from connectors.core_banking.exceptions import HtdTableError
from connectors.core_banking.records import (
    TRANSACTION_FIELDS,
    TRANSACTION_KEY,
    TRANSACTION_SCHEMA,
    TransactionRows,
)
from connectors.exceptions import SourceUnavailable

__all__ = ["HtdSqlConnector", "page_query"]

# Dates and integers are typed so each dialect binds and returns them natively; other columns
# come back as the driver gives them, amounts included (exact Decimal from PostgreSQL; sqlite
# returns floats, which records.parse_amount reads exactly).
_TYPES = {"date": Date, "timestamp": DateTime, "integer": Integer}
_KEY_TYPES = {"tran_date": Date, "tran_id": String, "part_tran_srl_num": Integer}


def page_query(columns: list[str], table_name: str, schema: str | None, batch_size: int,
               after: tuple[date, str, int] | None) -> Select[Any]:
    """The keyset page after ``after`` (``None``: the first page)."""
    kinds = {f.name: f.kind for f in TRANSACTION_FIELDS}
    htd = table(table_name, *(column(name, _KEY_TYPES.get(name) or _TYPES.get(kinds[name]))
                              for name in columns), schema=schema)
    key = [htd.c[name] for name in TRANSACTION_KEY]
    query = select(*htd.c).order_by(*key).limit(batch_size)
    return query if after is None else query.where(_after(key, after))


def _after(key: list[ColumnClause[Any]], values: tuple[date, str, int]) -> Any:
    (date_col, id_col, srl_col), (day, tran_id, srl) = key, values
    return or_(date_col > day, and_(date_col == day, or_(
        id_col > tran_id, and_(id_col == tran_id, srl_col > srl))))


class HtdSqlConnector:
    """Reads an HTD-like table page by page (``type: core_banking_sql``)."""

    def __init__(self, name: str, source: CoreBankingSqlSource) -> None:
        self.name = name
        self._source = source
        self._engine: Engine | None = None

    def schema(self) -> pa.Schema:
        return TRANSACTION_SCHEMA

    def check(self) -> ConnectivityReport:
        try:
            columns = self._columns()
        except (ArgumentError, NoSuchModuleError):
            return ConnectivityReport(self.name, False, "the SQL URL names no installed "
                                      "dialect or driver (dialect+driver://user:pw@host/db)")
        except HtdTableError as exc:
            return ConnectivityReport(self.name, False, str(exc))
        except SourceUnavailable as exc:
            return ConnectivityReport(self.name, False, str(exc))
        return ConnectivityReport(self.name, True, f"table {self._table_label()!r} has "
                                                   f"{len(columns)} transaction columns")

    def read_batches(self, cursor: Cursor | None, *, first_sequence: int = 0,
                     ) -> Iterator[SourceBatch]:
        columns = self._columns()
        after = _key(cursor)
        sequence, start = first_sequence, cursor
        while True:
            query = page_query(columns, self._source.table, self._source.table_schema,
                               self._source.batch_size, after)
            rows = self._fetch(query)
            if not rows:
                return
            batch = TransactionRows()
            for row in rows:
                batch.add(row, position=self._position(row), payload=json.dumps(
                    dict(row), default=str, sort_keys=True))
            after = (rows[-1]["tran_date"], rows[-1]["tran_id"], rows[-1]["part_tran_srl_num"])
            end = {"tran_date": after[0].isoformat(), "tran_id": after[1],
                   "part_tran_srl_num": after[2]}
            yield SourceBatch(self.name, sequence, start, end, batch.table(), batch.malformed,
                              {"table": self._table_label()})
            if len(rows) < self._source.batch_size:
                return
            sequence, start = sequence + 1, end

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def _columns(self) -> list[str]:
        """The transaction columns the table has; refuses if a required one is missing."""
        try:
            found = {c["name"].lower() for c in inspect(self._connect()).get_columns(
                self._source.table, schema=self._source.table_schema)}
        except NoSuchTableError:
            raise HtdTableError(self.name, f"table {self._table_label()!r} does not exist "
                                           f"(source.table, source.table_schema)") from None
        except SQLAlchemyError as exc:
            raise self._unavailable(exc) from exc
        missing = [f.name for f in TRANSACTION_FIELDS if f.required and f.name not in found]
        if missing:
            raise HtdTableError(self.name, f"table {self._table_label()!r} lacks the "
                                           f"column(s) {', '.join(missing)}")
        return [f.name for f in TRANSACTION_FIELDS if f.name in found]

    def _fetch(self, query: Select[Any]) -> list[Mapping[str, Any]]:
        try:
            with self._connect().connect() as connection:
                return list(connection.execute(query).mappings().all())
        except SQLAlchemyError as exc:
            raise self._unavailable(exc) from exc

    def _connect(self) -> Engine:
        if self._engine is None:
            # Pooled connections outlive a batch; the ping replaces one a server restart or
            # failover killed rather than failing the next page.
            self._engine = create_engine(self._source.url.get_secret_value(),
                                         pool_pre_ping=True)
        return self._engine

    def _unavailable(self, exc: SQLAlchemyError) -> SourceUnavailable:
        # The driver's own message, not SQLAlchemy's, which may repeat the statement.
        cause = getattr(exc, "orig", None) or exc
        first_line = str(cause).splitlines()[0] if str(cause) else type(cause).__name__
        return SourceUnavailable(self.name, f"database error reading "
                                            f"{self._table_label()!r}: {first_line}")

    def _table_label(self) -> str:
        schema = self._source.table_schema
        return f"{schema}.{self._source.table}" if schema else self._source.table

    def _position(self, row: Mapping[str, Any]) -> str:
        return (f"{self._table_label()} ({row['tran_date']}, {row['tran_id']}, "
                f"{row['part_tran_srl_num']})")


def _key(cursor: Cursor | None) -> tuple[date, str, int] | None:
    if not cursor:
        return None
    return (date.fromisoformat(cursor["tran_date"]), cursor["tran_id"],
            int(cursor["part_tran_srl_num"]))

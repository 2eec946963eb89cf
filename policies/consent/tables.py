"""The consent registry's tables, in portable SQLAlchemy types.

The same schema runs on sqlite (a file, or in memory for tests) and PostgreSQL: strings,
booleans, integers, JSON lists and UTC timestamps stored without a zone (every value is
converted to UTC on the way in and marked UTC on the way out, so both engines compare and sort
them alike). ``consent_events`` is append-only: the registry only ever inserts into it.

Usage::

    metadata.create_all(engine)
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)

__all__ = ["UtcDateTime", "artefacts", "events", "metadata"]


class UtcDateTime(TypeDecorator[datetime]):
    """An aware datetime, stored as naive UTC; naive values are refused."""

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("consent times must be timezone-aware")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


metadata = MetaData()

artefacts = Table(
    "consent_artefacts", metadata,
    Column("consent_id", String(128), primary_key=True),
    Column("principal", String(64), nullable=False, index=True),
    Column("purposes", JSON, nullable=False),
    Column("categories", JSON, nullable=False),
    Column("start", UtcDateTime, nullable=False),
    Column("expiry", UtcDateTime, nullable=False, index=True),
    Column("data_life_deadline", UtcDateTime),
    Column("data_life_microseconds", BigInteger),
    Column("data_life_until", UtcDateTime, index=True),
    Column("status", String(16), nullable=False, index=True),
    Column("status_changed_at", UtcDateTime, nullable=False),
    Column("source_kind", String(32), nullable=False),
    Column("source_reference", String(128)),
    Column("principal_is_child", Boolean, nullable=False),
    Column("verifiable_parental_consent", Boolean, nullable=False),
)

events = Table(
    "consent_events", metadata,
    # sqlite numbers rows only for an INTEGER PRIMARY KEY; PostgreSQL gets a bigint identity.
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
           autoincrement=True),
    Column("consent_id", String(128), ForeignKey("consent_artefacts.consent_id"),
           nullable=False, index=True),
    Column("principal", String(64), nullable=False, index=True),
    Column("from_status", String(16)),
    Column("to_status", String(16), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("reason", Text, nullable=False),
    Column("actor", String(128), nullable=False),
)

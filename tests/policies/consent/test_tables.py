"""The registry's schema is portable: PostgreSQL DDL from the same tables, UTC round trips."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, create_mock_engine, insert, select
from sqlalchemy.dialects import postgresql

from policies.consent.tables import UtcDateTime, artefacts, events, metadata


def test_the_tables_compile_for_postgresql():
    statements: list[str] = []
    engine = create_mock_engine(
        "postgresql+psycopg://", lambda sql, *a, **k: statements.append(
            str(sql.compile(dialect=postgresql.dialect()))))
    metadata.create_all(engine, checkfirst=False)
    ddl = "\n".join(statements)
    assert "CREATE TABLE consent_artefacts" in ddl and "CREATE TABLE consent_events" in ddl
    assert "TIMESTAMP WITHOUT TIME ZONE" in ddl and "JSON" in ddl
    assert "id BIGSERIAL" in ddl  # a real sequence, where sqlite uses INTEGER PRIMARY KEY


def test_times_round_trip_as_utc_and_naive_times_are_refused():
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    ist = timezone(timedelta(hours=5, minutes=30))
    at = datetime(2026, 3, 1, 10, 0, tzinfo=ist)
    row = {"consent_id": "c-1", "principal": "tok_" + "0" * 32, "from_status": None,
           "to_status": "ACTIVE", "reason": "recorded", "actor": "system"}
    with engine.begin() as conn:
        conn.execute(insert(events).values(at=at, **row))
        stored = conn.execute(select(events.c.at)).scalar_one()
    assert stored == at and stored.tzinfo is UTC
    with pytest.raises(Exception, match="timezone-aware"), engine.begin() as conn:
        conn.execute(insert(events).values(at=datetime(2026, 3, 1), **row))
    assert isinstance(artefacts.c.start.type, UtcDateTime)

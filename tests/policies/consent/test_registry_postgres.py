"""ConsentRegistry on PostgreSQL, where test_registry.py cannot reach: row locks between two
registries, a session time zone other than UTC, a restarted server and an unreachable one."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

from nijta.services import create_database, drop_connections
from policies.consent import ConsentError, ConsentRegistry, ConsentStatus, ConsentStoreError

pytestmark = pytest.mark.slow  # a PostgreSQL server for the session (tests/conftest.py)

T0 = datetime(2026, 1, 1, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.fixture
def url(postgres_url) -> str:
    return create_database(postgres_url)


def test_two_registries_changing_one_consent_at_once_leave_one_event(url, artefact):
    """SELECT … FOR UPDATE serialises them: the second sees REVOKED, which is final."""
    first, second = ConsentRegistry(url), ConsentRegistry(url)
    first.record(artefact(), at=T0)
    ready, outcomes = threading.Barrier(2), []

    def revoke(registry: ConsentRegistry, actor: str) -> None:
        ready.wait()
        try:
            registry.set_status("c-1", ConsentStatus.REVOKED, at=T0 + DAY, reason="withdrawn",
                                actor=actor)
            outcomes.append(actor)
        except ConsentError as exc:
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=revoke, args=(r, f"app-{n}"))
               for n, r in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    [winner] = [o for o in outcomes if o.startswith("app-")]
    assert [o for o in outcomes if o != winner] == ["IllegalTransition"]
    assert [(e.to_status, e.actor) for e in second.events("c-1")] == [
        (ConsentStatus.ACTIVE, "system"), (ConsentStatus.REVOKED, winner)]
    first.close()
    second.close()


def test_times_do_not_depend_on_the_session_time_zone(url, artefact):
    kolkata = ConsentRegistry(f"{url}?options={quote('-c timezone=Asia/Kolkata')}")
    consent = artefact(data_life=T0 + 5 * DAY)
    kolkata.record(consent, at=T0)
    assert kolkata.get("c-1") == consent
    assert kolkata.lapsed(T0 + 5 * DAY) == [] and len(kolkata.lapsed(T0 + 6 * DAY)) == 1
    kolkata.close()
    engine = create_engine(url)
    with engine.connect() as connection:  # stored as naive UTC, whatever the writer's zone
        stored = connection.execute(text("SELECT start FROM consent_artefacts")).scalar()
    engine.dispose()
    assert stored == T0.replace(tzinfo=None)


def test_a_server_restart_does_not_fail_the_next_call(url, artefact):
    registry = ConsentRegistry(url)
    registry.record(artefact())
    assert drop_connections(url) == 1
    assert registry.get("c-1").status is ConsentStatus.ACTIVE
    registry.close()


def test_an_unreachable_server_is_a_store_error_without_the_password():
    with pytest.raises(ConsentStoreError, match="cannot create the consent tables") as caught:
        ConsentRegistry("postgresql+psycopg://nijta:hunter2@127.0.0.1:1/consents")
    assert "hunter2" not in str(caught.value) and "***" in str(caught.value)

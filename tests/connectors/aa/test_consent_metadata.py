"""The consent facts an AA batch carries for the registry, and where its raw customer sits."""

from __future__ import annotations

import json
from contextlib import closing
from datetime import UTC, datetime, timedelta

import pytest

from connectors.aa.client import ConsentArtefact
from connectors.aa.connector import (
    CONSENT_KEY,
    FOREVER,
    RAW_CUSTOMER_KEY,
    AaConnector,
    data_life_end,
)


def _artefact(customer: dict) -> ConsentArtefact:
    return ConsentArtefact(consent_id="c-1", customer=customer["id"], status="ACTIVE",
                           created=datetime.now(UTC), signed_consent="h.p.s",
                           detail={"Customer": customer})


def test_batches_carry_the_signed_consent_and_the_raw_customer_only_under_its_key(
        aa_world, population):
    world = aa_world(customers=("C000003",))
    started = datetime.now(UTC)
    with closing(AaConnector("aa_deposits", world.source)) as connector:
        world.register(connector.notification_url)
        batches = list(connector.read_batches(None))
    assert len(batches) == len(world.source.fetch_windows()) > 1
    handle, mobile = world.source.customers[0], population.iloc[2]["mobile"]
    for batch in batches:
        signed = world.sandbox.consent_detail(batch.metadata["consent_id"])
        facts = batch.metadata[CONSENT_KEY]
        assert facts == {
            "consent_id": batch.metadata["consent_id"], "purpose_code": "103",
            "fi_types": signed["fiTypes"], "start": signed["consentStart"],
            "expiry": signed["consentExpiry"], "data_life": signed["DataLife"]}
        assert facts["fi_types"] == ["DEPOSIT"] and facts["data_life"] == {"unit": "MONTH",
                                                                            "value": 6}
        start = datetime.fromisoformat(facts["start"])
        assert started - timedelta(seconds=5) <= start <= datetime.now(UTC)
        assert datetime.fromisoformat(facts["expiry"]) - start == timedelta(days=365)
        assert batch.metadata[RAW_CUSTOMER_KEY] == {"handle": handle, "mobile": f"91{mobile}"}
        rest = json.dumps({k: v for k, v in batch.metadata.items() if k != RAW_CUSTOMER_KEY})
        assert handle not in rest and mobile not in rest and "C000003" not in rest


def test_customer_mobile_prefers_the_verified_identifier_then_a_mobile_handle():
    assert _artefact({"id": "C000001@aa", "Identifiers": [
        {"type": "EMAIL", "value": "x@example.com"},
        {"type": "MOBILE", "value": "919845012763"}]}).customer_mobile == "919845012763"
    assert _artefact({"id": "9845012763@aa"}).customer_mobile == "9845012763"
    assert _artefact({"id": "C000001@aa"}).customer_mobile is None
    assert _artefact({"id": "12345@aa", "Identifiers": [
        {"type": "MOBILE", "value": "12345"}]}).customer_mobile is None  # not a mobile


@pytest.mark.parametrize(("data_life", "since", "until"), [
    (("DAY", 30), datetime(2026, 1, 31, tzinfo=UTC), datetime(2026, 3, 2, tzinfo=UTC)),
    (("MONTH", 1), datetime(2026, 1, 31, tzinfo=UTC), datetime(2026, 2, 28, tzinfo=UTC)),
    (("YEAR", 1), datetime(2028, 2, 29, tzinfo=UTC), datetime(2029, 2, 28, tzinfo=UTC)),
    (("INF", 0), datetime(2026, 1, 1, tzinfo=UTC), FOREVER),
], ids=["days", "month-end-clipped", "leap-day", "inf"])
def test_data_life_end_counts_calendar_months(data_life, since, until):
    assert data_life_end(data_life, since) == until

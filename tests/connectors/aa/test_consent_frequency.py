"""A consent's Frequency (value per unit) bounds its FI requests: the AA refuses one more with
400 InvalidConsentUse and the FIU raises ConsentUseExceeded at once, naming the consent, the
frequency and the rule."""

from __future__ import annotations

from contextlib import closing

import pytest

from connectors.aa.client import CONSENT_USE_EXCEEDED, FiuClient
from connectors.aa.connector import AaConnector
from connectors.aa.exceptions import ConsentUseExceeded
from connectors.exceptions import SourceRequestError


def _world(aa_world, frequency: dict, **source):
    world = aa_world(source={"consent": {"frequency": frequency}, **source})
    world.register(None)
    return world


def test_one_request_over_the_frequency_is_refused_and_not_retried(aa_world):
    world = _world(aa_world, {"unit": "HOUR", "value": 2}, poll_interval_s=0.05)
    with FiuClient("aa", world.source) as fiu:
        artefact = world.consented(fiu, world.source.customers[0])
        assert artefact.frequency == ("HOUR", 2)
        window = world.source.fetch_windows()[0]
        for _ in range(2):
            fiu.request_fi(artefact, *window)
        with pytest.raises(ConsentUseExceeded) as err:
            fiu.request_fi(artefact, *window)
        refusal = err.value
        message = str(refusal)
        assert refusal.consent_id == artefact.consent_id and artefact.consent_id in message
        assert "allows 2 FI request(s) per HOUR" in message and "fetch_window_days" in message
        assert (refusal.status, refusal.error_code) == (400, CONSENT_USE_EXCEEDED)
        # refused requests do not count: still refused, and the artefact's use count is 2
        with pytest.raises(ConsentUseExceeded):
            fiu.request_fi(artefact, *window)
        assert world.sandbox.consent_artefact(
            "nijta-fiu", {"consentId": artefact.consent_id, "txnid": "t"}
        )["ConsentUse"]["count"] == 2


def test_the_limit_is_per_consent(aa_world):
    world = _world(aa_world, {"unit": "DAY", "value": 1})
    with FiuClient("aa", world.source) as fiu:
        customer = world.source.customers[0]
        first, second = world.consented(fiu, customer), world.consented(fiu, customer)
        window = world.source.fetch_windows()[0]
        fiu.request_fi(first, *window)
        fiu.request_fi(second, *window)  # another consent has its own budget
        with pytest.raises(ConsentUseExceeded, match=first.consent_id):
            fiu.request_fi(first, *window)


def test_other_fi_request_refusals_stay_source_errors(aa_world):
    """Only InvalidConsentUse becomes ConsentUseExceeded; e.g. InvalidDateRange does not."""
    world = _world(aa_world, {"unit": "DAY", "value": 5})
    with FiuClient("aa", world.source) as fiu:
        artefact = world.consented(fiu, world.source.customers[0])
        start, end = world.source.fetch_windows()[0]
        with pytest.raises(SourceRequestError, match="answered 400 InvalidDateRange") as err:
            fiu.request_fi(artefact, end, start)
    assert err.value.error_code == "InvalidDateRange"


def test_the_connector_stops_with_the_consent_error(aa_world):
    # two fetch windows (Jan..Mar in 30 days each), one FI request a day allowed
    world = aa_world(source={"consent": {"frequency": {"unit": "DAY", "value": 1}}})
    assert len(world.source.fetch_windows()) == 2
    with closing(AaConnector("aa_deposits", world.source)) as connector:
        world.register(connector.notification_url)
        batches = connector.read_batches(None)
        first = next(batches)
        with pytest.raises(ConsentUseExceeded, match=r"allows 1 FI request\(s\) per DAY"):
            next(batches)
    assert world.sandbox.consent_detail(first.metadata["consent_id"])["Frequency"] == {
        "unit": "DAY", "value": 1}

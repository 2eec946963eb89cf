"""ConsentArtefact: what a valid consent is, and where its DataLife ends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from connectors.sandbox.population import generate_population
from policies.consent import ConsentSource

T0 = datetime(2026, 1, 1, tzinfo=UTC)
DAY = timedelta(days=1)


def test_a_duration_data_life_runs_from_expiry_and_a_deadline_is_kept(artefact):
    assert artefact(data_life=30 * DAY).data_life_until == T0 + 120 * DAY
    assert artefact(data_life=T0 + 10 * DAY).data_life_until == T0 + 10 * DAY
    assert artefact(data_life=None).data_life_until is None


def test_times_are_held_in_utc(artefact):
    ist = timezone(timedelta(hours=5, minutes=30))
    consent = artefact(start=datetime(2026, 1, 1, 5, 30, tzinfo=ist))
    assert consent.start == T0 and consent.start.utcoffset() == timedelta(0)


@pytest.mark.parametrize("overrides", [
    {"start": datetime(2026, 1, 1)},
    {"expiry": T0},
    {"data_life": -DAY},
    {"purposes": ()},
    {"categories": ("financial data",)},
    {"source": {"kind": "aa"}},
], ids=["naive-start", "expiry-not-after-start", "negative-data-life", "no-purpose",
        "category-with-space", "aa-without-its-consent-id"])
def test_invalid_consents_are_refused(artefact, overrides):
    with pytest.raises(ValidationError):
        artefact(**overrides)


def test_a_raw_identifier_as_principal_is_refused_without_echoing_it(artefact):
    mobile = str(generate_population(3, seed=11)["mobile"][0])
    with pytest.raises(ValidationError) as caught:
        artefact(principal=mobile)
    assert "never a raw identifier" in str(caught.value)
    assert mobile not in str(caught.value)


def test_repeated_purposes_and_categories_collapse(artefact):
    consent = artefact(purposes=("a", "b", "a"), categories=("x", "x"))
    assert (consent.purposes, consent.categories) == (("a", "b"), ("x",))


def test_an_app_consent_needs_no_reference(artefact):
    assert artefact(source=ConsentSource(kind="app_consent_manager")).source.reference is None

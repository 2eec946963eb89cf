"""AppEvent keeps telemetry coarse and tokenized: raw identifiers and precise places are refused
with the field and a rule id, never the value."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from ingest.telemetry.events import APP_EVENT_SCHEMA, AppEvent, event_errors, events_table


def refusal(event: dict[str, Any]) -> tuple[set[str], set[str], str]:
    with pytest.raises(ValidationError) as caught:
        AppEvent.model_validate(event)
    errors = event_errors(caught.value)
    text = " ".join(f"{e.field} {e.rule} {e.reason}" for e in errors)
    return {e.field for e in errors}, {e.rule for e in errors}, text


def test_a_valid_event_becomes_one_flat_row(app_event) -> None:
    event = AppEvent.model_validate(app_event(4, ts="2026-03-01T15:00:00+05:30"))
    table = events_table([event])
    assert table.schema == APP_EVENT_SCHEMA
    row = table.to_pylist()[0]
    assert row["ts"].isoformat() == "2026-03-01T09:30:00+00:00"
    assert (row["device_model"], row["geohash"], row["age_band"]) == (
        "Redmi Note 13", "tdr1v", "25_34")


@pytest.mark.parametrize("raw", ["9845012763", "+919845012763", "ravi.kumar@okhdfcbank",
                                 "ravi.kumar@example.com", "234123412346", "4111111111111111"])
def test_raw_identifiers_are_refused_as_principal(app_event, raw: str) -> None:
    fields, rules, text = refusal(app_event(principal=raw))
    assert fields == {"principal"}
    assert rules == {"telemetry.principal.token_only"}
    assert raw not in text


@pytest.mark.parametrize("location, key", [
    ({"geohash": "tdr1v9"}, "location.geohash"),
    ({"lat": 12.9716, "lon": 77.5946}, "location"),
    ({"city": "Bengaluru", "pincode": "560001"}, "location"),
])
def test_precise_locations_are_refused(app_event, location: dict[str, Any], key: str) -> None:
    fields, rules, text = refusal(app_event(location=location))
    assert fields == {key}
    assert rules == {"telemetry.location.coarse_only"}
    assert "12.9716" not in text and "560001" not in text and "tdr1v9" not in text


def test_identifying_device_fields_are_refused(app_event) -> None:
    device = {**app_event()["device"], "device_id": "a1b2c3d4e5f6a7b8"}
    fields, rules, text = refusal(app_event(device=device, ip_address="10.1.2.3"))
    assert fields == {"device.device_id", "ip_address"}
    assert rules == {"telemetry.event.extra_forbidden"}
    assert "a1b2c3d4e5f6a7b8" not in text and "10.1.2.3" not in text


@pytest.mark.parametrize("overrides, rule", [
    ({"age_band": None}, "telemetry.age.missing"),
    ({"age_band": "18_24", "is_minor": True}, "telemetry.age.inconsistent"),
    ({"age_band": "under_18", "is_minor": False}, "telemetry.age.inconsistent"),
    ({"screen": None}, "telemetry.event.screen_missing"),
    ({"ts": "2026-03-01T09:30:00"}, "telemetry.event.timezone_aware"),
    ({"event_type": "purchase"}, "telemetry.event.literal_error"),
])
def test_incomplete_or_contradictory_events_are_refused(app_event, overrides: dict[str, Any],
                                                         rule: str) -> None:
    _, rules, _ = refusal(app_event(**overrides))
    assert rules == {rule}


def test_a_child_flag_alone_is_enough(app_event) -> None:
    event = AppEvent.model_validate(app_event(age_band=None, is_minor=True))
    assert events_table([event]).column("is_minor").to_pylist() == [True]

"""Children's events never stay in the behavioural output, and every one of them is counted."""

from __future__ import annotations

from ingest.telemetry.events import AppEvent, events_table
from ingest.telemetry.minors import CHILDREN_RULE, withhold_children


def test_children_are_withheld_and_counted(app_event) -> None:
    flags = [("25_34", None), ("under_18", None), (None, True), ("under_18", True),
             (None, False), ("65_plus", False)]
    events = [AppEvent.model_validate(app_event(i, age_band=band, is_minor=minor))
              for i, (band, minor) in enumerate(flags)]
    kept = withhold_children(events_table(events))
    assert kept.events.column("event_id").to_pylist() == [
        events[0].event_id, events[4].event_id, events[5].event_id]
    assert kept.withheld == 3
    assert kept.counts == {CHILDREN_RULE: 3} == {"dpdp.s9.children.no_tracking": 3}


def test_adults_only_pass_unchanged(app_event) -> None:
    table = events_table([AppEvent.model_validate(app_event(i)) for i in range(4)])
    kept = withhold_children(table)
    assert kept.events.equals(table)
    assert (kept.withheld, kept.counts) == (0, {})

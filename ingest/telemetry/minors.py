"""Children's telemetry is not kept: DPDP Act 2023, section 9(3).

A data fiduciary "shall not undertake tracking or behavioural monitoring of children" (under
18), so app events of a child never reach the behavioural tables. The rule id is
``dpdp.s9.children.no_tracking``. An event is a child's when its ``is_minor`` is true or its
``age_band`` is ``under_18`` (``AppEvent`` refuses events that carry neither, and events where
the two disagree). Withheld events are counted, never silently lost: the collector reports
them per request and the reader per batch (``SourceBatch.metadata["withheld"]``).

Usage::

    kept = withhold_children(table)
    kept.events            # adults' events only
    kept.counts            # {"dpdp.s9.children.no_tracking": 3}
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["CHILDREN_RULE", "ChildrenWithheld", "children_mask", "withhold_children"]

CHILDREN_RULE = "dpdp.s9.children.no_tracking"


@dataclass(frozen=True)
class ChildrenWithheld:
    """The events that may be kept, and how many children's events were not."""

    events: pa.Table
    withheld: int

    @property
    def counts(self) -> dict[str, int]:
        """``{rule id: count}``, empty when nothing was withheld."""
        return {CHILDREN_RULE: self.withheld} if self.withheld else {}


def children_mask(events: pa.Table) -> pa.ChunkedArray:
    """True for each row that is a child's event (``is_minor`` or ``age_band == under_18``)."""
    minor = pc.fill_null(pc.equal(events["is_minor"], True), False)
    under_18 = pc.fill_null(pc.equal(events["age_band"], "under_18"), False)
    return pc.or_(minor, under_18)


def withhold_children(events: pa.Table) -> ChildrenWithheld:
    """Drop children's events from ``events`` (an ``APP_EVENT_SCHEMA`` table) and count them."""
    mask = children_mask(events)
    withheld = pc.sum(mask).as_py() or 0
    kept = events.filter(pc.invert(mask)) if withheld else events
    return ChildrenWithheld(events=kept, withheld=withheld)

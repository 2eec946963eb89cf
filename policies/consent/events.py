"""Consent events: every status change of a consent, kept forever.

The registry appends one event when a consent is recorded and one per status change, and
never updates or deletes one: the events are the consent's history, and what erasure and the
audit log react to.

Usage::

    registry.subscribe(lambda event: audit.append("consent_event", event.audit_payload()))
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from policies.consent.artefacts import ConsentStatus

__all__ = ["RECORDED", "ConsentEvent"]

RECORDED = "recorded"
"""The reason of the event that :meth:`ConsentRegistry.record` appends."""


@dataclass(frozen=True)
class ConsentEvent:
    """One status change of one consent."""

    id: int
    """Position in the registry's event table: increasing in commit order."""
    consent_id: str
    principal: str
    """The principal's token."""
    from_status: ConsentStatus | None
    """``None`` when the consent was first recorded."""
    to_status: ConsentStatus
    at: datetime
    """When the change took effect (UTC), as the caller stated it."""
    reason: str
    actor: str

    def audit_payload(self) -> dict[str, Any]:
        """The event as an audit log payload (tokens and codes only)."""
        return {"event_id": self.id, "consent_id": self.consent_id,
                "principal": self.principal,
                "from": None if self.from_status is None else self.from_status.value,
                "to": self.to_status.value, "at": self.at.isoformat(),
                "reason": self.reason, "actor": self.actor}

"""Consent withdrawal and expiry trigger erasure (DPDP s.6(6), s.8(7)).

When a consent goes REVOKED or EXPIRED and it was the principal's only basis — some of its
purposes are covered by no other consent still in force (the registry's own rule,
:func:`policies.consent.checks.lapse`) — the principal is erased everywhere, with the rule
that made it due. A principal with another consent in force for the same purposes keeps
their data.

Two ways in, for the same reaction: :meth:`ConsentWithdrawal.attach` subscribes to the
registry so a status change erases as it commits; :meth:`ConsentWithdrawal.process_lapsed`
sweeps :meth:`ConsentRegistry.lapsed` (a listener that failed, a DataLife that ran out with
no event, a process that was not running). Both are idempotent: erasing twice deletes nothing
the second time.

Usage::

    withdrawal = ConsentWithdrawal(registry, eraser)
    withdrawal.attach()
    registry.set_status("c-1", ConsentStatus.REVOKED, at=now, reason="withdrawn in app")
    withdrawal.erased                              # [ErasureReport(principal="tok_…", …)]
    withdrawal.process_lapsed(now)                 # the sweep, e.g. daily
"""

from __future__ import annotations

from datetime import datetime

from policies.consent.artefacts import FINAL_STATUSES, ConsentStatus
from policies.consent.checks import lapse
from policies.consent.events import ConsentEvent
from policies.consent.registry import ConsentRegistry
from policies.decisions import Rule
from policies.erasure.principal import Eraser, ErasureReport

__all__ = ["ConsentWithdrawal", "lapse_rule"]

_RULES = {ConsentStatus.REVOKED: Rule.CONSENT_WITHDRAWN, ConsentStatus.EXPIRED:
          Rule.CONSENT_EXPIRED}


def lapse_rule(status: ConsentStatus) -> str:
    """The rule that makes data due when a consent lapsed with ``status``."""
    return _RULES.get(status, Rule.DATALIFE_ELAPSED).value


class ConsentWithdrawal:
    """Erases a principal when the consent that was their only basis lapses."""

    def __init__(self, registry: ConsentRegistry, eraser: Eraser) -> None:
        self._registry = registry
        self._eraser = eraser
        self._erasing: set[str] = set()
        self.erased: list[ErasureReport] = []
        """Every erasure this object ran, in order."""

    def attach(self) -> None:
        """React to the registry's status changes from now on."""
        self._registry.subscribe(self.on_event)

    def on_event(self, event: ConsentEvent) -> ErasureReport | None:
        """Erase the event's principal if it ended their only basis; else ``None``."""
        if event.to_status not in FINAL_STATUSES or event.principal in self._erasing:
            return None  # the erasure's own revocations of other consents come back here
        consent = self._registry.get(event.consent_id)
        lapsed = lapse(consent, event.at, event.at,
                       self._registry.for_principal(event.principal))
        if lapsed is None or not lapsed.sole_basis:
            return None
        return self._erase(event.principal, event.consent_id, lapse_rule(event.to_status))

    def process_lapsed(self, now: datetime, *,
                       since: datetime | None = None) -> list[ErasureReport]:
        """Erase every principal whose only basis has lapsed by ``now`` (with ``since``: at or
        after it, so a daily sweep does not redo earlier days); one erasure each."""
        done: set[str] = set()
        reports = []
        for lapsed in self._registry.lapsed(now, since=since):
            if lapsed.sole_basis and lapsed.principal not in done:
                done.add(lapsed.principal)
                reports.append(self._erase(lapsed.principal, lapsed.consent_id,
                                           lapse_rule(lapsed.status)))
        return reports

    def _erase(self, principal: str, consent_id: str, rule: str) -> ErasureReport:
        self._erasing.add(principal)
        try:
            report = self._eraser.erase(
                principal, rule=rule,
                reason=f"consent {consent_id}, the only basis for the data, has lapsed")
        finally:
            self._erasing.discard(principal)
        self.erased.append(report)
        return report

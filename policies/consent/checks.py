"""What the consents of one principal allow: the answers the registry gives.

These are pure functions over artefacts, so the rules read in one place and are the same
whatever database holds the artefacts.

A check looks at the principal's consents that name the purpose. One that allows the request
wins; otherwise the newest of them (latest start) says why not, with the rule that denied:

============================================  ==============================================
rule                                          when
============================================  ==============================================
``consent.active``                            allowed
``consent.none``                              no consent of the principal names the purpose
``consent.revoked`` / ``consent.paused``      the consent's status
``consent.expired``                           status EXPIRED, or ``at`` is at/after expiry
``consent.not_started``                       ``at`` is before the consent's start
``consent.outside_data_life``                 ``at`` is after ``data_life_until``
``consent.category_not_covered``              a requested category is not in the consent
``consent.child_without_parental_consent``    a child's consent without verifiable parental
                                              consent (DPDP s.9(1))
============================================  ==============================================

Usage::

    check = check_consents(artefacts, "credit_underwriting", {"financial"}, at=now)
    check.permitted, check.rule          # False, 'consent.revoked'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from policies.consent.artefacts import FINAL_STATUSES, ConsentArtefact, ConsentStatus

__all__ = ["ConsentCheck", "LapsedConsent", "PrincipalProfile", "check_consents",
           "in_force", "lapse", "profile_of"]


@dataclass(frozen=True)
class ConsentCheck:
    """The answer to "may this principal's data be processed for this purpose now?"."""

    permitted: bool
    consent_id: str | None
    """The consent that allowed it, or the one whose state denied it."""
    rule: str
    reason: str


@dataclass(frozen=True)
class PrincipalProfile:
    """What the consents say about the principal (from the newest consent)."""

    is_child: bool
    verifiable_parental_consent: bool


@dataclass(frozen=True)
class LapsedConsent:
    """A consent that no longer allows keeping its data."""

    consent_id: str
    principal: str
    purposes: tuple[str, ...]
    status: ConsentStatus
    """REVOKED or EXPIRED (past its expiry counts, even before the status is stored), or the
    stored status when only its DataLife has run out."""
    lapsed_at: datetime
    sole_basis: bool
    """No other consent of the principal in force (ACTIVE or PAUSED, within its window) names
    one of ``uncovered_purposes``: data held for them has no consent left."""
    uncovered_purposes: tuple[str, ...]
    """The purposes of this consent that no other consent in force covers."""


def _newest_first(artefacts: Iterable[ConsentArtefact]) -> list[ConsentArtefact]:
    return sorted(artefacts, key=lambda a: (a.start, a.consent_id), reverse=True)


def _verdict(artefact: ConsentArtefact, purpose: str, categories: frozenset[str],
             at: datetime) -> tuple[str, str]:
    """``(rule, reason)`` of one consent for one request."""
    name = f"consent {artefact.consent_id}"
    until = artefact.data_life_until
    missing = sorted(categories - set(artefact.categories))
    if artefact.status is ConsentStatus.REVOKED:
        return "consent.revoked", f"{name} was revoked"
    if artefact.status is ConsentStatus.PAUSED:
        return "consent.paused", f"{name} is paused"
    if artefact.status is ConsentStatus.EXPIRED or at >= artefact.expiry:
        return "consent.expired", f"{name} expired at {artefact.expiry.isoformat()}"
    if at < artefact.start:
        return "consent.not_started", f"{name} starts at {artefact.start.isoformat()}"
    if until is not None and at > until:
        return "consent.outside_data_life", f"{name}'s DataLife ended at {until.isoformat()}"
    if missing:
        return ("consent.category_not_covered",
                f"{name} does not cover categories {', '.join(missing)}")
    if artefact.principal_is_child and not artefact.verifiable_parental_consent:
        return ("consent.child_without_parental_consent",
                f"{name} is a child's without verifiable parental consent (DPDP s.9)")
    return "consent.active", f"{name} allows purpose {purpose}"


def check_consents(artefacts: Iterable[ConsentArtefact], purpose: str,
                   categories: Iterable[str], at: datetime) -> ConsentCheck:
    """Whether one principal's ``artefacts`` allow ``purpose`` on ``categories`` at ``at``."""
    wanted = frozenset(categories)
    candidates = _newest_first(a for a in artefacts if purpose in a.purposes)
    if not candidates:
        return ConsentCheck(False, None, "consent.none",
                            f"no consent of the principal names purpose {purpose}")
    verdicts = [(a, *_verdict(a, purpose, wanted, at)) for a in candidates]
    artefact, rule, reason = next((v for v in verdicts if v[1] == "consent.active"),
                                  verdicts[0])
    return ConsentCheck(rule == "consent.active", artefact.consent_id, rule, reason)


def profile_of(artefacts: Iterable[ConsentArtefact]) -> PrincipalProfile | None:
    """The principal's child flags from the newest consent; ``None`` without consents."""
    newest = _newest_first(artefacts)
    if not newest:
        return None
    return PrincipalProfile(newest[0].principal_is_child, newest[0].verifiable_parental_consent)


def in_force(artefact: ConsentArtefact, now: datetime) -> bool:
    """Whether ``artefact`` is still a basis for keeping data at ``now``: ACTIVE or PAUSED
    (a pause stops processing, not retention), started, not expired, within DataLife."""
    until = artefact.data_life_until
    return (artefact.status in (ConsentStatus.ACTIVE, ConsentStatus.PAUSED)
            and artefact.start <= now < artefact.expiry
            and (until is None or now <= until))


def lapse(artefact: ConsentArtefact, now: datetime, status_changed_at: datetime,
          others: Sequence[ConsentArtefact]) -> LapsedConsent | None:
    """How ``artefact`` lapsed by ``now``, or ``None`` if it has not; ``others`` are the
    principal's other consents."""
    until = artefact.data_life_until
    ended: datetime | None = None
    status = artefact.status
    if status in FINAL_STATUSES:
        ended = status_changed_at
    elif now >= artefact.expiry:
        status, ended = ConsentStatus.EXPIRED, artefact.expiry
    if until is not None and now > until:
        ended = until if ended is None else min(ended, until)
    if ended is None:
        return None
    basis = [o for o in others if o.consent_id != artefact.consent_id and in_force(o, now)]
    uncovered = tuple(p for p in artefact.purposes
                      if not any(p in other.purposes for other in basis))
    return LapsedConsent(artefact.consent_id, artefact.principal, artefact.purposes, status,
                         ended, bool(uncovered), uncovered)

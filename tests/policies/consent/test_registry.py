"""ConsentRegistry on sqlite in memory and in a file, and on PostgreSQL: records, transitions
and events, is_permitted for every rule, expiry, lapses and listeners."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from policies.audit import AuditLog, verify
from policies.consent import (
    ConsentError,
    ConsentNotFound,
    ConsentRegistry,
    ConsentStatus,
    ConsentStoreError,
    IllegalTransition,
    PrincipalProfile,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)
DAY = timedelta(days=1)
ACTIVE, PAUSED, REVOKED, EXPIRED = ConsentStatus


def test_a_recorded_consent_reads_back_equal(registry, artefact):
    for consent in (artefact("c-1"), artefact("c-2", data_life=T0 + 5 * DAY),
                    artefact("c-3", data_life=None, principal_is_child=True)):
        registry.record(consent)
        assert registry.get(consent.consent_id) == consent
    assert [c.consent_id for c in registry.for_principal(artefact().principal)] == [
        "c-1", "c-2", "c-3"]


def test_the_file_database_outlives_the_registry(tmp_path, artefact):
    url = f"sqlite:///{tmp_path / 'consents.sqlite'}"
    first = ConsentRegistry(url)
    first.record(artefact())
    first.set_status("c-1", PAUSED, at=T0 + DAY, reason="paused in the AA app")
    first.close()
    again = ConsentRegistry(url)
    assert again.get("c-1").status is PAUSED
    assert [e.to_status for e in again.events("c-1")] == [ACTIVE, PAUSED]


def test_recording_again_updates_the_terms_with_an_event(registry, artefact):
    registry.record(artefact(), at=T0)
    registry.record(artefact(categories=("financial",), status=PAUSED), at=T0 + DAY,
                    actor="aa-notification")
    assert registry.get("c-1").categories == ("financial",)
    recorded = registry.events("c-1")
    assert [(e.from_status, e.to_status, e.reason, e.actor) for e in recorded] == [
        (None, ACTIVE, "recorded", "system"), (ACTIVE, PAUSED, "recorded", "aa-notification")]


def test_a_final_consent_is_never_recorded_again(registry, artefact):
    registry.record(artefact())
    registry.set_status("c-1", REVOKED, at=T0 + DAY, reason="withdrawn")
    with pytest.raises(IllegalTransition, match="REVOKED, which is final"):
        registry.record(artefact())
    assert registry.get("c-1").status is REVOKED


def test_a_consent_id_never_moves_to_another_principal(registry, artefact, token):
    registry.record(artefact())
    with pytest.raises(ConsentError, match="another principal"):
        registry.record(artefact(principal=token("ravi")))


@pytest.mark.parametrize(("path", "final"), [
    ((PAUSED, ACTIVE, PAUSED, REVOKED), REVOKED),
    ((PAUSED, EXPIRED), EXPIRED),
    ((EXPIRED,), EXPIRED),
    ((REVOKED,), REVOKED),
], ids=["pause-resume-revoke", "pause-expire", "expire", "revoke"])
def test_lawful_transitions_each_leave_an_event(registry, artefact, path, final):
    registry.record(artefact(), at=T0)
    for day, status in enumerate(path, start=1):
        event = registry.set_status("c-1", status, at=T0 + day * DAY, reason=f"step {day}",
                                    actor="ops")
        assert (event.to_status, event.at, event.actor) == (status, T0 + day * DAY, "ops")
    assert registry.get("c-1").status is final
    history = registry.events("c-1")
    assert [e.to_status for e in history] == [ACTIVE, *path]
    assert [e.from_status for e in history] == [None, ACTIVE, *path[:-1]]
    assert [e.id for e in history] == sorted(e.id for e in history)


@pytest.mark.parametrize(("before", "after", "why"), [
    (REVOKED, ACTIVE, "REVOKED is final"),
    (REVOKED, EXPIRED, "REVOKED is final"),
    (EXPIRED, ACTIVE, "EXPIRED is final"),
    (EXPIRED, PAUSED, "EXPIRED is final"),
    (ACTIVE, ACTIVE, "already ACTIVE"),
])
def test_unlawful_transitions_are_refused_and_change_nothing(registry, artefact, before,
                                                             after, why):
    registry.record(artefact(status=before))
    with pytest.raises(IllegalTransition, match=why) as caught:
        registry.set_status("c-1", after, at=T0 + DAY, reason="try")
    assert f"consent c-1: {before} → {after}" in str(caught.value)
    assert registry.get("c-1").status is before
    assert len(registry.events("c-1")) == 1


def test_unknown_consents_and_naive_times_are_refused(registry, artefact):
    with pytest.raises(ConsentNotFound):
        registry.get("nope")
    with pytest.raises(ConsentNotFound):
        registry.set_status("nope", REVOKED, at=T0, reason="x")
    registry.record(artefact())
    with pytest.raises(ConsentError, match="timezone-aware"):
        registry.set_status("c-1", REVOKED, at=datetime(2026, 1, 2), reason="x")


# is_permitted: each rule, allowed and denied. The default consent runs from T0 for 90 days.
RULES = {
    "active": ({}, T0 + DAY, True, "consent.active"),
    "active-at-start": ({}, T0, True, "consent.active"),
    "revoked": ({"status": REVOKED}, T0 + DAY, False, "consent.revoked"),
    "paused": ({"status": PAUSED}, T0 + DAY, False, "consent.paused"),
    "expired-status": ({"status": EXPIRED}, T0 + DAY, False, "consent.expired"),
    "past-expiry": ({}, T0 + 90 * DAY, False, "consent.expired"),
    "not-started": ({}, T0 - DAY, False, "consent.not_started"),
    "outside-data-life": ({"data_life": T0 + 10 * DAY}, T0 + 11 * DAY, False,
                          "consent.outside_data_life"),
    "inside-data-life": ({"data_life": T0 + 10 * DAY}, T0 + 10 * DAY, True, "consent.active"),
    "category-not-covered": ({"categories": ("financial",)}, T0 + DAY, False,
                             "consent.category_not_covered"),
    "child-without-parental-consent": ({"principal_is_child": True}, T0 + DAY, False,
                                       "consent.child_without_parental_consent"),
    "child-with-parental-consent": ({"principal_is_child": True,
                                     "verifiable_parental_consent": True}, T0 + DAY, True,
                                    "consent.active"),
    "other-purpose": ({"purposes": ("marketing",)}, T0 + DAY, False, "consent.none"),
}


@pytest.mark.parametrize(("overrides", "at", "permitted", "rule"), RULES.values(), ids=RULES)
def test_is_permitted_names_the_rule(memory_registry, artefact, overrides, at, permitted,
                                    rule):
    consent = artefact(**overrides)
    memory_registry.record(consent)
    check = memory_registry.is_permitted(consent.principal, "credit_underwriting",
                                  ["financial", "DEPOSIT"], at)
    assert (check.permitted, check.rule) == (permitted, rule)
    assert check.consent_id == (None if rule == "consent.none" else "c-1")


def test_a_principal_without_consents_has_none(registry, token):
    check = registry.is_permitted(token("nobody"), "credit_underwriting", [], T0)
    assert (check.permitted, check.rule, check.consent_id) == (False, "consent.none", None)


def test_one_consent_that_allows_wins_over_others_that_deny(registry, artefact):
    registry.record(artefact("old", start=T0 - 30 * DAY))
    registry.record(artefact("new", status=REVOKED))
    check = registry.is_permitted(artefact().principal, "credit_underwriting", ["DEPOSIT"],
                                  T0 + DAY)
    assert (check.permitted, check.consent_id) == (True, "old")
    registry.set_status("old", REVOKED, at=T0 + DAY, reason="withdrawn")
    check = registry.is_permitted(artefact().principal, "credit_underwriting", ["DEPOSIT"],
                                  T0 + DAY)
    assert (check.permitted, check.consent_id, check.rule) == (False, "new", "consent.revoked")


def test_principal_profile_comes_from_the_newest_consent(registry, artefact, token):
    assert registry.principal_profile(token("asha")) is None
    registry.record(artefact("c-1", principal_is_child=True))
    assert registry.principal_profile(token("asha")) == PrincipalProfile(True, False)
    registry.record(artefact("c-2", start=T0 + DAY, principal_is_child=True,
                             verifiable_parental_consent=True))
    assert registry.principal_profile(token("asha")) == PrincipalProfile(True, True)


def test_expire_due_expires_active_and_paused_consents_past_expiry(registry, artefact):
    registry.record(artefact("due-active", expiry=T0 + 5 * DAY))
    registry.record(artefact("due-paused", expiry=T0 + 5 * DAY, status=PAUSED))
    registry.record(artefact("revoked", expiry=T0 + 5 * DAY, status=REVOKED))
    registry.record(artefact("running", expiry=T0 + 50 * DAY))
    expired = registry.expire_due(T0 + 6 * DAY)
    assert sorted((e.consent_id, e.from_status, e.at) for e in expired) == [
        ("due-active", ACTIVE, T0 + 5 * DAY), ("due-paused", PAUSED, T0 + 5 * DAY)]
    assert registry.get("running").status is ACTIVE
    assert registry.expire_due(T0 + 6 * DAY) == []


def test_lapsed_tells_sole_basis_apart(registry, artefact, token):
    asha, ravi = token("asha"), token("ravi")
    # asha: her revoked underwriting consent is still covered by an active one
    registry.record(artefact("asha-revoked", purposes=("credit_underwriting", "fraud")))
    registry.record(artefact("asha-other", purposes=("credit_underwriting",)))
    registry.set_status("asha-revoked", REVOKED, at=T0 + 2 * DAY, reason="withdrawn")
    # ravi: his only consent expired
    registry.record(artefact("ravi-expired", principal=ravi, expiry=T0 + 3 * DAY))
    # a consent past its DataLife deadline, though still ACTIVE
    registry.record(artefact("ravi-data-life", principal=ravi, purposes=("marketing",),
                             data_life=T0 + DAY))
    registry.record(artefact("running", principal=token("meera")))
    lapsed = {c.consent_id: c for c in registry.lapsed(T0 + 4 * DAY)}
    assert sorted(lapsed) == ["asha-revoked", "ravi-data-life", "ravi-expired"]
    revoked = lapsed["asha-revoked"]
    assert (revoked.principal, revoked.status, revoked.lapsed_at) == (asha, REVOKED,
                                                                       T0 + 2 * DAY)
    assert (revoked.sole_basis, revoked.uncovered_purposes) == (True, ("fraud",))
    assert (lapsed["ravi-expired"].status, lapsed["ravi-expired"].lapsed_at) == (
        EXPIRED, T0 + 3 * DAY)
    assert lapsed["ravi-expired"].sole_basis
    assert (lapsed["ravi-data-life"].status, lapsed["ravi-data-life"].lapsed_at) == (
        ACTIVE, T0 + DAY)
    registry.record(artefact("asha-fraud", purposes=("fraud",)))
    again = {c.consent_id: c for c in registry.lapsed(T0 + 4 * DAY)}
    assert (again["asha-revoked"].sole_basis, again["asha-revoked"].uncovered_purposes) == (
        False, ())
    assert sorted(c.consent_id for c in registry.lapsed(T0 + 4 * DAY, since=T0 + 2 * DAY)) == [
        "asha-revoked", "ravi-expired"]


def test_a_paused_consent_keeps_a_basis_but_a_revoked_one_does_not(registry, artefact):
    registry.record(artefact("gone", status=REVOKED))
    registry.record(artefact("paused", status=PAUSED))
    [gone] = registry.lapsed(T0 + DAY)
    assert not gone.sole_basis
    registry.set_status("paused", REVOKED, at=T0 + DAY, reason="withdrawn")
    assert all(c.sole_basis for c in registry.lapsed(T0 + 2 * DAY))


def test_listeners_hear_each_committed_change(registry, artefact):
    heard = []
    registry.subscribe(lambda e: heard.append((e.to_status, registry.get(e.consent_id).status)))
    registry.record(artefact())
    registry.set_status("c-1", REVOKED, at=T0 + DAY, reason="withdrawn")
    assert heard == [(ACTIVE, ACTIVE), (REVOKED, REVOKED)]  # the listener sees the commit


def test_consent_events_go_to_the_audit_log(registry, artefact, tmp_path):
    log = AuditLog(tmp_path / "audit.jsonl", fsync=False)
    registry.subscribe(lambda event: log.append("consent_event", event.audit_payload()))
    registry.record(artefact(), at=T0)
    registry.set_status("c-1", REVOKED, at=T0 + DAY, reason="withdrawn in app")
    assert verify(log.path).entries == 2
    last = log.path.read_text().splitlines()[-1]
    assert '"from":"ACTIVE"' in last and '"to":"REVOKED"' in last


def test_a_bad_url_is_a_store_error():
    with pytest.raises(ConsentStoreError, match="not a database URL"):
        ConsentRegistry("no such url")
    with pytest.raises(ConsentStoreError, match="cannot create the consent tables"):
        ConsentRegistry("sqlite:////proc/no/such/place.sqlite")

"""The enforcement API: the policy applied at every arrow that moves personal data.

Each call returns a decision carrying the id of the rule that made it, and appends it to the
audit log when one is given (tokens only: datasets, purposes, URIs, principal tokens).

=====================  =====================================================================
call                   decides
=====================  =====================================================================
``plan_ingest``        whether a dataset may be ingested for a purpose, and its field plan
``check_location``     whether a data class may be stored at a URI (before any byte is written)
``authorize_serving``  which features a client may get for a purpose and a principal
``due_for_deletion``   principals whose only basis lapsed, and each dataset's retention cut-off
=====================  =====================================================================

Usage::

    engine = PolicyEngine(load_policy(DEFAULT_POLICY_DIR), consents=registry, audit=log)
    engine.check_location("s3://nijta-analytics-sg/upi", "payment").require()  # PolicyDenied
    plan = engine.plan_ingest("upi_transactions", "fraud_detection").field_plan
    served = engine.authorize_serving("fraud_api", "fraud_detection",
                                      ["txn_count_1h", "night_share_7d"], principal="tok_…")
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, TypeVar

from policies.configuration import UNKNOWN_COLUMN_CATEGORY, Policy, StorageAddress
from policies.decisions import (
    Decision,
    DeletionPlan,
    IngestPlanDecision,
    PrincipalErasure,
    RemovedFeature,
    RetentionCutoff,
    Rule,
    ServingDecision,
)
from policies.field_plan import Transform

__all__ = ["AuditSink", "ConsentSource", "PolicyEngine"]

AUDIT_KIND = "decision"
_D = TypeVar("_D", bound=Decision)
_REMOVING = frozenset({Transform.DROP, Transform.REDACT})
"""Transforms after which nothing of the field's category is left."""
_RESIDENCY_RULES = {"india_only": Rule.PAYMENT_DATA_LOCALISATION,
                    "allowed_regions": Rule.ALLOWED_REGIONS}
_LAPSE_RULES = {"REVOKED": Rule.CONSENT_WITHDRAWN, "EXPIRED": Rule.CONSENT_EXPIRED}


class _ConsentCheck(Protocol):
    permitted: bool
    consent_id: str | None
    rule: str
    reason: str


class _PrincipalProfile(Protocol):
    is_child: bool
    verifiable_parental_consent: bool


class _LapsedConsent(Protocol):
    consent_id: str
    principal: str
    status: Any
    sole_basis: bool


class ConsentSource(Protocol):
    """What the engine asks of a consent registry (``policies.consent.ConsentRegistry``)."""

    def is_permitted(self, principal: str, purpose: str, categories: Iterable[str],
                     at: datetime) -> _ConsentCheck: ...

    def principal_profile(self, principal: str) -> _PrincipalProfile | None: ...

    def lapsed(self, now: datetime) -> Sequence[_LapsedConsent]: ...


class AuditSink(Protocol):
    """Where decisions are recorded (``policies.audit.AuditLog``)."""

    def append(self, kind: str, payload: Mapping[str, Any]) -> Any: ...


class PolicyEngine:
    """Decides with ``policy``; asks ``consents`` about principals; records to ``audit``.

    Without a consent registry, consent is not checked (the decision says so in its
    details) and no principal is known to be a child.
    """

    def __init__(self, policy: Policy, consents: ConsentSource | None = None,
                 audit: AuditSink | None = None) -> None:
        self.policy = policy
        self.consents = consents
        self.audit = audit
        self._version = policy.version  # hashed once: a policy built in code has no file hash

    def plan_ingest(self, dataset: str, purpose: str,
                    columns: Iterable[str] | None = None) -> IngestPlanDecision:
        """Whether ``dataset`` may be ingested for ``purpose``, and if so its field plan.

        ``columns``: the source's actual columns, when known; one the dataset does not
        classify is refused, or scrubbed as free text if the dataset allows unknown columns.
        """
        facts = {"dataset": dataset, "purpose": purpose}
        classification = self.policy.datasets.get(dataset)
        unknown = [c for c in columns or () if classification and c not in
                   classification.fields]
        denied = self._unknown(dataset=dataset, purpose=purpose) or self._ingest_refusal(
            dataset, purpose, unknown)
        if denied is not None:
            return self._record("plan_ingest", IngestPlanDecision(False, *denied, facts))
        plan = self.policy.field_plan(dataset, unknown)
        categories = self.policy.field_categories(dataset) | dict.fromkeys(
            unknown, UNKNOWN_COLUMN_CATEGORY)
        allowed = self.policy.purposes[purpose].allowed_categories
        refused = {f: c for f, c in categories.items()
                   if c not in allowed and plan.fields[f].transform not in _REMOVING}
        if refused:
            return self._record("plan_ingest", IngestPlanDecision(
                False, Rule.CATEGORY_NOT_ALLOWED,
                f"purpose {purpose!r} does not allow the categories "
                f"{sorted(set(refused.values()))} of the kept fields {sorted(refused)}",
                facts | {"fields": refused}, categories=categories))
        return self._record("plan_ingest", IngestPlanDecision(
            True, Rule.PURPOSE_ALLOWED,
            f"purpose {purpose!r} allows every category dataset {dataset!r} keeps",
            facts | {"unknown_columns": unknown}, field_plan=plan, categories=categories))

    def check_location(self, uri: str, data_class: str) -> Decision:
        """Whether data of ``data_class`` may be stored at ``uri``; call before writing."""
        address = StorageAddress.parse(uri)
        # the authority is left out: abfss's container@account reads as an e-mail address to
        # the audit log's raw-identifier guard
        facts: dict[str, Any] = {"data_class": data_class, "scheme": address.scheme,
                                 "path": "/" + "/".join(address.path)}
        residency = self.policy.residency
        found = self.policy.location_for(uri)
        if data_class not in residency.data_classes:
            return self._record("check_location", Decision(
                False, Rule.UNKNOWN_DATA_CLASS, f"data class {data_class!r} is not one of "
                f"{sorted(residency.data_classes)}", facts))
        if found is None:
            return self._record("check_location", Decision(
                False, Rule.UNKNOWN_LOCATION, "the URI is under no declared storage location, "
                "so its region is unknown; declare the location with its region", facts))
        name, location = found
        region = self.policy.regions[location.region]
        facts |= {"location": name, "region": location.region, "country": region.country}
        where = f"location {name!r} (region {location.region}, {region.country})"
        if region.country in residency.barred_countries:
            return self._record("check_location", Decision(
                False, Rule.BARRED_COUNTRY, f"{where} is in a country barred under DPDP "
                "s.16", facts))
        requires = residency.data_classes[data_class].requires
        for requirement in requires:
            ok = (region.country == "IN" if requirement == "india_only"
                  else location.region in residency.allowed_regions)
            if not ok:
                return self._record("check_location", Decision(
                    False, _RESIDENCY_RULES[requirement],
                    f"{data_class} data may not be stored at {where}: "
                    + ("payment-system data is stored only in India (RBI 2018)"
                       if requirement == "india_only" else
                       f"allowed regions are {list(residency.allowed_regions)}"), facts))
        rule = _RESIDENCY_RULES[requires[0]] if requires else Rule.RESIDENCY_UNRESTRICTED
        return self._record("check_location", Decision(
            True, rule, f"{data_class} data may be stored at {where}", facts))

    def authorize_serving(self, client: str, purpose: str, features: Sequence[str],
                          principal: str, at: datetime | None = None) -> ServingDecision:
        """The subset of ``features`` that ``client`` may get for ``purpose`` and the
        principal (a token); denied outright when nothing may be served."""
        at = at or datetime.now(UTC)
        facts: dict[str, Any] = {"client": client, "purpose": purpose, "principal": principal,
                                 "requested": list(features)}
        denied = self._unknown(purpose=purpose) or self._client_refusal(client, purpose)
        profile = None
        if denied is None and self.consents is not None:
            profile = self.consents.principal_profile(principal)
        child = profile is not None and profile.is_child
        facts["is_child"] = child
        if denied is None and profile is not None and child:
            denied = self._child_refusal(purpose, profile.verifiable_parental_consent)
        if denied is not None:
            return self._record("authorize_serving", ServingDecision(False, *denied, facts))
        served, removed = self._feature_subset(purpose, features, child)
        facts["removed"] = {r.feature: r.rule for r in removed}
        if not served:
            first = removed[0] if removed else RemovedFeature("", Rule.UNKNOWN_FEATURE,
                                                              "no features were requested")
            return self._record("authorize_serving", ServingDecision(
                False, first.rule, f"no requested feature may be served: {first.reason}",
                facts, removed=tuple(removed)))
        rule, reason, consent_ok = self._consent(principal, purpose, served, at, facts)
        return self._record("authorize_serving", ServingDecision(
            consent_ok, rule, reason, facts | {"served": [n for n, _ in served]},
            features=tuple(n for n, _ in served) if consent_ok else (),
            removed=tuple(removed)))

    def due_for_deletion(self, now: datetime) -> DeletionPlan:
        """Principals whose only basis (a consent) has lapsed, and each dataset's cut-off:
        rows older than the longest retention of its declared purposes."""
        lapsed = self.consents.lapsed(now) if self.consents else []
        principals = tuple(
            PrincipalErasure(c.principal, c.consent_id,
                             _LAPSE_RULES.get(str(getattr(c.status, "value", c.status)),
                                              Rule.DATALIFE_ELAPSED))
            for c in lapsed if c.sole_basis)
        cutoffs = []
        for name, dataset in self.policy.datasets.items():
            purpose = max(dataset.purposes,
                          key=lambda p: self.policy.purposes[p].retention_days)
            days = self.policy.purposes[purpose].retention_days
            column = self.policy.field_plan(name).output_name(dataset.time_column)
            cutoffs.append(RetentionCutoff(name, column, now - timedelta(days=days),
                                           Rule.RETENTION, days, purpose))
        plan = DeletionPlan(now=now, principals=principals, retention=tuple(cutoffs))
        if self.audit is not None:
            self.audit.append(AUDIT_KIND, {"call": "due_for_deletion",
                                           "policy_version": self._version,
                                           **plan.audit_payload()})
        return plan

    def _unknown(self, *, dataset: str | None = None,
                 purpose: str | None = None) -> tuple[Rule, str] | None:
        if dataset is not None and dataset not in self.policy.datasets:
            return Rule.UNKNOWN_DATASET, (f"dataset {dataset!r} has no classification "
                                          f"(known: {sorted(self.policy.datasets)})")
        if purpose is not None and purpose not in self.policy.purposes:
            return Rule.UNKNOWN_PURPOSE, (f"purpose {purpose!r} is not defined "
                                          f"(known: {sorted(self.policy.purposes)})")
        return None

    def _ingest_refusal(self, dataset: str, purpose: str,
                        unknown: list[str]) -> tuple[Rule, str] | None:
        classification = self.policy.datasets[dataset]
        if purpose not in classification.purposes:
            return Rule.PURPOSE_NOT_DECLARED, (f"dataset {dataset!r} is declared for "
                                               f"{list(classification.purposes)}, not for "
                                               f"{purpose!r}")
        if unknown and not classification.allow_unknown:
            return Rule.UNKNOWN_COLUMN, (f"dataset {dataset!r} does not classify the columns "
                                         f"{unknown}; classify them or set allow_unknown")
        return None

    def _client_refusal(self, client: str, purpose: str) -> tuple[Rule, str] | None:
        registered = self.policy.serving_clients.get(client)
        if registered is None:
            return Rule.UNKNOWN_CLIENT, f"client {client!r} is not a registered serving client"
        if purpose not in registered.purposes:
            return Rule.CLIENT_PURPOSE_NOT_REGISTERED, (
                f"client {client!r} is registered for {list(registered.purposes)}, "
                f"not {purpose!r}")
        return None

    def _child_refusal(self, purpose: str, parental_consent: bool) -> tuple[Rule, str] | None:
        if not parental_consent:
            return Rule.CHILDREN_PARENTAL_CONSENT, (
                "the principal is a child without verifiable parental consent (DPDP s.9(1))")
        if purpose in self.policy.children.barred_purposes:
            return Rule.CHILDREN_NO_TRACKING, (
                f"purpose {purpose!r} is never applied to a child (DPDP s.9(3))")
        return None

    def _feature_subset(self, purpose: str, features: Sequence[str], child: bool,
                        ) -> tuple[list[tuple[str, str]], list[RemovedFeature]]:
        """(feature, category) pairs that may be served, and the features removed."""
        allowed = self.policy.purposes[purpose].allowed_categories
        restricted = self.policy.children.restricted_categories
        served, removed = [], []
        for feature in features:
            found = self.policy.feature_category(feature)
            if found is None:
                removed.append(RemovedFeature(feature, Rule.UNKNOWN_FEATURE, (
                    f"feature {feature!r} is in no feature view of the policy (or in several: "
                    "name it view:feature)")))
            elif child and found[1] in restricted:
                removed.append(RemovedFeature(feature, Rule.CHILDREN_NO_TRACKING, (
                    f"{found[1]} features are never served for a child (DPDP s.9(3))")))
            elif found[1] not in allowed:
                removed.append(RemovedFeature(feature, Rule.CATEGORY_NOT_ALLOWED, (
                    f"purpose {purpose!r} does not allow category {found[1]!r}")))
            else:
                served.append((feature, found[1]))
        return served, removed

    def _consent(self, principal: str, purpose: str, served: list[tuple[str, str]],
                 at: datetime, facts: dict[str, Any]) -> tuple[str, str, bool]:
        """(rule, reason, permitted) of the lawful basis for serving these features."""
        spec = self.policy.purposes[purpose]
        if spec.lawful_basis == "legitimate_use":
            return (Rule.LEGITIMATE_USE, f"purpose {purpose!r} is a legitimate use under DPDP "
                    f"s.{spec.legitimate_use}", True)
        if self.consents is None:
            facts["consent"] = "not_checked"
            return (Rule.PURPOSE_ALLOWED, f"purpose {purpose!r} allows the features served; "
                    "consent not checked (no consent registry)", True)
        check = self.consents.is_permitted(principal, purpose,
                                           sorted({c for _, c in served}), at)
        facts["consent_id"] = check.consent_id
        return check.rule, check.reason, check.permitted

    def _record(self, call: str, decision: _D) -> _D:
        if self.audit is not None:
            self.audit.append(AUDIT_KIND, {"call": call, "policy_version": self._version,
                                           **decision.audit_payload()})
        return decision

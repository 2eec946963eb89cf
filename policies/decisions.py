"""Decisions of the policy engine: allowed or denied, the stable id of the rule that decided,
why, and the facts the rule looked at.

Rule ids are stable strings: stages, tests and auditors match on them. ``dpdp.*`` rules come
from the DPDP Act 2023 / Rules 2025, ``rbi.*`` from RBI directions, ``aa.*`` from the Account
Aggregator framework, ``policy.*`` from the organisation's own policy files. A consent
registry may decide with rule ids of its own; they pass through unchanged.

Usage::

    decision = engine.check_location("s3://lake-sg/bronze/upi", "payment")
    if not decision.allowed:
        print(decision.rule, decision.reason)   # rbi.2018.payment_data_localisation …
    decision.require()                          # or raise PolicyDenied
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from policies.exceptions import PolicyDenied
from policies.field_plan import FieldPlan

__all__ = ["Decision", "DeletionPlan", "IngestPlanDecision", "PrincipalErasure",
           "RemovedFeature", "RetentionCutoff", "Rule", "ServingDecision"]


class Rule(StrEnum):
    """The rule ids the engine decides with."""

    CHILDREN_NO_TRACKING = "dpdp.s9.children.no_tracking"
    """DPDP s.9(3): no tracking, behavioural monitoring or targeted advertising of children."""
    CHILDREN_PARENTAL_CONSENT = "dpdp.s9.children.parental_consent"
    """DPDP s.9(1), Rule 10: a child's data needs verifiable parental consent first."""
    BARRED_COUNTRY = "dpdp.s16.barred_country"
    """DPDP s.16: no transfer to a country the Government has restricted."""
    PAYMENT_DATA_LOCALISATION = "rbi.2018.payment_data_localisation"
    """RBI DPSS.CO.OD No.2785/06.08.005/2017-18: payment-system data stored only in India."""
    LEGITIMATE_USE = "dpdp.s7.legitimate_use"
    """DPDP s.7: processed under a legitimate use, without consent."""
    CONSENT_WITHDRAWN = "dpdp.s6.consent_withdrawn"
    """DPDP s.6(4)-(6): consent withdrawn; processing ceases and the data is erased."""
    CONSENT_EXPIRED = "dpdp.s8_7.consent_expired"
    """DPDP s.8(7): consent expired, the purpose is no longer served."""
    DATALIFE_ELAPSED = "aa.datalife_elapsed"
    """AA consent artefact: the DataLife of the fetched data has elapsed."""
    RETENTION = "dpdp.s8_7.retention"
    """DPDP s.8(7): erase once the purposes' retention periods have passed."""
    ALLOWED_REGIONS = "policy.residency.allowed_regions"
    """Personal data is stored only in the policy's allowed regions."""
    RESIDENCY_UNRESTRICTED = "policy.residency.unrestricted"
    """The data class has no residency restriction (non-personal data)."""
    UNKNOWN_LOCATION = "policy.storage.unknown_location"
    """A URI under no declared storage location: its region is unknown."""
    UNKNOWN_DATA_CLASS = "policy.storage.unknown_data_class"
    UNKNOWN_DATASET = "policy.dataset.unknown"
    UNKNOWN_COLUMN = "policy.dataset.unknown_column"
    """A source column the dataset does not classify (and the dataset does not allow_unknown)."""
    PURPOSE_NOT_DECLARED = "policy.dataset.purpose_not_declared"
    """The dataset is not declared for that purpose (purpose limitation, DPDP s.4-6)."""
    UNKNOWN_PURPOSE = "policy.purpose.unknown"
    CATEGORY_NOT_ALLOWED = "policy.purpose.category_not_allowed"
    """The purpose does not allow a data category (minimisation, DPDP s.6(1))."""
    PURPOSE_ALLOWED = "policy.purpose.allowed"
    """Every category kept is allowed by the purpose (consent not checked: no registry)."""
    UNKNOWN_CLIENT = "policy.serving.unknown_client"
    CLIENT_PURPOSE_NOT_REGISTERED = "policy.serving.client_purpose_not_registered"
    UNKNOWN_FEATURE = "policy.feature.unknown"
    ERASURE_SCHEDULE = "policy.erasure.schedule"
    """The plan of what is due for deletion (audited as one decision)."""


@dataclass(frozen=True)
class Decision:
    """Allowed or denied, by which rule, and why."""

    allowed: bool
    rule: str
    """Stable id of the rule that decided (see :class:`Rule`)."""
    reason: str
    """One sentence for a person; names datasets, purposes, fields, never personal values."""
    details: Mapping[str, Any] = field(default_factory=dict)
    """The facts the rule looked at (JSON-serialisable; tokens only)."""

    def require(self) -> None:
        """Raise :class:`PolicyDenied` unless allowed."""
        if not self.allowed:
            raise PolicyDenied(self)

    def audit_payload(self) -> dict[str, Any]:
        """The decision as an audit-log payload (tokens only, never raw identifiers)."""
        return {"allowed": self.allowed, "rule": self.rule, "reason": self.reason,
                **_jsonable(self.details)}


@dataclass(frozen=True)
class IngestPlanDecision(Decision):
    """:meth:`PolicyEngine.plan_ingest`: when allowed, the field plan to apply."""

    field_plan: FieldPlan | None = None
    """What each source field becomes; ``None`` when denied."""
    categories: Mapping[str, str] = field(default_factory=dict)
    """Source field → data category."""


@dataclass(frozen=True)
class RemovedFeature:
    """A feature withheld from a serving request, and the rule that withheld it."""

    feature: str
    rule: str
    reason: str


@dataclass(frozen=True)
class ServingDecision(Decision):
    """:meth:`PolicyEngine.authorize_serving`: the features that may be served."""

    features: tuple[str, ...] = ()
    """The requested features that may be served (empty when denied)."""
    removed: tuple[RemovedFeature, ...] = ()
    """The requested features withheld, each with its rule."""


@dataclass(frozen=True)
class PrincipalErasure:
    """A principal whose data is due for erasure because its only basis has lapsed."""

    principal_token: str
    consent_id: str
    rule: str


@dataclass(frozen=True)
class RetentionCutoff:
    """Rows of a dataset whose time column is before ``cutoff`` are past retention."""

    dataset: str
    time_column: str
    """The column's name in the lake (the field plan's output name)."""
    cutoff: datetime
    rule: str
    retention_days: int
    purpose: str
    """The declared purpose with the longest retention (the one that sets the cut-off)."""


@dataclass(frozen=True)
class DeletionPlan:
    """:meth:`PolicyEngine.due_for_deletion`: what erasure and retention must remove now."""

    now: datetime
    principals: tuple[PrincipalErasure, ...]
    retention: tuple[RetentionCutoff, ...]

    def audit_payload(self) -> dict[str, Any]:
        return {"allowed": True, "rule": Rule.ERASURE_SCHEDULE.value,
                "reason": f"{len(self.principals)} principal(s) and {len(self.retention)} "
                          "dataset cut-off(s) due", "now": self.now.isoformat(),
                "principals": [asdict(p) for p in self.principals],
                "retention": _jsonable({c.dataset: asdict(c) for c in self.retention})}


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value

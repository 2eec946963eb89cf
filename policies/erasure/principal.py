"""Erase one data principal from every store of a workspace (DPDP s.12(3), s.6(6)).

In order: delete the principal's rows from every bronze and gold Delta table that has a
principal column (then a VACUUM plan, since old Parquet files keep the rows until vacuumed),
delete its entity keys from the Feast online store, revoke its consents that still stand,
shred its data key (its ciphertexts anywhere, backups included, become unreadable), and
write one ``erasure`` audit entry with the counts per store. The principal is named by its
token throughout; a raw identifier never reaches this module.

Every step is idempotent: a second erasure of the same token deletes nothing and succeeds,
and a run cut short is finished by running it again.

Usage::

    eraser = Eraser.for_workspace(workspace, spark=spark)
    report = eraser.erase("tok_5f…")
    report.tables            # {"bronze/upi_transactions": 212, "gold/upi_payer_features": 97}
    report.vacuum.commands   # ["VACUUM delta.`…` RETAIN 168 HOURS", …]
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from feast import FeatureStore
from pyspark.sql import SparkSession

from anonymize.exceptions import KeyNotFound, PrincipalShredded
from anonymize.keys import KeyStore, LocalKeyStore
from anonymize.tokens import TOKEN_HEX_CHARS, TOKEN_PREFIX
from nijta.configuration import Workspace
from policies.audit.log import AuditLog
from policies.consent.artefacts import ConsentStatus
from policies.consent.registry import ConsentRegistry
from policies.erasure.exceptions import InvalidPrincipalToken
from policies.erasure.lake import (
    DEFAULT_VACUUM_RETENTION_HOURS,
    PrincipalColumns,
    VacuumPlan,
    check_vacuum_allowed,
    delete_rows,
    discover_tables,
    run_vacuum,
    vacuum_plan,
)
from policies.erasure.locations import open_audit_log, open_consent_registry
from policies.erasure.online_store import delete_online_entities

__all__ = ["AUDIT_KIND", "VACUUM_AUDIT_KIND", "Eraser", "ErasureReport",
           "check_principal_token"]

AUDIT_KIND = "erasure"
VACUUM_AUDIT_KIND = "vacuum"
_TOKEN = re.compile(rf"{TOKEN_PREFIX}[0-9a-f]{{{TOKEN_HEX_CHARS}}}")
_STANDING = (ConsentStatus.ACTIVE, ConsentStatus.PAUSED)


def check_principal_token(token: str) -> str:
    """``token`` if it is a nijta token; never echoes it otherwise (it may be raw data)."""
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        raise InvalidPrincipalToken(
            f"a principal token is {TOKEN_PREFIX!r} followed by {TOKEN_HEX_CHARS} lowercase hex "
            "digits; to erase by a raw identifier use --identifier with --type")
    return token


@dataclass(frozen=True)
class ErasureReport:
    """What one erasure removed (or, in a dry run, would remove), per store."""

    principal: str
    at: datetime
    tables: dict[str, int]
    """Rows deleted per lake table (``layer/name``)."""
    online: dict[str, int]
    """Entity keys deleted per online feature view."""
    consents_revoked: tuple[str, ...]
    key_shredded: bool
    """Whether a live data key existed and was destroyed by this run."""
    vacuum: VacuumPlan | None
    """What must still run to free the deleted rows' files; ``None`` when none were deleted."""
    dry_run: bool = False
    vacuumed: bool = False

    @property
    def rows_deleted(self) -> int:
        return sum(self.tables.values())

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (the token only, never a raw identifier)."""
        return {"principal": self.principal, "at": self.at.isoformat(),
                "dry_run": self.dry_run, "tables": self.tables, "online": self.online,
                "rows_deleted": self.rows_deleted,
                "consents_revoked": list(self.consents_revoked),
                "key_shredded": self.key_shredded, "vacuumed": self.vacuumed,
                "vacuum": None if self.vacuum is None else self.vacuum.as_dict()}


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Eraser:
    """Erases data principals from one workspace's lake, online store, consents and keys."""

    workspace: Workspace
    spark: SparkSession
    keys: KeyStore
    consents: ConsentRegistry
    audit: AuditLog
    feature_store: FeatureStore | None = None
    """``None`` when the workspace has no Feast repo: nothing online to erase."""
    columns: PrincipalColumns = field(default_factory=PrincipalColumns)
    actor: str = "nijta erase"
    clock: Callable[[], datetime] = _utc_now

    @classmethod
    def for_workspace(cls, workspace: Workspace, *, spark: SparkSession,
                      consents: ConsentRegistry | None = None,
                      audit: AuditLog | None = None, actor: str = "nijta erase") -> Eraser:
        """An eraser over the workspace's own key file, consent registry, log and repo."""
        from featurestore.feast_repo import open_feature_store

        has_repo = (workspace.feature_repo / "feature_store.yaml").exists()
        return cls(workspace=workspace, spark=spark, keys=LocalKeyStore(workspace.key_file),
                   consents=consents or open_consent_registry(workspace),
                   audit=audit or open_audit_log(workspace),
                   feature_store=open_feature_store(workspace) if has_repo else None,
                   actor=actor)

    def erase(self, principal: str, *, reason: str = "erasure requested by the data principal",
              rule: str | None = None, dry_run: bool = False, vacuum: bool = False,
              retention_hours: int = DEFAULT_VACUUM_RETENTION_HOURS) -> ErasureReport:
        """Erase ``principal`` (a token) everywhere; with ``dry_run``, only count.

        ``vacuum`` then runs the VACUUM plan at ``retention_hours`` (audited apart, as
        ``vacuum``); a retention Delta would refuse is refused before anything is deleted.
        """
        check_principal_token(principal)
        if vacuum and not dry_run:
            check_vacuum_allowed(self.spark, retention_hours)
        now = self.clock()
        columns = self._principal_columns()
        tables = self._erase_lake(principal, columns, dry_run=dry_run)
        deleted = [self.workspace.lake / name for name, rows in tables.items() if rows]
        plan = (vacuum_plan(self.spark, deleted, retention_hours=retention_hours,
                            deleted_at=now) if deleted else None)
        report = ErasureReport(
            principal=principal, at=now, tables=tables,
            online=self._erase_online(principal, columns, dry_run=dry_run),
            consents_revoked=self._revoke_consents(principal, now, reason, dry_run=dry_run),
            key_shredded=self._shred_key(principal, dry_run=dry_run),
            vacuum=plan, dry_run=dry_run)
        if dry_run:
            return report
        self.audit.append(AUDIT_KIND, {**report.as_dict(), "reason": reason, "rule": rule,
                                       "actor": self.actor})
        if vacuum and plan is not None:
            run_vacuum(self.spark, plan)
            self.audit.append(VACUUM_AUDIT_KIND, {"principal": principal, **plan.as_dict()})
            report = replace(report, vacuumed=True)
        return report

    def _principal_columns(self) -> PrincipalColumns:
        if self.feature_store is None:
            return self.columns
        return self.columns.with_join_keys(e.join_key for e in self.feature_store.list_entities())

    def _erase_lake(self, principal: str, columns: PrincipalColumns, *,
                    dry_run: bool) -> dict[str, int]:
        return {table.name: delete_rows(self.spark, table.path, table.holds_any([principal]),
                                        dry_run=dry_run)
                for table in discover_tables(self.spark, self.workspace.lake, columns)}

    def _erase_online(self, principal: str, columns: PrincipalColumns, *,
                      dry_run: bool) -> dict[str, int]:
        if self.feature_store is None:
            return {}
        return delete_online_entities(self.feature_store, columns.join_keys, [principal],
                                      dry_run=dry_run)

    def _revoke_consents(self, principal: str, now: datetime, reason: str, *,
                         dry_run: bool) -> tuple[str, ...]:
        standing = tuple(c.consent_id for c in self.consents.for_principal(principal)
                         if c.status in _STANDING)
        if not dry_run:
            for consent_id in standing:
                self.consents.set_status(consent_id, ConsentStatus.REVOKED, at=now,
                                         reason=reason, actor=self.actor)
        return standing

    def _shred_key(self, principal: str, *, dry_run: bool) -> bool:
        try:
            self.keys.data_keys([principal], create=False)
            live = True
        except (KeyNotFound, PrincipalShredded):
            live = False
        if not dry_run:
            # Shredding also leaves a tombstone: no new data key is ever made for the principal.
            self.keys.shred(principal)
        return live

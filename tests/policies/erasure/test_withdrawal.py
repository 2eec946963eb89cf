"""Consent revoked or expired → erasure of the data it was the only basis for."""

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from pyspark.sql import functions as F
from typer.testing import CliRunner

from featurestore.definitions import GOLD_TABLE
from nijta.cli import app
from policies.consent import ConsentArtefact, ConsentRegistry, ConsentSource, ConsentStatus
from policies.erasure.locations import consent_db_url
from policies.erasure.principal import Eraser
from policies.erasure.withdrawal import ConsentWithdrawal

T0 = datetime(2026, 7, 1, tzinfo=UTC)
NOW = T0 + timedelta(days=40)


def _token(name):
    return "tok_" + hashlib.sha256(name.encode()).hexdigest()[:32]


def _consent(consent_id, principal, *, purposes=("fraud_detection",), days=365):
    return ConsentArtefact(consent_id=consent_id, principal=principal, purposes=purposes,
                           categories=("financial",), start=T0, expiry=T0 + timedelta(days=days),
                           source=ConsentSource(kind="app_consent_manager", reference="m-1"))


class RecordingEraser:
    """Stands in for :class:`Eraser`; revokes the principal's standing consents like it."""

    def __init__(self, registry):
        self.registry = registry
        self.calls = []

    def erase(self, principal, *, rule, reason):
        self.calls.append((principal, rule))
        for consent in self.registry.for_principal(principal):
            if consent.status in (ConsentStatus.ACTIVE, ConsentStatus.PAUSED):
                self.registry.set_status(consent.consent_id, ConsentStatus.REVOKED, at=NOW,
                                         reason=reason, actor="test")
        return principal


@pytest.fixture
def registry():
    return ConsentRegistry("sqlite://")


@pytest.fixture
def eraser(registry):
    return RecordingEraser(registry)


def test_revoking_the_only_consent_erases_with_the_withdrawal_rule(registry, eraser):
    alone, covered = _token("alone"), _token("covered")
    registry.record(_consent("a-1", alone))
    registry.record(_consent("c-1", covered))
    registry.record(_consent("c-2", covered))
    withdrawal = ConsentWithdrawal(registry, eraser)
    withdrawal.attach()

    registry.set_status("a-1", ConsentStatus.REVOKED, at=NOW, reason="withdrawn in app")
    registry.set_status("c-1", ConsentStatus.REVOKED, at=NOW, reason="withdrawn in app")
    assert eraser.calls == [(alone, "dpdp.s6.consent_withdrawn")]
    assert withdrawal.erased == [alone]
    assert registry.get("c-2").status is ConsentStatus.ACTIVE


def test_another_consent_for_other_purposes_does_not_keep_the_data(registry, eraser):
    principal = _token("two purposes")
    registry.record(_consent("p-1", principal, purposes=("fraud_detection",)))
    registry.record(_consent("p-2", principal, purposes=("spending_insights",)))
    ConsentWithdrawal(registry, eraser).attach()
    registry.set_status("p-1", ConsentStatus.REVOKED, at=NOW, reason="withdrawn")
    assert eraser.calls == [(principal, "dpdp.s6.consent_withdrawn")]
    assert registry.get("p-2").status is ConsentStatus.REVOKED  # one erasure, no recursion


def test_pausing_erases_nothing(registry, eraser):
    registry.record(_consent("x-1", _token("paused")))
    ConsentWithdrawal(registry, eraser).attach()
    registry.set_status("x-1", ConsentStatus.PAUSED, at=NOW, reason="paused in app")
    assert eraser.calls == []


def test_the_sweep_erases_expired_consents_once_per_principal(registry, eraser):
    short, kept = _token("short"), _token("kept")
    registry.record(_consent("s-1", short, days=10))
    registry.record(_consent("s-2", short, days=20))
    registry.record(_consent("k-1", kept, days=10))
    registry.record(_consent("k-2", kept, days=365))
    registry.expire_due(NOW)  # no listener attached: nothing reacted

    reports = ConsentWithdrawal(registry, eraser).process_lapsed(NOW)
    assert reports == [short]
    assert eraser.calls == [(short, "dpdp.s8_7.consent_expired")]
    assert ConsentWithdrawal(registry, eraser).process_lapsed(NOW, since=NOW) == []


@pytest.mark.slow
def test_revocation_end_to_end_erases_only_the_principal_without_basis(spark, workspace, built):
    upi = spark.read.format("delta").load(str(workspace.bronze_table("upi_transactions")))
    payers = [r.payer_token for r in upi.groupBy("payer_token").count()
              .orderBy(F.desc("count"), "payer_token").limit(2).collect()]
    alone, covered = payers
    registry = ConsentRegistry(consent_db_url(workspace))
    registry.record(_consent("a-1", alone))
    registry.record(_consent("c-1", covered))
    registry.record(_consent("c-2", covered))
    withdrawal = ConsentWithdrawal(registry, Eraser.for_workspace(workspace, spark=spark,
                                                                  consents=registry))
    withdrawal.attach()

    registry.set_status("a-1", ConsentStatus.REVOKED, at=NOW, reason="withdrawn in app")
    registry.set_status("c-1", ConsentStatus.REVOKED, at=NOW, reason="withdrawn in app")

    [report] = withdrawal.erased
    assert report.principal == alone and report.rows_deleted > 0
    assert report.online == {"upi_payer_features": 1}
    gold = spark.read.format("delta").load(str(workspace.gold_table(GOLD_TABLE)))
    remaining = {r.payer_token: r["count"] for r in gold.where(F.col("payer_token")
                 .isin(payers)).groupBy("payer_token").count().collect()}
    assert set(remaining) == {covered}
    assert registry.get("c-2").status is ConsentStatus.ACTIVE


@pytest.mark.slow
def test_consent_revoke_with_a_workspace_erases_through_the_cli(spark, workspace, built):
    upi = spark.read.format("delta").load(str(workspace.bronze_table("upi_transactions")))
    token = upi.select("payer_token").orderBy("payer_token").first().payer_token
    url = consent_db_url(workspace)
    ConsentRegistry(url).record(_consent("cli-1", token))

    result = CliRunner().invoke(app, ["consent", "revoke", "cli-1", "--db", url, "--reason",
                                      "withdrawn in app", "--workspace", str(workspace.root)])

    assert result.exit_code == 0, result.output
    for table in (workspace.bronze_table("upi_transactions"), workspace.gold_table(GOLD_TABLE)):
        rows = spark.read.format("delta").load(str(table))
        assert rows.where(F.col("payer_token") == token).count() == 0
    assert ConsentRegistry(url).get("cli-1").status is ConsentStatus.REVOKED

"""Retention: rows older than the cut-off go, younger rows stay; lapsed principals are erased."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from pyspark.sql import functions as F
from typer.testing import CliRunner

from featurestore.definitions import GOLD_TABLE
from nijta.cli import app
from policies.consent import ConsentArtefact, ConsentRegistry, ConsentSource, ConsentStatus
from policies.erasure.exceptions import LakeTableError
from policies.erasure.locations import audit_log_path, consent_db_url
from policies.erasure.retention import purge_expired

pytestmark = pytest.mark.slow

CUTOFF = datetime(2026, 8, 11, tzinfo=UTC)
NOW = CUTOFF + timedelta(days=365)  # fraud_detection keeps rows 365 days (policies/defaults)


def test_purge_deletes_only_rows_before_the_cutoff(spark, tmp_path):
    path = tmp_path / "t"
    times = [datetime(2026, 8, d, 12, tzinfo=UTC) for d in (1, 10, 11, 20)]
    spark.createDataFrame([(f"r{i}", t) for i, t in enumerate(times)] + [("r9", None)],
                          "id string, event_ts timestamp").write.format("delta").save(str(path))
    naive_cutoff = datetime(2026, 8, 11, 12)  # UTC: the day-11 row is not older
    assert purge_expired(spark, path, "event_ts", naive_cutoff, dry_run=True) == 2
    assert purge_expired(spark, path, "event_ts", naive_cutoff) == 2
    left = sorted(r.id for r in spark.read.format("delta").load(str(path)).collect())
    assert left == ["r2", "r3", "r9"]  # a row without a time is kept: its age is unknown
    with pytest.raises(LakeTableError, match="no time column 'ts'"):
        purge_expired(spark, path, "ts", naive_cutoff)


def _consent(consent_id, principal):
    return ConsentArtefact(consent_id=consent_id, principal=principal,
                           purposes=("fraud_detection",), categories=("financial",),
                           start=CUTOFF - timedelta(days=30), expiry=NOW + timedelta(days=30),
                           source=ConsentSource(kind="app_consent_manager", reference="m-1"))


def _run(*args):
    result = CliRunner().invoke(app, ["retention", "run", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_retention_run_purges_past_cutoff_and_erases_lapsed_principals(spark, workspace):
    bronze = workspace.bronze_table("upi_transactions")
    upi = spark.read.format("delta").load(str(bronze))
    lapsed = upi.where(F.col("event_ts") >= CUTOFF).first().payer_token
    registry = ConsentRegistry(consent_db_url(workspace))
    registry.record(_consent("gone", lapsed))
    registry.set_status("gone", ConsentStatus.REVOKED, at=CUTOFF, reason="withdrawn in app")
    older = upi.where(F.col("event_ts") < CUTOFF).count()
    younger_of_others = upi.where((F.col("event_ts") >= CUTOFF)
                                  & (F.col("payer_token") != lapsed)
                                  & (F.col("payee_token") != lapsed)).count()
    gold_rows = spark.read.format("delta").load(str(workspace.gold_table(GOLD_TABLE))).count()
    args = ["--workspace", str(workspace.root), "--now", NOW.isoformat()]

    dry = _run(*args, "--dry-run")
    assert dry["tables"] == {"bronze/upi_transactions": older} and older > 0
    assert spark.read.format("delta").load(str(bronze)).count() == upi.count()
    assert not audit_log_path(workspace).exists()

    report = _run(*args)
    assert report["tables"] == dry["tables"]
    assert report["cutoffs"]["upi_transactions"]["cutoff"] == CUTOFF.isoformat()
    assert [e["principal"] for e in report["erasures"]] == [lapsed]
    after = spark.read.format("delta").load(str(bronze))
    assert after.where(F.col("event_ts") < CUTOFF).count() == 0
    assert after.count() == younger_of_others
    assert after.where((F.col("payer_token") == lapsed) | (F.col("payee_token") == lapsed)) \
        .count() == 0
    gold = spark.read.format("delta").load(str(workspace.gold_table(GOLD_TABLE)))
    assert gold.where(F.col("payer_token") == lapsed).count() == 0
    assert gold.count() == gold_rows - report["erasures"][0]["tables"][f"gold/{GOLD_TABLE}"]
    kinds = [json.loads(line)["kind"] for line in audit_log_path(workspace).read_text()
             .splitlines()]
    assert kinds.count("retention") == 1 and kinds.count("erasure") == 1

"""Delta side of erasure: which tables and columns hold principals, deletes, VACUUM plans."""

from datetime import UTC, datetime

import pytest
from pyspark.sql import functions as F
from pyspark.sql.types import LongType, StringType, StructField, StructType

from featurestore.definitions import GOLD_TABLE, PAYER_KEY
from policies.erasure.exceptions import LakeTableError, VacuumRefused
from policies.erasure.lake import (
    PrincipalColumns,
    VacuumPlan,
    delete_rows,
    discover_tables,
    run_vacuum,
    vacuum_plan,
)

SCHEMA = StructType([StructField("payer_token", StringType()),
                     StructField("card_token", LongType()),
                     StructField("customer", StringType()), StructField("amount", LongType())])


def test_default_columns_are_string_token_columns_and_join_keys():
    columns = PrincipalColumns(join_keys=frozenset({"customer"}))
    assert columns.of("bronze/t", SCHEMA) == ("payer_token", "customer")  # not a long *_token
    assert PrincipalColumns().of("bronze/t", SCHEMA) == ("payer_token",)


def test_explicit_columns_replace_the_default_and_must_exist():
    columns = PrincipalColumns(tables={"bronze/t": ("customer",)})
    assert columns.of("bronze/t", SCHEMA) == ("customer",)
    assert columns.of("gold/other", SCHEMA) == ("payer_token",)
    with pytest.raises(LakeTableError, match=r"bronze/t.*\['nope'\]"):
        PrincipalColumns(tables={"bronze/t": ("nope",)}).of("bronze/t", SCHEMA)


def test_vacuum_plan_commands_name_tables_and_retention(tmp_path):
    at = datetime(2026, 9, 1, tzinfo=UTC)
    plan = VacuumPlan(tables=(tmp_path / "a",), retention_hours=24, not_before=at,
                      purge_first=(tmp_path / "a",))
    assert plan.commands == [f"REORG TABLE delta.`{tmp_path / 'a'}` APPLY (PURGE)",
                             f"VACUUM delta.`{tmp_path / 'a'}` RETAIN 24 HOURS"]


@pytest.mark.slow
def test_discovers_bronze_and_gold_with_their_principal_columns(spark, workspace):
    tables = discover_tables(spark, workspace.lake,
                             PrincipalColumns(join_keys=frozenset({PAYER_KEY})))
    assert {t.name: t.principal_columns for t in tables} == {
        "bronze/customer_profiles": ("vpa_token",),
        "bronze/upi_transactions": ("payer_token", "payer_mobile_token", "payer_account_token",
                                    "payee_token"),
        f"gold/{GOLD_TABLE}": ("payer_token",),
    }


@pytest.mark.slow
def test_delete_counts_from_the_commit_repeats_without_one_and_vacuum_frees_files(spark,
                                                                                   tmp_path):
    path = tmp_path / "t"
    spark.createDataFrame([("a", "x"), ("b", "a"), ("c", "d")], "payer_token string, "
                          "payee_token string").repartition(3).write.format("delta") \
        .save(str(path))
    condition = F.col("payer_token").isin(["a"]) | F.col("payee_token").isin(["a"])
    assert delete_rows(spark, path, condition, dry_run=True) == 2
    assert delete_rows(spark, path, condition) == 2
    assert delete_rows(spark, path, condition) == 0
    versions = [r.version for r in spark.sql(f"DESCRIBE HISTORY delta.`{path}`").collect()]
    assert sorted(versions) == [0, 1]
    assert [r.payer_token for r in spark.read.format("delta").load(str(path)).collect()] == ["c"]

    plan = vacuum_plan(spark, [path], retention_hours=0, deleted_at=datetime.now(UTC))
    assert plan.purge_first == ()  # no deletion vectors: the DELETE rewrote or dropped files
    with pytest.raises(VacuumRefused, match="retentionDurationCheck"):
        run_vacuum(spark, plan)
    assert spark.read.format("delta").option("versionAsOf", 0).load(str(path)).count() == 3
    spark.conf.set("spark.databricks.delta.retentionDurationCheck.enabled", "false")
    try:
        run_vacuum(spark, plan)
    finally:
        spark.conf.unset("spark.databricks.delta.retentionDurationCheck.enabled")
    left = spark.read.parquet(*[str(p) for p in path.glob("*.parquet")]).collect()
    assert [r.payer_token for r in left] == ["c"]  # the deleted rows' files are gone

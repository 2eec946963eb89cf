import pytest
from delta.tables import DeltaTable

pytestmark = pytest.mark.slow


def test_write_merge_time_travel(spark, tmp_path):
    path = str(tmp_path / "accounts")
    spark.createDataFrame([("a", 1.0), ("b", 2.0)], "id string, balance double") \
        .write.format("delta").save(path)
    updates = spark.createDataFrame([("b", 20.0), ("c", 3.0)], "id string, balance double")
    (DeltaTable.forPath(spark, path).alias("t")
     .merge(updates.alias("u"), "t.id = u.id")
     .whenMatchedUpdateAll().whenNotMatchedInsertAll().execute())

    now = {r.id: r.balance for r in spark.read.format("delta").load(path).collect()}
    assert now == {"a": 1.0, "b": 20.0, "c": 3.0}
    before = {r.id: r.balance for r in
              spark.read.format("delta").option("versionAsOf", 0).load(path).collect()}
    assert before == {"a": 1.0, "b": 2.0}
    assert DeltaTable.forPath(spark, path).history().count() == 2


def test_session_is_utc_and_delta_enabled(spark):
    assert spark.conf.get("spark.sql.session.timeZone") == "UTC"
    assert "DeltaSparkSessionExtension" in spark.conf.get("spark.sql.extensions")
    assert "spark.jars.packages" not in dict(spark.sparkContext.getConf().getAll())

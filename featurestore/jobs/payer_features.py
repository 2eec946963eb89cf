"""Spark job: per-payer UPI features at every transaction, bronze → gold Delta.

Self-contained (pyspark only) so it runs unchanged under ``spark-submit --master local[2]``,
``--master yarn`` or ``k8s://…``; Delta is configured by the submit command
(:func:`featurestore.spark.spark_submit_command`).

Each output row is a payer at the time of one of their successful transactions (the last one
when several share a second), with features over the windows that end at (and include) it:
counts and amounts over 1 h / 24 h / 7 d, distinct payees over 7 d, the 7-day share of
night-time payments (23:00–05:00 IST), and the amount's z-score against the payer's previous
30 days. ``event_timestamp`` is the transaction time, so Feast's
point-in-time join sees exactly what was known then.

    spark-submit … payer_features.py --bronze PATH --gold PATH
"""

from __future__ import annotations

import argparse

from pyspark.sql import Column, DataFrame, SparkSession, Window
from pyspark.sql import functions as F

HOUR, DAY = 3600, 86_400
WINDOWS = {"1h": HOUR, "24h": DAY, "7d": 7 * DAY}
ZSCORE_HISTORY_S = 30 * DAY
NIGHT_HOURS_IST = (23, 0, 1, 2, 3, 4)


def _trailing(seconds: int, *, include_current: bool = True) -> Window:
    end = Window.currentRow if include_current else -1
    return (Window.partitionBy("payer_token").orderBy("_t")
            .rangeBetween(-seconds, end))


def _zscore(amount: Column) -> Column:
    history = _trailing(ZSCORE_HISTORY_S, include_current=False)
    mean, std = F.avg(amount).over(history), F.stddev_samp(amount).over(history)
    return F.when(std > 0, (amount - mean) / std).otherwise(F.lit(0.0))


def payer_features(bronze: DataFrame) -> DataFrame:
    """The gold feature rows for the successful transactions in ``bronze``."""
    txns = (bronze.where(F.col("status") == "SUCCESS")
            .select("txn_id", "payer_token", "payee_token", "amount",
                    F.col("event_ts").alias("event_timestamp"))
            .withColumn("_t", F.col("event_timestamp").cast("long"))
            .withColumn("_night", F.hour(F.from_utc_timestamp("event_timestamp", "Asia/Kolkata"))
                        .isin(*NIGHT_HOURS_IST).cast("double")))
    features = [F.col(c) for c in ("payer_token", "event_timestamp", "txn_id")]
    for label, seconds in WINDOWS.items():
        window = _trailing(seconds)
        features += [F.count("*").over(window).alias(f"txn_count_{label}"),
                     F.sum("amount").over(window).alias(f"txn_amount_{label}")]
    week = _trailing(WINDOWS["7d"])
    features += [
        F.size(F.collect_set("payee_token").over(week)).cast("long").alias("distinct_payees_7d"),
        F.avg("_night").over(week).alias("night_share_7d"),
        _zscore(F.col("amount")).alias("amount_zscore"),
        F.current_timestamp().alias("created_timestamp"),
    ]
    # Feast's point-in-time join needs one row per (payer, event time); payments of one payer
    # in the same second share their window aggregates, so keep the last by txn_id.
    same_second = Window.partitionBy("payer_token", "event_timestamp").orderBy(F.desc("txn_id"))
    return (txns.select(*features).withColumn("_rank", F.row_number().over(same_second))
            .where("_rank = 1").drop("_rank"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bronze", required=True, help="path of the bronze UPI Delta table")
    parser.add_argument("--gold", required=True, help="path of the gold feature Delta table")
    args = parser.parse_args(argv)
    spark = SparkSession.builder.appName("nijta-payer-features").getOrCreate()
    bronze = spark.read.format("delta").load(args.bronze)
    (payer_features(bronze).write.format("delta").mode("overwrite")
     .option("overwriteSchema", "true").save(args.gold))
    spark.stop()


if __name__ == "__main__":
    main()

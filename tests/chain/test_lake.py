"""Bronze and gold tables of the chain, checked against the source and an independent pandas."""

import numpy as np
import pandas as pd
import pytest

from anonymize.keys import LocalKeyStore
from anonymize.tokens import Tokenizer
from featurestore.definitions import GOLD_TABLE

pytestmark = pytest.mark.slow

HOUR, DAY = pd.Timedelta(hours=1), pd.Timedelta(days=1)


def test_bronze_is_source_minus_rejected(chain, spark, source):
    bronze = spark.read.format("delta").load(chain["tables"]["bronze"]).toPandas()
    expected = set(source.transactions["txn_id"]) - source.malformed_txn_ids
    assert chain["rows"]["rejected"] == len(source.malformed_txn_ids) > 0
    assert chain["rows"]["bronze"] == chain["rows"]["source"] - chain["rows"]["rejected"]
    assert set(bronze["txn_id"]) == expected and len(bronze) == len(expected)
    assert sum(chain["rejected_by_rule"].values()) == chain["rows"]["rejected"]
    assert {"payer_name", "payee_name", "payer_vpa", "remarks"}.isdisjoint(bronze.columns)


def _pandas_features(txns: pd.DataFrame) -> pd.DataFrame:
    """The gold windows, computed row by row with plain pandas."""
    txns = txns.sort_values("ts").reset_index(drop=True)
    ist_hour = (txns["ts"] + pd.Timedelta(hours=5, minutes=30)).dt.hour
    night = ist_hour.isin([23, 0, 1, 2, 3, 4]).astype(float)
    rows = []
    for t, amount in zip(txns["ts"], txns["amount"], strict=True):
        def window(span, t=t):
            return (txns["ts"] >= t - span) & (txns["ts"] <= t)
        week = window(7 * DAY)
        prior = (txns["ts"] >= t - 30 * DAY) & (txns["ts"] < t)
        std = txns.loc[prior, "amount"].std(ddof=1)
        mean = txns.loc[prior, "amount"].mean()
        rows.append({
            "txn_count_1h": window(HOUR).sum(),
            "txn_amount_1h": txns.loc[window(HOUR), "amount"].sum(),
            "txn_count_24h": window(DAY).sum(),
            "txn_amount_24h": txns.loc[window(DAY), "amount"].sum(),
            "txn_count_7d": week.sum(), "txn_amount_7d": txns.loc[week, "amount"].sum(),
            "distinct_payees_7d": txns.loc[week, "payee_vpa"].nunique(),
            "night_share_7d": night[week].mean(),
            "amount_zscore": (amount - mean) / std if std > 0 else 0.0,
        })
    return pd.concat([txns[["txn_id"]], pd.DataFrame(rows)], axis=1)


def test_gold_equals_independent_pandas(workspace, spark, source):
    gold = spark.read.format("delta").load(str(workspace.gold_table(GOLD_TABLE))).toPandas()
    valid = source.transactions[~source.transactions["txn_id"].isin(source.malformed_txn_ids)]
    valid = valid[valid["status"] == "SUCCESS"].assign(ts=lambda d: pd.to_datetime(d["event_ts"]))
    tokenizer = Tokenizer(LocalKeyStore(workspace.key_file))
    busiest = valid["payer_vpa"].value_counts().index[:3].tolist()
    sampled = busiest + valid["payer_vpa"].drop_duplicates().sample(5, random_state=1).tolist()
    for vpa in sampled:
        expected = _pandas_features(valid[valid["payer_vpa"] == vpa])
        actual = gold[gold["payer_token"] == tokenizer.tokenize("upi_vpa", vpa)]
        assert len(actual) > 0
        merged = actual.merge(expected, on="txn_id", suffixes=("", "_pd"), validate="1:1")
        assert len(merged) == len(actual)
        for name in expected.columns.drop("txn_id"):
            np.testing.assert_allclose(
                merged[name].astype(float), merged[f"{name}_pd"].astype(float),
                rtol=1e-9, atol=1e-9, err_msg=f"payer #{sampled.index(vpa)}: {name}")

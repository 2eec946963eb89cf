"""The synthetic UPI stream must be shaped like a real switch feed, carry deliberately broken rows
for the validator, and hide its fraud label in per-payer behaviour rather than raw amounts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from connectors.sandbox.population import generate_population
from connectors.sandbox.upi_transactions import (
    COLUMNS,
    FIRST_FRAUD_DAY,
    MALFORMATIONS,
    NIGHT_HOURS_IST,
    UpiDataset,
    generate_upi_transactions,
)

TS_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


@pytest.fixture(scope="module")
def population() -> pd.DataFrame:
    return generate_population()


@pytest.fixture(scope="module")
def dataset(population: pd.DataFrame) -> UpiDataset:
    return generate_upi_transactions(population)


@pytest.fixture(scope="module")
def clean(dataset: UpiDataset) -> pd.DataFrame:
    """Well-formed rows with parsed timestamps and the first-payment-to-payee flag."""
    tx = dataset.transactions
    df = tx[~tx["txn_id"].isin(dataset.malformed_txn_ids)].copy()
    df["ts"] = pd.to_datetime(df["event_ts"], format=TS_FORMAT, utc=True)
    df["new_payee"] = ~df.duplicated(["payer_vpa", "payee_vpa"])
    ist_hour = (df["ts"] + pd.Timedelta(minutes=330)).dt.hour
    df["night"] = ist_hour.isin(NIGHT_HOURS_IST)
    return df


def _is_well_formed(tx: pd.DataFrame) -> pd.Series:
    """What an ingestion validator checks row by row."""
    parsed = pd.to_datetime(tx["event_ts"], format=TS_FORMAT, utc=True, errors="coerce")
    return (
        (tx["amount"] > 0)
        & tx["payer_vpa"].map(lambda v: isinstance(v, str) and "@" in v)
        & (tx["currency"] == "INR")
        & parsed.notna()
    )


def test_row_count_and_columns(dataset: UpiDataset) -> None:
    tx = dataset.transactions
    assert abs(len(tx) - 200_000) <= 6_000
    assert tuple(tx.columns) == COLUMNS
    assert tx["amount"].dtype == np.float64
    assert tx["is_fraud"].dtype == bool
    assert all(tx[c].dtype == object for c in COLUMNS if c not in ("amount", "is_fraud"))


def test_identifiers_and_formats(clean: pd.DataFrame) -> None:
    tx = clean
    assert tx["txn_id"].str.fullmatch(r"NIJ[0-9A-F]{32}").all() and tx["txn_id"].is_unique
    assert tx["rrn"].str.fullmatch(r"\d{12}").all() and tx["rrn"].is_unique
    assert tx["ts"].is_monotonic_increasing
    assert tx["ts"].min() >= pd.Timestamp("2026-08-01", tz="UTC")
    assert tx["ts"].max() < pd.Timestamp("2026-10-30", tz="UTC")
    assert (tx["amount"].round(2) == tx["amount"]).all()
    assert set(tx["status"]) == {"SUCCESS"} and set(tx["currency"]) == {"INR"}
    assert tx["mcc"].str.fullmatch(r"\d{4}").all()
    assert ((tx["mcc"] == "0000") == (tx["payee_type"] == "PERSON")).all()


def test_payer_details_come_from_the_population(
    clean: pd.DataFrame, population: pd.DataFrame
) -> None:
    joined = clean.merge(population, left_on="payer_vpa", right_on="vpa", validate="many_to_one")
    assert len(joined) == len(clean)
    assert (joined["payer_name"] == joined["name"]).all()
    assert (joined["payer_mobile"] == joined["mobile"]).all()
    assert (joined["payer_account"] == joined["account_number"]).all()
    assert (joined["payer_ifsc"] == joined["bank_ifsc"]).all()
    people = set(population["vpa"])
    assert clean.loc[clean["payee_type"] == "PERSON", "payee_vpa"].isin(people).all()
    merchants = clean.loc[clean["payee_type"] == "MERCHANT", "payee_vpa"]
    assert not merchants.isin(people).any()
    assert 250 <= merchants.nunique() <= 300
    assert (clean["payer_vpa"] != clean["payee_vpa"]).all()


def test_remarks_carry_no_personal_data(clean: pd.DataFrame, population: pd.DataFrame) -> None:
    remarks = set(clean["remarks"])
    assert 10 <= len(remarks) <= 60
    name_parts = {part.lower() for name in population["name"] for part in name.split()}
    assert not any(word in name_parts for r in remarks for word in r.lower().split())
    assert not any(ch.isdigit() for r in remarks for ch in r)


def test_legit_behaviour_is_mostly_daytime_and_habitual(clean: pd.DataFrame) -> None:
    legit = clean[~clean["is_fraud"]]
    assert 0.03 <= legit["night"].mean() <= 0.07
    assert legit["new_payee"].mean() < 0.25
    per_payer = legit.groupby("payer_vpa").size()
    assert per_payer.max() > 10 * per_payer.median()  # heavy-tailed activity


def test_fraud_rate_and_victim_share(clean: pd.DataFrame, population: pd.DataFrame) -> None:
    assert 0.004 <= clean["is_fraud"].mean() <= 0.015
    victims = clean.loc[clean["is_fraud"], "payer_vpa"].nunique()
    assert 0.03 <= victims / len(population) <= 0.045


def _episodes(clean: pd.DataFrame) -> pd.DataFrame:
    """Fraud rows numbered by episode: a new episode starts after an hour's silence."""
    fraud = clean[clean["is_fraud"]].sort_values(["payer_vpa", "ts"])
    gap = fraud.groupby("payer_vpa")["ts"].diff()
    fraud = fraud.assign(episode=(gap.isna() | (gap > pd.Timedelta(hours=1))).cumsum())
    return fraud


def test_fraud_rows_are_night_bursts_to_new_payees(clean: pd.DataFrame) -> None:
    fraud = _episodes(clean)
    shape = fraud.groupby("episode").agg(
        size=("ts", "size"), span=("ts", lambda t: t.max() - t.min()), start=("ts", "min"),
        night=("night", "first"),
    )
    assert shape["size"].between(3, 10).all()
    assert (shape["span"] <= pd.Timedelta(minutes=60)).all()
    assert (shape["start"] >= clean["ts"].min() + pd.Timedelta(days=FIRST_FRAUD_DAY)).all()
    assert 0.55 <= shape["night"].mean() <= 0.85
    assert fraud["new_payee"].mean() >= 0.6
    legit = clean[~clean["is_fraud"]]
    earlier = fraud.merge(legit[["payer_vpa", "payee_vpa", "ts"]], on=["payer_vpa", "payee_vpa"])
    assert not (earlier["ts_y"] < earlier["ts_x"]).any()  # never paid before the takeover


def test_fraud_amounts_are_several_times_the_victims_usual(clean: pd.DataFrame) -> None:
    usual = clean[~clean["is_fraud"]].groupby("payer_vpa")["amount"].median()
    fraud = clean[clean["is_fraud"]]
    ratio = fraud["amount"] / fraud["payer_vpa"].map(usual)
    assert 3 <= ratio.median() <= 12
    assert (ratio > 1.5).mean() > 0.9


def test_malformed_rows_are_flagged_and_fail_validation(dataset: UpiDataset) -> None:
    tx = dataset.transactions
    bad = tx["txn_id"].isin(dataset.malformed_txn_ids)
    assert bad.sum() == len(dataset.malformed_txn_ids) == round(0.001 * len(tx))
    assert not tx.loc[bad, "is_fraud"].any()
    assert not _is_well_formed(tx[bad]).any()
    assert _is_well_formed(tx[~bad]).all()
    assert tx.loc[bad, "payer_vpa"].isna().any() and tx.loc[bad, "event_ts"].isna().any()
    assert (tx.loc[bad, "event_ts"] == "not-a-time").any() and (tx["currency"] == "USD").any()
    assert (tx.loc[bad, "amount"] <= 0).any()
    assert len(MALFORMATIONS) == 6


def test_malformed_rate_edges(population: pd.DataFrame) -> None:
    tiny = generate_upi_transactions(population[:300], n_transactions=1_000, days=30,
                                     malformed_rate=1e-6)
    assert len(tiny.malformed_txn_ids) == 1
    none = generate_upi_transactions(population[:300], n_transactions=1_000, days=30,
                                     malformed_rate=0.0)
    assert none.malformed_txn_ids == frozenset()
    assert _is_well_formed(none.transactions).all()


def test_same_seed_same_stream(population: pd.DataFrame) -> None:
    small = population[:300]
    first = generate_upi_transactions(small, n_transactions=20_000, days=30, seed=5)
    second = generate_upi_transactions(small, n_transactions=20_000, days=30, seed=5)
    pd.testing.assert_frame_equal(first.transactions, second.transactions)
    assert first.malformed_txn_ids == second.malformed_txn_ids
    other = generate_upi_transactions(small, n_transactions=20_000, days=30, seed=6)
    assert not other.transactions["txn_id"].isin(first.transactions["txn_id"]).any()


def _behaviour_features(clean: pd.DataFrame) -> pd.DataFrame:
    """Per-payer features at each payment, as the feature store computes them: payments in
    the last hour (inclusive) and the amount's z-score against the previous 30 days."""
    df = clean.sort_values(["payer_vpa", "ts"], kind="stable").reset_index(drop=True)
    grouped = df.groupby("payer_vpa", sort=True)

    def rolling(window: str, how: str, closed: str = "right") -> np.ndarray:
        rolled = getattr(grouped.rolling(window, on="ts", closed=closed)["amount"], how)()
        assert (rolled.index.get_level_values("ts") == df["ts"]).all()
        return rolled.to_numpy()

    mean_30d, std_30d = rolling("30D", "mean", "left"), rolling("30D", "std", "left")
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (df["amount"].to_numpy() - mean_30d) / std_30d
    return df.assign(
        count_1h=np.log1p(rolling("1h", "count")),
        amount_z=np.clip(np.nan_to_num(z, nan=0.0, posinf=0.0, neginf=0.0), -5, 20),
    )


def test_fraud_is_learnable_from_behaviour_but_not_from_amount(clean: pd.DataFrame) -> None:
    df = _behaviour_features(clean)
    cutoff = df["ts"].min() + pd.Timedelta(days=72)  # last 20% of 90 days held out
    train, test = df[df["ts"] < cutoff], df[df["ts"] >= cutoff]
    columns = ["count_1h", "amount_z", "night", "new_payee"]
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    model.fit(train[columns].astype(float), train["is_fraud"])
    score = model.predict_proba(test[columns].astype(float))[:, 1]
    assert test["is_fraud"].sum() >= 50
    assert roc_auc_score(test["is_fraud"], score) >= 0.85
    assert roc_auc_score(test["is_fraud"], test["amount"]) <= 0.70

"""One definition, two paths: Feast offline equals online; the API serves the model on them."""

import math
from datetime import timedelta

import httpx
import pandas as pd
import pytest

from connectors.sandbox.loopback import LoopbackServer
from featurestore.definitions import FEATURE_NAMES, FEATURE_SERVICE, PAYER_KEY
from featurestore.feast_repo import open_feature_store
from serving.app import create_app
from training.model_card import ModelCard

pytestmark = pytest.mark.slow


def test_online_features_equal_offline(workspace, latest):
    store = open_feature_store(workspace)
    service = store.get_feature_service(FEATURE_SERVICE)
    tokens = latest[PAYER_KEY].sample(12, random_state=3).tolist()
    end = latest["event_timestamp"].max() + timedelta(seconds=1)
    offline = store.get_historical_features(
        entity_df=pd.DataFrame({PAYER_KEY: tokens, "event_timestamp": [end] * len(tokens)}),
        features=service).to_df().set_index(PAYER_KEY)
    online = pd.DataFrame(store.get_online_features(
        features=service, entity_rows=[{PAYER_KEY: t} for t in tokens]).to_dict()
    ).set_index(PAYER_KEY)
    assert online[list(FEATURE_NAMES)].notna().all().all()
    for token in tokens:
        for name in FEATURE_NAMES:
            assert math.isclose(float(offline.at[token, name]), float(online.at[token, name]),
                                rel_tol=1e-9), name


def test_materialized_every_payer_active_in_the_ttl(chain, latest):
    end = latest["event_timestamp"].max() + timedelta(seconds=1)
    active = (latest["event_timestamp"] >= end - timedelta(days=30)).sum()
    assert chain["rows"]["online_payers"] == active > 0


def test_model_learned_and_names_its_feature_service(chain, workspace):
    card = ModelCard.load(workspace.models / "upi_fraud")
    assert card.feature_service == FEATURE_SERVICE
    assert card.features == list(FEATURE_NAMES)
    assert card.world_size == 2
    assert chain["auc"] == round(card.holdout_auc, 4) >= 0.75


def test_predict_known_and_unknown_tokens(chain, workspace, latest):
    token = latest[PAYER_KEY].iloc[0]
    with LoopbackServer(create_app(workspace)) as server:
        known = httpx.post(f"{server.url}/v1/predict/upi_fraud", json={PAYER_KEY: token})
        unknown = httpx.post(f"{server.url}/v1/predict/upi_fraud",
                             json={PAYER_KEY: "tok_" + "0" * 32})
        no_model = httpx.post(f"{server.url}/v1/predict/nope", json={PAYER_KEY: token})
        malformed = httpx.post(f"{server.url}/v1/predict/upi_fraud", json={PAYER_KEY: "9845012763"})
    assert known.status_code == 200
    body = known.json()
    assert 0.0 <= body["score"] <= 1.0 and body["feature_service"] == FEATURE_SERVICE
    assert body["features"]["txn_count_7d"] == latest.iloc[0]["txn_count_7d"]
    assert unknown.status_code == 404 and no_model.status_code == 404
    assert malformed.status_code == 422
    assert chain["prediction"]["payer_token"].startswith("tok_")
    assert 0.0 <= chain["prediction"]["score"] <= 1.0

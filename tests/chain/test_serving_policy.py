"""Serving under the policy: client and purpose per request, consent, and the children's rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from connectors.sandbox.loopback import LoopbackServer
from featurestore.definitions import PAYER_KEY
from policies.consent import ConsentArtefact, ConsentRegistry
from policies.consent.artefacts import ConsentSource
from policies.enforcement import PolicyEngine
from policies.loading import DEFAULT_POLICY_DIR, load_policy
from serving.app import create_app
from training.model_card import ModelCard

pytestmark = pytest.mark.slow

BEHAVIOURAL = {"distinct_payees_7d", "night_share_7d", "amount_zscore"}
NOW = datetime.now(UTC)


def _consent(token: str, consent_id: str, *, child: bool = False) -> ConsentArtefact:
    return ConsentArtefact(
        consent_id=consent_id, principal=token, purposes=("fraud_detection",),
        categories=("identifier", "financial", "behavioural", "reference", "non_personal"),
        start=NOW - timedelta(days=1), expiry=NOW + timedelta(days=30),
        source=ConsentSource(kind="app_consent_manager"), principal_is_child=child,
        verifiable_parental_consent=child)


@pytest.fixture(scope="module")
def served(workspace, latest, tmp_path_factory):
    """Three payers: an adult with consent, a child with parental consent, one without."""
    adult, child, nobody = (latest[PAYER_KEY].iloc[i] for i in range(3))
    registry = ConsentRegistry(f"sqlite:///{tmp_path_factory.mktemp('consents')}/c.db")
    registry.record(_consent(adult, "c-adult"))
    registry.record(_consent(child, "c-child", child=True))
    engine = PolicyEngine(load_policy(DEFAULT_POLICY_DIR), consents=registry)
    with LoopbackServer(create_app(workspace, policy=engine)) as server:
        def predict(token: str, client: str = "fraud_api",
                    purpose: str = "fraud_detection") -> httpx.Response:
            return httpx.post(f"{server.url}/v1/predict/upi_fraud", timeout=30,
                              json={PAYER_KEY: token, "client": client, "purpose": purpose})
        yield {"adult": adult, "child": child, "nobody": nobody, "predict": predict}


def test_an_adult_with_consent_gets_every_feature(served):
    body = served["predict"](served["adult"]).json()
    assert body["withheld"] == {} and body["decision_rule"] == "consent.active"
    assert set(body["features"]) >= BEHAVIOURAL


def test_a_child_is_scored_without_behavioural_features(served, workspace):
    response = served["predict"](served["child"])
    assert response.status_code == 200
    body = response.json()
    assert set(body["withheld"]) == BEHAVIOURAL
    assert set(body["withheld"].values()) == {"dpdp.s9.children.no_tracking"}
    assert not BEHAVIOURAL & set(body["features"])
    card = ModelCard.load(workspace.models / "upi_fraud")
    assert set(card.neutral_values) == set(card.features) and 0.0 <= body["score"] <= 1.0


def test_no_consent_wrong_client_or_purpose_are_refused(served):
    no_consent = served["predict"](served["nobody"])
    wrong_client = served["predict"](served["adult"], client="lending_api")
    unknown_purpose = served["predict"](served["adult"], purpose="marketing")
    assert no_consent.status_code == 403 and no_consent.json()["rule"].startswith("consent.")
    assert wrong_client.status_code == 403 and unknown_purpose.status_code == 403
    assert served["adult"] not in no_consent.text + wrong_client.text


def test_client_and_purpose_are_required_under_a_policy(served, workspace):
    with LoopbackServer(create_app(workspace, policy=PolicyEngine(
            load_policy(DEFAULT_POLICY_DIR)))) as server:
        bare = httpx.post(f"{server.url}/v1/predict/upi_fraud", timeout=30,
                          json={PAYER_KEY: served["adult"]})
    assert bare.status_code == 403
    assert bare.json()["rule"] == "serving.client_and_purpose_required"

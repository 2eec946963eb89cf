"""The prediction API: Feast online features of the model's own FeatureService → score.

    POST /v1/predict/{model}   {"payer_token": "tok_…", "client": "fraud_api",
                                "purpose": "fraud_detection"}  → score and the features used
    GET  /healthz

With a :class:`~policies.enforcement.PolicyEngine`, every request names its client and
purpose and is authorized per request (purpose, consent, children's rules) before any feature
is read; features the policy withholds (a child's behavioural features) are never read from
the online store: the model gets its training-average value for them instead, and the answer
lists them with the rule that withheld them.

Usage::

    app = create_app(Workspace(Path(".nijta-demo")), policy=PolicyEngine(load_policy(DIR)))
    uvicorn.run(app, host="127.0.0.1", port=8000)
"""

from __future__ import annotations

from typing import Annotated

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from feast import FeatureStore
from pydantic import BaseModel, Field

from featurestore.definitions import FEATURE_VIEW
from featurestore.feast_repo import open_feature_store
from nijta.configuration import Workspace
from policies.enforcement import PolicyEngine
from serving.exceptions import ServingDenied, ServingError, UnknownPrincipal
from serving.models import ServedModel, get_model, load_models

__all__ = ["PredictRequest", "PredictResponse", "create_app"]

TOKEN_PATTERN = r"^tok_[0-9a-f]{32}$"


class PredictRequest(BaseModel):
    payer_token: Annotated[str, Field(pattern=TOKEN_PATTERN, description="HMAC token of a payer")]
    client: str | None = Field(default=None, description="calling service, as registered in "
                               "the policy's serving_clients (required when a policy is set)")
    purpose: str | None = Field(default=None, description="purpose of the request (required "
                                "when a policy is set)")


class PredictResponse(BaseModel):
    model: str
    payer_token: str
    score: float
    feature_service: str
    features: dict[str, float]
    """The features read from the online store and scored."""
    withheld: dict[str, str] = {}
    """Features the policy withheld (scored at their training average), each with its rule."""
    decision_rule: str | None = None
    """The rule that authorized the request, when a policy is set."""


def _online_features(store: FeatureStore, model: ServedModel, token: str,
                     names: list[str]) -> dict[str, float]:
    everything = names == model.card.features
    features = (store.get_feature_service(model.card.feature_service) if everything
                else [f"{FEATURE_VIEW}:{name}" for name in names])
    response = store.get_online_features(
        features=features, entity_rows=[{model.card.entity_key: token}]).to_dict()
    values = {name: response[name][0] for name in names}
    if all(v is None for v in values.values()):
        raise UnknownPrincipal(f"no online features for that {model.card.entity_key}")
    return {name: 0.0 if v is None else float(v) for name, v in values.items()}


def _authorize(policy: PolicyEngine, model: ServedModel,
               request: PredictRequest) -> tuple[list[str], dict[str, str], str]:
    """The features that may be read, those withheld with their rules, the deciding rule."""
    if not request.client or not request.purpose:
        raise ServingDenied("serving.client_and_purpose_required",
                            "name the calling client and the purpose of the request")
    decision = policy.authorize_serving(request.client, request.purpose, model.card.features,
                                        request.payer_token)
    if not decision.allowed:
        raise ServingDenied(str(decision.rule), decision.reason)
    withheld = {r.feature: str(r.rule) for r in decision.removed}
    return list(decision.features), withheld, str(decision.rule)


def create_app(workspace: Workspace, *, policy: PolicyEngine | None = None) -> FastAPI:
    """The app over the workspace's models and Feast online store; ``policy`` authorizes
    each request (without one, every request is served: development only)."""
    models = load_models(workspace.models)
    store = open_feature_store(workspace)
    app = FastAPI(title="nijta serving")

    @app.exception_handler(ServingError)
    def serving_error(_: Request, exc: ServingError) -> JSONResponse:
        content = {"detail": str(exc)} | ({"rule": exc.rule} if isinstance(
            exc, ServingDenied) else {})
        return JSONResponse(status_code=exc.status_code, content=content)

    @app.get("/healthz")
    def healthz() -> dict[str, object]:
        return {"status": "ok", "models": sorted(models), "policy": policy is not None}

    @app.post("/v1/predict/{model_name}", response_model=PredictResponse)
    def predict(model_name: str, request: PredictRequest) -> PredictResponse:
        model = get_model(models, model_name)
        names, withheld, rule = list(model.card.features), {}, None
        if policy is not None:
            names, withheld, rule = _authorize(policy, model, request)
        features = _online_features(store, model, request.payer_token, names)
        scored = features | {name: model.card.neutral_values.get(name, 0.0)
                             for name in withheld}
        return PredictResponse(model=model_name, payer_token=request.payer_token,
                               score=model.score(scored),
                               feature_service=model.card.feature_service, features=features,
                               withheld=withheld, decision_rule=rule)

    return app

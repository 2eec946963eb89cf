"""The prediction API: Feast online features of the model's own FeatureService → score.

    POST /v1/predict/{model}   {"payer_token": "tok_…"}  → score and the features used
    GET  /healthz

Usage::

    uvicorn.run(create_app(Workspace(Path(".nijta-demo"))), host="127.0.0.1", port=8000)
"""

from __future__ import annotations

from typing import Annotated

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from feast import FeatureStore
from pydantic import BaseModel, Field

from featurestore.feast_repo import open_feature_store
from nijta.configuration import Workspace
from serving.exceptions import ServingError, UnknownPrincipal
from serving.models import ServedModel, get_model, load_models

__all__ = ["PredictRequest", "PredictResponse", "create_app"]

TOKEN_PATTERN = r"^tok_[0-9a-f]{32}$"


class PredictRequest(BaseModel):
    payer_token: Annotated[str, Field(pattern=TOKEN_PATTERN, description="HMAC token of a payer")]


class PredictResponse(BaseModel):
    model: str
    payer_token: str
    score: float
    feature_service: str
    features: dict[str, float]


def _online_features(store: FeatureStore, model: ServedModel, token: str) -> dict[str, float]:
    response = store.get_online_features(
        features=store.get_feature_service(model.card.feature_service),
        entity_rows=[{model.card.entity_key: token}],
    ).to_dict()
    values = {name: response[name][0] for name in model.card.features}
    if all(v is None for v in values.values()):
        raise UnknownPrincipal(f"no online features for that {model.card.entity_key}")
    return {name: 0.0 if v is None else float(v) for name, v in values.items()}


def create_app(workspace: Workspace) -> FastAPI:
    """The app over the workspace's models and Feast online store."""
    models = load_models(workspace.models)
    store = open_feature_store(workspace)
    app = FastAPI(title="nijta serving")

    @app.exception_handler(ServingError)
    def serving_error(_: Request, exc: ServingError) -> JSONResponse:
        return JSONResponse(status_code=exc.status_code, content={"detail": str(exc)})

    @app.get("/healthz")
    def healthz() -> dict[str, object]:
        return {"status": "ok", "models": sorted(models)}

    @app.post("/v1/predict/{model_name}", response_model=PredictResponse)
    def predict(model_name: str, request: PredictRequest) -> PredictResponse:
        model = get_model(models, model_name)
        features = _online_features(store, model, request.payer_token)
        return PredictResponse(model=model_name, payer_token=request.payer_token,
                               score=model.score(features),
                               feature_service=model.card.feature_service, features=features)

    return app

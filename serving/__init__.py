"""serving: the FastAPI prediction service over Feast online features."""

from serving.app import PredictRequest, PredictResponse, create_app
from serving.exceptions import ModelNotFound, ServingError, UnknownPrincipal

__all__ = [
    "ModelNotFound",
    "PredictRequest",
    "PredictResponse",
    "ServingError",
    "UnknownPrincipal",
    "create_app",
]

"""The model card written beside every exported model: what it needs and how it scored."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict

__all__ = ["MODEL_CARD", "MODEL_PROGRAM", "ModelCard"]

MODEL_CARD = "model.json"
MODEL_PROGRAM = "model.pt2"


class ModelCard(BaseModel):
    """Metadata that binds a model to the FeatureService it was trained on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    feature_service: str
    entity_key: str
    features: list[str]
    """Input order of the exported program."""
    trained_at: str
    train_rows: int
    holdout_rows: int
    holdout_start: str
    """Events at or after this time were held out for evaluation."""
    holdout_auc: float
    world_size: int
    neutral_values: dict[str, float] = {}
    """Per feature, the raw value the model reads as the training average; served in place of
    a feature the policy withholds (e.g. behavioural features of a child)."""

    def save(self, folder: Path) -> None:
        (folder / MODEL_CARD).write_text(self.model_dump_json(indent=2))

    @classmethod
    def load(cls, folder: Path) -> ModelCard:
        return cls.model_validate(json.loads((folder / MODEL_CARD).read_text()))

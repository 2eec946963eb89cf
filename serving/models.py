"""Exported models on disk, loaded once at start: ``<workspace>/models/<name>/``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch

from serving.exceptions import ModelNotFound
from training.model_card import MODEL_CARD, MODEL_PROGRAM, ModelCard

__all__ = ["ServedModel", "get_model", "load_models"]


@dataclass(frozen=True)
class ServedModel:
    card: ModelCard
    program: torch.nn.Module

    def score(self, features: dict[str, float]) -> float:
        """Probability for one principal's features, given by name."""
        row = torch.tensor([[float(features[name]) for name in self.card.features]])
        with torch.no_grad():
            return float(self.program(row)[0])


def load_models(folder: Path) -> dict[str, ServedModel]:
    """Every model folder under ``folder`` that holds a card and a program."""
    models = {}
    for card_path in sorted(folder.glob(f"*/{MODEL_CARD}")):
        card = ModelCard.load(card_path.parent)
        program = torch.export.load(card_path.parent / MODEL_PROGRAM).module()
        models[card.name] = ServedModel(card, program)
    return models


def get_model(models: dict[str, ServedModel], name: str) -> ServedModel:
    try:
        return models[name]
    except KeyError:
        raise ModelNotFound(f"no model named {name!r}; loaded: {sorted(models)}") from None

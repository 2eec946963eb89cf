"""training: Feast point-in-time training sets, torchrun DDP, exported models with cards."""

from training.dataset import LABEL, build_training_set
from training.exceptions import EmptyTrainingSet, TrainingError, TrainingRunFailed
from training.model_card import ModelCard
from training.train import train_with_torchrun

__all__ = [
    "LABEL",
    "EmptyTrainingSet",
    "ModelCard",
    "TrainingError",
    "TrainingRunFailed",
    "build_training_set",
    "train_with_torchrun",
]

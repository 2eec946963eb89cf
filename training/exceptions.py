"""Errors of the training stage.

    NijtaError
     └── TrainingError
          ├── EmptyTrainingSet      no labelled events, or a holdout with one class only
          └── TrainingRunFailed     torchrun exited non-zero
"""

from nijta.exceptions import NijtaError

__all__ = ["EmptyTrainingSet", "TrainingError", "TrainingRunFailed"]


class TrainingError(NijtaError):
    """Root of the training stage's errors."""


class EmptyTrainingSet(TrainingError):
    """The training set cannot train or evaluate a model."""


class TrainingRunFailed(TrainingError):
    """torchrun exited non-zero; the message carries the tail of its log."""

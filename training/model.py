"""The fraud scorer: feature preprocessing and an MLP in one exportable module.

Preprocessing (signed log1p, then standardisation with training statistics) is part of the
exported program, so a server feeds raw Feast feature values in the model card's order.
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["FraudProbability", "FraudScorer", "signed_log1p"]


def signed_log1p(x: torch.Tensor) -> torch.Tensor:
    """Compress heavy tails (amounts, counts, z-scores) while keeping the sign."""
    return torch.sign(x) * torch.log1p(torch.abs(x))


class FraudScorer(nn.Module):
    """Raw features in, fraud logit out."""

    def __init__(self, n_features: int, hidden: int = 64) -> None:
        super().__init__()
        self.register_buffer("mean", torch.zeros(n_features))
        self.register_buffer("std", torch.ones(n_features))
        self.net = nn.Sequential(
            nn.Linear(n_features, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden // 2), nn.ReLU(),
            nn.Linear(hidden // 2, 1),
        )

    def fit_scaler(self, features: torch.Tensor) -> None:
        """Set the standardisation from the training features."""
        compressed = signed_log1p(features)
        self.mean.copy_(compressed.mean(dim=0))
        self.std.copy_(compressed.std(dim=0).clamp_min(1e-6))

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        z = (signed_log1p(features) - self.mean) / self.std
        return self.net(z).squeeze(-1)

    def neutral_values(self) -> list[float]:
        """Per feature, the raw value the model reads as average (standardised input 0):
        what a server feeds in place of a feature the policy withholds."""
        return (torch.sign(self.mean) * torch.expm1(torch.abs(self.mean))).tolist()


class FraudProbability(nn.Module):
    """What is exported and served: the scorer's probability of fraud."""

    def __init__(self, scorer: FraudScorer) -> None:
        super().__init__()
        self.scorer = scorer

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.scorer(features))

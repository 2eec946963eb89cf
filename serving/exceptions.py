"""Errors of the serving stage; each knows the HTTP status it is answered with.

    NijtaError
     └── ServingError                500
          ├── ModelNotFound          404  no model of that name is loaded
          ├── UnknownPrincipal       404  the online store has no features for that token
          └── ServingDenied          403  the policy refused the request (carries the rule id)
"""

from nijta.exceptions import NijtaError

__all__ = ["ModelNotFound", "ServingDenied", "ServingError", "UnknownPrincipal"]


class ServingError(NijtaError):
    """Root of the serving stage's errors."""

    status_code = 500


class ModelNotFound(ServingError):
    status_code = 404


class UnknownPrincipal(ServingError):
    status_code = 404


class ServingDenied(ServingError):
    """The policy engine refused: unknown client or purpose, no consent, a child's data."""

    status_code = 403

    def __init__(self, rule: str, reason: str) -> None:
        super().__init__(f"{rule}: {reason}")
        self.rule = rule

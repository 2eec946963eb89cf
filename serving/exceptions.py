"""Errors of the serving stage; each knows the HTTP status it is answered with.

    NijtaError
     └── ServingError                500
          ├── ModelNotFound          404  no model of that name is loaded
          └── UnknownPrincipal       404  the online store has no features for that token
"""

from nijta.exceptions import NijtaError

__all__ = ["ModelNotFound", "ServingError", "UnknownPrincipal"]


class ServingError(NijtaError):
    """Root of the serving stage's errors."""

    status_code = 500


class ModelNotFound(ServingError):
    status_code = 404


class UnknownPrincipal(ServingError):
    status_code = 404

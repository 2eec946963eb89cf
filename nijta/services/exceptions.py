"""Errors of the local services nijta starts for tests and demos.

    NijtaError
     └── ServiceError                 a local service could not be started or used
          └── PostgresServiceError    a temporary PostgreSQL server: binaries missing,
                                      initdb or start-up failed, no answer in time

Each message names the step that failed, the folder or binary involved and, once the server
was launched, its log file.
"""

from nijta.exceptions import NijtaError

__all__ = ["PostgresServiceError", "ServiceError"]


class ServiceError(NijtaError):
    """Root of the errors of :mod:`nijta.services`."""


class PostgresServiceError(ServiceError):
    """A :class:`nijta.services.postgres.TemporaryPostgres` could not be set up or reached."""

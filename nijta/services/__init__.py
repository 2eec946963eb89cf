"""Throwaway local services (on 127.0.0.1 only) for tests and demos.

Usage::

    with TemporaryPostgres(Path(tempfile.mkdtemp())) as server:
        ConsentRegistry(create_database(server.url))
"""

from nijta.services.exceptions import PostgresServiceError, ServiceError
from nijta.services.postgres import (
    TemporaryPostgres,
    create_database,
    drop_connections,
    find_postgres_bin,
)

__all__ = ["PostgresServiceError", "ServiceError", "TemporaryPostgres", "create_database",
           "drop_connections", "find_postgres_bin"]

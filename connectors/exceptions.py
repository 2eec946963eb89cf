"""Errors of the connectors stage.

    NijtaError
     └── ConnectorError
          ├── SourceUnavailable     the source did not answer usefully after every retry
          └── SourceAuthError       the source refused our credentials (not retried)
"""

from nijta.exceptions import NijtaError

__all__ = ["ConnectorError", "SourceAuthError", "SourceUnavailable"]


class ConnectorError(NijtaError):
    """Root of the connectors stage's errors; carries the connector's name."""

    def __init__(self, connector: str, message: str) -> None:
        super().__init__(f"connector {connector!r}: {message}")
        self.connector = connector


class SourceUnavailable(ConnectorError):
    """Transient failures (timeouts, 429, 5xx) outlasted the retry budget."""


class SourceAuthError(ConnectorError):
    """401/403 from the source: fix the credentials referenced by the config."""

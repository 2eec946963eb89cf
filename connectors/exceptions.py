"""Errors of the connectors stage.

    NijtaError
     └── ConnectorError
          ├── SourceUnavailable     the source did not answer usefully after every retry
          ├── SourceAuthError       the source refused our credentials (not retried)
          ├── SourceRequestError    the source refused the request itself (a 4xx other than
          │                         401/403): a bug or a config error, not retried
          ├── SourceFormatError     a whole answer or file is not in the source's format
          └── CursorConflict        an acknowledgement that would skip or rewind the cursor
"""

from nijta.exceptions import NijtaError

__all__ = [
    "ConnectorError", "CursorConflict", "SourceAuthError", "SourceFormatError",
    "SourceRequestError", "SourceUnavailable",
]


class ConnectorError(NijtaError):
    """Root of the connectors stage's errors; carries the connector's name."""

    def __init__(self, connector: str, message: str) -> None:
        super().__init__(f"connector {connector!r}: {message}")
        self.connector = connector


class SourceUnavailable(ConnectorError):
    """Transient failures (timeouts, 429, 5xx) outlasted the retry budget."""


class SourceAuthError(ConnectorError):
    """401/403 from the source: fix the credentials referenced by the config."""


class SourceRequestError(ConnectorError):
    """The source refused the request (a 4xx other than 401/403); retrying cannot help."""

    def __init__(self, connector: str, message: str, *, status: int | None = None) -> None:
        super().__init__(connector, message)
        self.status = status


class SourceFormatError(ConnectorError):
    """A whole answer or file is not in the format the connector speaks (wrong header, no
    records list): the wrong endpoint, file or version, not one bad record."""


class CursorConflict(ConnectorError):
    """A batch acknowledged out of order: its start is not the stored cursor, or its sequence is
    not the next one. The pipeline must re-read from the stored cursor instead."""

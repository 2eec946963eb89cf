"""Errors of the connectors stage.

    NijtaError
     └── ConnectorError
          ├── SourceUnavailable     the source did not answer usefully after every retry
          ├── SourceRefusal         a 4xx answer; carries its status and error code
          │    ├── SourceAuthError      the source refused our credentials (not retried)
          │    └── SourceRequestError   the source refused the request itself (a 4xx other
          │                             than 401/403): a bug or a config error, not retried
          ├── SourceFormatError     a whole answer or file is not in the source's format
          └── CursorConflict        an acknowledgement that would skip or rewind the cursor
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nijta.exceptions import NijtaError

if TYPE_CHECKING:
    import httpx

__all__ = [
    "ConnectorError", "CursorConflict", "SourceAuthError", "SourceFormatError",
    "SourceRefusal", "SourceRequestError", "SourceUnavailable",
]


class ConnectorError(NijtaError):
    """Root of the connectors stage's errors; carries the connector's name."""

    def __init__(self, connector: str, message: str) -> None:
        super().__init__(f"connector {connector!r}: {message}")
        self.connector = connector


class SourceUnavailable(ConnectorError):
    """Transient failures (timeouts, 429, 5xx) outlasted the retry budget."""


class SourceRefusal(ConnectorError):
    """A 4xx answer, not retried. Besides the HTTP ``status`` it carries the error envelope
    the source sent (ReBIT/Sahamati ``errorCode`` and ``errorMsg``; ``None`` when absent) and
    the ``response`` itself, so a caller that understands the source's codes (an AA's
    ``DataFetchRequestInProgress``) can act on them, after checking the answer's signature.
    Only ``error_code`` (an identifier) ever goes into the message."""

    def __init__(self, connector: str, message: str, *, status: int | None = None,
                 error_code: str | None = None, error_message: str | None = None,
                 response: httpx.Response | None = None) -> None:
        super().__init__(connector, message)
        self.status = status
        self.error_code = error_code
        self.error_message = error_message
        self.response = response


class SourceAuthError(SourceRefusal):
    """401/403 from the source: fix the credentials referenced by the config."""


class SourceRequestError(SourceRefusal):
    """The source refused the request (a 4xx other than 401/403); retrying cannot help."""


class SourceFormatError(ConnectorError):
    """A whole answer or file is not in the format the connector speaks (wrong header, no
    records list): the wrong endpoint, file or version, not one bad record."""


class CursorConflict(ConnectorError):
    """A batch acknowledged out of order: its start is not the stored cursor, or its sequence is
    not the next one. The pipeline must re-read from the stored cursor instead."""

"""connectors: source clients, their YAML config models and the local sandboxes."""

from connectors.configuration import ConnectorConfig, load_connector_config
from connectors.exceptions import (
    ConnectorError,
    CursorConflict,
    SourceAuthError,
    SourceFormatError,
    SourceRefusal,
    SourceRequestError,
    SourceUnavailable,
)

__all__ = [
    "ConnectorConfig",
    "ConnectorError",
    "CursorConflict",
    "SourceAuthError",
    "SourceFormatError",
    "SourceRefusal",
    "SourceRequestError",
    "SourceUnavailable",
    "load_connector_config",
]

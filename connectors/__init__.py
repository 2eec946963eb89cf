"""connectors: source clients, their YAML config models and the local sandboxes."""

from connectors.configuration import ConnectorConfig, load_connector_config
from connectors.exceptions import ConnectorError, SourceAuthError, SourceUnavailable

__all__ = [
    "ConnectorConfig",
    "ConnectorError",
    "SourceAuthError",
    "SourceUnavailable",
    "load_connector_config",
]

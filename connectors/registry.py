"""From a connector configuration to a running connector: source ``type`` → class.

Each entry is an import string, imported only when a config of that type is opened, so a
deployment that reads UPI files never imports the AA stack. Every class is built as
``Cls(name, source)`` with the config's name and its source model, and must satisfy the
:class:`~connectors.base.Connector` protocol.

Usage::

    with closing(open_connector(load_connector_config(path))) as connector:
        print(connector.check())
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping

from connectors.base import Connector
from connectors.configuration import ConnectorConfig
from connectors.exceptions import ConnectorError

__all__ = ["CONNECTOR_CLASSES", "connector_class", "open_connector"]

CONNECTOR_CLASSES: Mapping[str, str] = {
    "upi_sandbox": "connectors.upi.api:UpiApiConnector",
    "upi_demo_feed": "connectors.upi.demo_feed:UpiDemoFeedConnector",
    "upi_csv": "connectors.upi.csv_export:UpiCsvConnector",
    "aa_fiu": "connectors.aa.connector:AaConnector",
    "core_banking_fixed_width": "connectors.core_banking.fixed_width:FixedWidthConnector",
    "core_banking_delimited": "connectors.core_banking.delimited:DelimitedConnector",
    "core_banking_sql": "connectors.core_banking.sql:HtdSqlConnector",
    # The telemetry reader lives with its collector and broker in ingest.telemetry.
    "kafka_telemetry": "ingest.telemetry.reader:TelemetryConnector",
}
"""Source ``type`` → ``module:Class`` of its connector."""


def connector_class(source_type: str, *, connector: str = "?") -> type:
    """Import the connector class registered for ``source_type``."""
    target = CONNECTOR_CLASSES.get(source_type)
    if target is None:
        raise ConnectorError(connector, f"source type {source_type!r} has no connector; known "
                             f"types: {', '.join(sorted(CONNECTOR_CLASSES))}")
    module_name, _, class_name = target.partition(":")
    try:
        cls = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError) as exc:
        raise ConnectorError(connector, f"source type {source_type!r}: cannot import "
                             f"{target} ({exc})") from exc
    if not isinstance(cls, type):
        raise ConnectorError(connector, f"source type {source_type!r}: {target} is not a class")
    return cls


def open_connector(config: ConnectorConfig) -> Connector:
    """Build the connector of ``config`` (nothing is read from the source yet)."""
    cls = connector_class(config.source.type, connector=config.name)
    connector = cls(config.name, config.source)
    if not isinstance(connector, Connector):
        raise ConnectorError(config.name, f"{cls.__module__}.{cls.__qualname__} does not "
                             "implement the Connector protocol (schema, read_batches, check, "
                             "close)")
    return connector

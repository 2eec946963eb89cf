"""open_connector: source type → connector class, imported lazily, checked against the protocol."""

from pathlib import Path
from typing import get_args

import pytest
from pydantic import SecretStr

from connectors.base import Connector
from connectors.configuration import (
    ConnectorConfig,
    SourceConfig,
    UpiCsvSource,
    UpiSandboxSource,
)
from connectors.exceptions import ConnectorError
from connectors.registry import CONNECTOR_CLASSES, connector_class, open_connector
from connectors.upi.api import UpiApiConnector
from connectors.upi.csv_export import UpiCsvConnector


def _config(source) -> ConnectorConfig:
    return ConnectorConfig(name="upi", source=source, purpose="fraud_detection",
                           dataset="upi_switch_transactions", sink={"bronze_table": "upi"})


def test_upi_types_open_their_connectors(tmp_path: Path):
    api = open_connector(_config(UpiSandboxSource(
        type="upi_sandbox", base_url="http://127.0.0.1:9", api_key=SecretStr("k"))))
    files = open_connector(_config(UpiCsvSource(type="upi_csv", directory=tmp_path)))
    assert isinstance(api, UpiApiConnector) and isinstance(files, UpiCsvConnector)
    assert isinstance(api, Connector) and api.name == files.name == "upi"
    api.close()


def test_every_source_type_of_the_issue_is_registered():
    assert set(CONNECTOR_CLASSES) >= {"upi_sandbox", "upi_demo_feed", "upi_csv", "aa_fiu",
                                      "core_banking_fixed_width", "core_banking_delimited",
                                      "core_banking_sql", "kafka_telemetry"}


def test_every_source_model_has_a_registered_connector():
    types = {get_args(model.model_fields["type"].annotation)[0]
             for model in get_args(get_args(SourceConfig)[0])}
    assert types == set(CONNECTOR_CLASSES)
    for source_type in types:
        assert isinstance(connector_class(source_type), type)


def test_unknown_type_and_unimportable_class_are_named(monkeypatch):
    with pytest.raises(ConnectorError, match="source type 'kafka' has no connector; known"):
        connector_class("kafka")
    monkeypatch.setitem(CONNECTOR_CLASSES, "upi_csv", "connectors.upi.nowhere:Missing")
    with pytest.raises(ConnectorError, match=r"cannot import connectors.upi.nowhere:Missing"):
        connector_class("upi_csv")


def test_a_class_without_the_protocol_is_refused(monkeypatch, tmp_path):
    monkeypatch.setitem(CONNECTOR_CLASSES, "upi_csv", "connectors.cursors:CursorPosition")
    with pytest.raises(ConnectorError, match="does not implement the Connector protocol"):
        open_connector(_config(UpiCsvSource(type="upi_csv", directory=tmp_path)))

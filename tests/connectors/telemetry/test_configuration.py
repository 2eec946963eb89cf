"""The `kafka_telemetry` source model: the shipped example loads and opens the telemetry reader
through the registry; SASL settings come together or not at all, and the password never
prints."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.configuration import load_connector_config
from connectors.registry import open_connector
from ingest.telemetry.reader import TelemetryConnector
from nijta.exceptions import ConfigError

EXAMPLE = Path(__file__).resolve().parents[3] / "connectors" / "examples" / "kafka_telemetry.yaml"
SECRET = "s3cret-kafka-password"


def _with_sasl(tmp_path: Path, settings: str) -> Path:
    text = EXAMPLE.read_text().replace("  security_protocol: PLAINTEXT\n", settings)
    path = tmp_path / "kafka.yaml"
    path.write_text(text)
    return path


def test_the_example_opens_the_telemetry_reader(monkeypatch) -> None:
    monkeypatch.setenv("NIJTA_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092,127.0.0.1:9093")
    config = load_connector_config(EXAMPLE)
    assert (config.source.type, config.dataset) == ("kafka_telemetry", "app_telemetry_events")
    assert config.source.consumer_settings() == {
        "bootstrap.servers": "127.0.0.1:9092,127.0.0.1:9093", "security.protocol": "PLAINTEXT"}
    connector = open_connector(config)  # builds no Kafka client until it reads
    assert isinstance(connector, TelemetryConnector)
    assert connector.name == "app_telemetry" and connector.topic == "app-events"
    connector.close()


def test_sasl_over_tls_takes_the_password_from_the_environment(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("NIJTA_KAFKA_BOOTSTRAP_SERVERS", "kafka.example.internal:9094")
    monkeypatch.setenv("NIJTA_KAFKA_PASSWORD", SECRET)
    path = _with_sasl(tmp_path, "  security_protocol: SASL_SSL\n  sasl_mechanism: SCRAM-SHA-512\n"
                                "  sasl_username: nijta-ingest\n"
                                "  sasl_password: ${ENV:NIJTA_KAFKA_PASSWORD}\n")
    config = load_connector_config(path)
    settings = config.source.consumer_settings()
    assert settings["sasl.password"] == SECRET and settings["sasl.mechanism"] == "SCRAM-SHA-512"
    assert SECRET not in repr(config)


@pytest.mark.parametrize(("settings", "message"), [
    ("  security_protocol: SASL_SSL\n  sasl_mechanism: PLAIN\n",
     "security_protocol SASL_SSL needs sasl_username, sasl_password"),
    ("  sasl_username: nijta-ingest\n  sasl_password: ${ENV:NIJTA_KAFKA_PASSWORD}\n",
     "sasl_username, sasl_password apply only to a SASL_PLAINTEXT or SASL_SSL"),
])
def test_sasl_settings_that_do_not_fit_the_protocol_are_named(tmp_path, monkeypatch, settings,
                                                             message) -> None:
    monkeypatch.setenv("NIJTA_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    monkeypatch.setenv("NIJTA_KAFKA_PASSWORD", SECRET)
    path = _with_sasl(tmp_path, settings)
    with pytest.raises(ConfigError) as err:
        load_connector_config(path)
    assert str(path) in str(err.value) and message in str(err.value)
    assert SECRET not in str(err.value)

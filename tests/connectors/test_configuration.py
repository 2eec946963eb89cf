from pathlib import Path

import pytest

from connectors.configuration import load_connector_config
from nijta.exceptions import ConfigError

EXAMPLE = Path(__file__).resolve().parents[2] / "connectors" / "examples" / "upi_sandbox.yaml"


def test_example_loads_with_secrets_from_environment(monkeypatch):
    monkeypatch.setenv("NIJTA_UPI_SANDBOX_URL", "http://127.0.0.1:1")
    monkeypatch.setenv("NIJTA_UPI_SANDBOX_KEY", "s3cret")
    config = load_connector_config(EXAMPLE)
    assert config.source.api_key.get_secret_value() == "s3cret"
    assert "s3cret" not in repr(config)
    assert config.dataset == "upi_transactions" and config.policy_dir is None
    assert config.source_file == EXAMPLE


def test_missing_environment_variable_names_file_and_key(monkeypatch):
    monkeypatch.delenv("NIJTA_UPI_SANDBOX_URL", raising=False)
    monkeypatch.setenv("NIJTA_UPI_SANDBOX_KEY", "k")
    with pytest.raises(ConfigError) as err:
        load_connector_config(EXAMPLE)
    assert str(EXAMPLE) in str(err.value)
    assert "source.base_url" in str(err.value) and "NIJTA_UPI_SANDBOX_URL" in str(err.value)


def test_unknown_key_and_bad_value_are_named(tmp_path, monkeypatch):
    monkeypatch.setenv("NIJTA_UPI_SANDBOX_URL", "http://127.0.0.1:1")
    monkeypatch.setenv("NIJTA_UPI_SANDBOX_KEY", "k")
    text = EXAMPLE.read_text().replace("page_size: 5000", "page_size: 0\n  pagesize: 5")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_connector_config(bad)
    message = str(err.value)
    assert "source.page_size" in message and "source.pagesize" in message

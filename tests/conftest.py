"""Shared fixtures: one real Spark session per test run, isolated key material."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from featurestore.spark import build_session


@pytest.fixture(autouse=True)
def _no_ambient_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never pick up a developer's master key or key file."""
    monkeypatch.delenv("NIJTA_KEK", raising=False)
    monkeypatch.delenv("NIJTA_KEY_FILE", raising=False)


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparkSession]:
    session = build_session("nijta-tests", driver_memory="2g",
                            local_dir=tmp_path_factory.mktemp("spark-local"))
    yield session
    session.stop()


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    return tmp_path / "keys" / "master.key"

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


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL server on loopback for the whole run, started by the first test
    that asks; a test makes its own database with nijta.services.create_database(url). Fails
    (never skips) when the server cannot start: `make setup` installs PostgreSQL."""
    import shutil
    import tempfile

    from nijta.services import PostgresServiceError, TemporaryPostgres

    # Under /tmp, not tmp_path: as root the server runs as 'nobody', who must reach the folder.
    folder = Path(tempfile.mkdtemp(prefix="nijta-pg-"))
    server = TemporaryPostgres(folder)
    try:
        server.start()
    except PostgresServiceError as exc:
        pytest.fail(f"PostgreSQL for the SQL store tests: {exc}", pytrace=False)
    try:
        yield server.url
    finally:
        server.stop()
    shutil.rmtree(folder, ignore_errors=True)  # kept after a failed start: its log is there

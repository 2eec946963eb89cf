"""Consent registry fixtures: a registry on each sqlite form, and artefacts to fill it."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from policies.consent import ConsentArtefact, ConsentRegistry, ConsentSource
from policies.consent.tables import metadata

T0 = datetime(2026, 1, 1, tzinfo=UTC)  # the same in the test modules
DAY = timedelta(days=1)


def _token(name: str) -> str:
    return "tok_" + hashlib.sha256(name.encode()).hexdigest()[:32]


@pytest.fixture
def token() -> Callable[[str], str]:
    """A principal token shaped like anonymize's (``tok_`` + 32 hex), from a made-up name."""
    return _token


POSTGRES_ENV = "NIJTA_TEST_POSTGRES_URL"
"""A PostgreSQL URL (e.g. postgresql+psycopg://nijta@127.0.0.1/nijta_test) to run the
registry tests there too (needs a driver such as psycopg); its consent tables are dropped
before each test."""


@pytest.fixture(params=["memory", "sqlite-file",
                        *(["postgresql"] if os.environ.get(POSTGRES_ENV) else [])])
def registry_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "memory":
        return "sqlite://"
    if request.param == "sqlite-file":
        return f"sqlite:///{tmp_path / 'registry' / 'consents.sqlite'}"
    url = os.environ[POSTGRES_ENV]
    engine = create_engine(url)
    metadata.drop_all(engine)
    engine.dispose()
    return url


@pytest.fixture
def registry(registry_url: str) -> Iterator[ConsentRegistry]:
    registry = ConsentRegistry(registry_url)
    yield registry
    registry.close()


@pytest.fixture
def memory_registry() -> Iterator[ConsentRegistry]:
    """For the rule tables: the rules run in Python over what either backend returns."""
    registry = ConsentRegistry("sqlite://")
    yield registry
    registry.close()


@pytest.fixture
def artefact() -> Callable[..., ConsentArtefact]:
    """An ACTIVE 90-day AA consent of principal "asha" for credit underwriting; override any
    field by keyword."""

    def make(consent_id: str = "c-1", **overrides: object) -> ConsentArtefact:
        fields: dict[str, object] = {
            "consent_id": consent_id, "principal": _token("asha"),
            "purposes": ("credit_underwriting",), "categories": ("financial", "DEPOSIT"),
            "start": T0, "expiry": T0 + 90 * DAY, "data_life": 30 * DAY,
            "source": ConsentSource(kind="aa", reference=f"aa-{consent_id}"),
        }
        return ConsentArtefact(**(fields | overrides))

    return make

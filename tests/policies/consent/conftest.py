"""Consent registry fixtures: a registry on each backend (sqlite in memory and in a file,
PostgreSQL), and artefacts to fill it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from nijta.services import create_database
from policies.consent import ConsentArtefact, ConsentRegistry, ConsentSource

T0 = datetime(2026, 1, 1, tzinfo=UTC)  # the same in the test modules
DAY = timedelta(days=1)


def _token(name: str) -> str:
    return "tok_" + hashlib.sha256(name.encode()).hexdigest()[:32]


@pytest.fixture
def token() -> Callable[[str], str]:
    """A principal token shaped like anonymize's (``tok_`` + 32 hex), from a made-up name."""
    return _token


@pytest.fixture(params=["memory", "sqlite-file",
                        pytest.param("postgresql", marks=pytest.mark.slow)])
def registry_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each backend the registry claims: sqlite in memory and in a file, and a fresh database
    on the session's PostgreSQL server (tests/conftest.py ``postgres_url``)."""
    if request.param == "memory":
        return "sqlite://"
    if request.param == "sqlite-file":
        return f"sqlite:///{tmp_path / 'registry' / 'consents.sqlite'}"
    return create_database(request.getfixturevalue("postgres_url"))


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

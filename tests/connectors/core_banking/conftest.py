"""Fixtures of the core-banking connector tests: one generated bank, connector factories, and
empty source databases on each SQL backend."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from itertools import count
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from connectors.core_banking import (
    CoreBankingDelimitedSource,
    CoreBankingFixedWidthSource,
    CoreBankingSqlSource,
    DelimitedConnector,
    FixedWidthConnector,
    HtdSqlConnector,
)
from connectors.sandbox.core_banking import generate_htd
from connectors.sandbox.population import generate_population
from nijta.services import create_database

FIRST_DAY = date(2026, 1, 12)


@pytest.fixture(scope="session")
def htd() -> pa.Table:
    """Three business days of legs for 200 synthetic customers."""
    return generate_htd(generate_population(200, seed=11), start=FIRST_DAY, days=3,
                        transactions_per_day=60, reversal_share=0.1, seed=5)


@pytest.fixture
def fixed_width() -> Callable[..., FixedWidthConnector]:
    def build(folder: Path, **options: Any) -> FixedWidthConnector:
        return FixedWidthConnector("cbs_fixed", CoreBankingFixedWidthSource(
            type="core_banking_fixed_width", folder=folder, **options))
    return build


@pytest.fixture
def delimited() -> Callable[..., DelimitedConnector]:
    def build(folder: Path, **options: Any) -> DelimitedConnector:
        return DelimitedConnector("cbs_pipe", CoreBankingDelimitedSource(
            type="core_banking_delimited", folder=folder, **options))
    return build


@pytest.fixture
def htd_sql() -> Callable[..., HtdSqlConnector]:
    def build(url: str, **options: Any) -> HtdSqlConnector:
        return HtdSqlConnector("cbs_htd", CoreBankingSqlSource(
            type="core_banking_sql", url=url, **options))
    return build


@pytest.fixture
def source_database(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[str], str]:
    """A factory of empty databases by backend: ``"sqlite"`` (a file) or ``"postgresql"`` (a
    fresh database on the session's PostgreSQL server, started at first use)."""
    numbers = count()

    def make(backend: str) -> str:
        if backend == "sqlite":
            return f"sqlite:///{tmp_path / f'finacle-{next(numbers)}.db'}"
        return create_database(request.getfixturevalue("postgres_url"))
    return make

"""Fixtures of the core-banking connector tests: one generated bank, and connector factories."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
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

"""The whole chain, run once on a small synthetic population, shared by the chain tests."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from rich.console import Console

from connectors.sandbox.population import generate_population
from connectors.sandbox.upi_transactions import UpiDataset, generate_upi_transactions
from featurestore.definitions import GOLD_TABLE, PAYER_KEY
from nijta.configuration import Workspace
from nijta.demo import DemoSettings, run_demo

SETTINGS = DemoSettings(customers=200, transactions=20_000, days=30, nproc=2, epochs=4)


@pytest.fixture(scope="session")
def chain(spark, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("workspace")
    return run_demo(root, SETTINGS, console=Console(file=io.StringIO()))


@pytest.fixture(scope="session")
def workspace(chain: dict[str, Any]) -> Workspace:
    return Workspace(Path(chain["workspace"]))


@pytest.fixture(scope="session")
def population() -> pd.DataFrame:
    return generate_population(SETTINGS.customers, seed=SETTINGS.seed)


@pytest.fixture(scope="session")
def source(population: pd.DataFrame) -> UpiDataset:
    """The same data the sandbox served (generation is deterministic)."""
    return generate_upi_transactions(population, n_transactions=SETTINGS.transactions,
                                     days=SETTINGS.days, seed=SETTINGS.seed)


@pytest.fixture(scope="session")
def latest(workspace: Workspace, spark) -> pd.DataFrame:
    """Each payer's newest gold feature row."""
    gold = spark.read.format("delta").load(str(workspace.gold_table(GOLD_TABLE))).toPandas()
    return gold.sort_values("event_timestamp").groupby(PAYER_KEY).tail(1)

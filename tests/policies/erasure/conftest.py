"""A small real workspace for erasure: bronze and gold Delta tables, a materialized Feast repo.

Built once per session the way the demo builds it (generated UPI payments tokenized by the
default policy's field plan, staged Parquet appended to bronze Delta, the gold job's
``payer_features``, ``feast apply`` + materialize), without Beam, torchrun or serving. Each
test gets its own copy.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from anonymize.field_transforms import apply_field_plan
from anonymize.keys import LocalKeyStore
from anonymize.tokens import Tokenizer
from anonymize.transforms.encryption import PrincipalCipher
from connectors.sandbox.population import generate_population
from connectors.sandbox.upi_transactions import generate_upi_transactions
from connectors.upi.schema import to_lake_types
from featurestore.definitions import GOLD_TABLE
from featurestore.feast_repo import apply_feature_repo
from featurestore.jobs.payer_features import payer_features
from nijta.configuration import Workspace
from policies.loading import DEFAULT_POLICY_DIR, load_policy

CUSTOMERS, TRANSACTIONS, DAYS, SEED = 40, 3000, 20, 4242
START = datetime(2026, 8, 1, tzinfo=UTC)
BRONZE_UPI, BRONZE_PROFILES = "upi_transactions", "customer_profiles"


@dataclass(frozen=True)
class Built:
    """The session's source workspace and what tests need to know about it."""

    root: Path
    population: pd.DataFrame
    vpa_tokens: list[str]
    """The upi_vpa token of each customer, in population order."""


def _write_delta(spark: SparkSession, frame: pd.DataFrame, path: Path) -> None:
    spark.createDataFrame(frame).write.format("delta").save(str(path))


def _build(root: Path, spark: SparkSession) -> Built:
    ws = Workspace(root)
    keys = LocalKeyStore(root / "keys" / "master.key")
    tokenizer = Tokenizer(keys)
    population = generate_population(CUSTOMERS, seed=SEED)
    payments = generate_upi_transactions(population, n_transactions=TRANSACTIONS, days=DAYS,
                                         start=START, seed=SEED, malformed_rate=0)
    plan = load_policy(DEFAULT_POLICY_DIR).field_plan(BRONZE_UPI)
    staged = ws.staging("upi_sandbox", "batch-0")
    staged.mkdir(parents=True)
    pq.write_table(apply_field_plan(to_lake_types(payments.transactions), plan, tokenizer),
                   staged / "page-000000.parquet")
    spark.read.parquet(str(staged)).write.format("delta").save(str(ws.bronze_table(BRONZE_UPI)))
    shutil.rmtree(ws.lake / "_staging")

    vpa_tokens = tokenizer.tokenize_column("upi_vpa", pa.array(population["vpa"])).to_pylist()
    names = PrincipalCipher(keys).encrypt_column(pa.array(population["name"]),
                                                 pa.array(vpa_tokens))
    _write_delta(spark, pd.DataFrame({"vpa_token": vpa_tokens, "name_enc": names.to_pylist(),
                                      "pincode": population["pincode"]}),
                 ws.bronze_table(BRONZE_PROFILES))

    bronze = spark.read.format("delta").load(str(ws.bronze_table(BRONZE_UPI)))
    payer_features(bronze).write.format("delta").save(str(ws.gold_table(GOLD_TABLE)))
    _materialize(ws, spark)
    return Built(root=root, population=population, vpa_tokens=vpa_tokens)


def _materialize(ws: Workspace, spark: SparkSession) -> None:
    store = apply_feature_repo(ws)
    last = (spark.read.format("delta").load(str(ws.gold_table(GOLD_TABLE)))
            .agg(F.max("event_timestamp")).first()[0])
    end = last + timedelta(seconds=1)
    store.materialize(start_date=end - timedelta(days=30), end_date=end)


@pytest.fixture(scope="session")
def built(spark: SparkSession, tmp_path_factory: pytest.TempPathFactory) -> Built:
    return _build(tmp_path_factory.mktemp("erasure-source"), spark)


@pytest.fixture
def workspace(built: Built, tmp_path: Path) -> Workspace:
    """A private copy of the built workspace; its Feast repo re-applied at the copy's paths
    (``feature_store.yaml`` and the registry hold absolute paths), online rows copied."""
    root = tmp_path / "ws"
    shutil.copytree(built.root, root, ignore=shutil.ignore_patterns("registry.db", "tmp"))
    ws = Workspace(root)
    apply_feature_repo(ws)
    return ws


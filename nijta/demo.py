"""``nijta demo``: the whole platform end to end on synthetic data, in one workspace.

sources → UPI sandbox (HTTP) → Beam ingest → bronze Delta → spark-submit gold features →
Feast apply + materialize → point-in-time training set → torchrun DDP → FastAPI prediction.

The sandbox's demo feed (``GET /v1/transactions``, the generator's records with their fraud
label) is ingested through ``connectors/examples/upi_sandbox.yaml``, whose ``upi_demo_feed``
source the registry opens as :class:`connectors.upi.demo_feed.UpiDemoFeedConnector`.

Usage::

    summary = run_demo(Path(".nijta-demo"), DemoSettings(customers=200, transactions=20_000))
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from feast import FeatureStore
from pyspark.sql import SparkSession
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from connectors.configuration import load_connector_config
from connectors.sandbox.loopback import LoopbackServer
from connectors.sandbox.population import generate_population
from connectors.sandbox.upi_server import create_upi_sandbox_app
from connectors.sandbox.upi_transactions import generate_upi_transactions
from featurestore.definitions import FEATURE_SERVICE, GOLD_TABLE, PAYER_KEY
from featurestore.feast_repo import apply_feature_repo
from featurestore.spark import JOBS_DIR, build_session, run_spark_job
from ingest.pipeline import run_ingest
from ingest.summary import IngestSummary
from nijta.configuration import Workspace
from training.dataset import build_training_set
from training.train import train_with_torchrun

__all__ = ["DemoSettings", "run_demo"]

UPI_EXAMPLE = Path(__file__).resolve().parents[1] / "connectors" / "examples" / "upi_sandbox.yaml"
MODEL_NAME = "upi_fraud"
DEMO_PAGE_SIZE = 20_000
"""Records per demo-feed page, i.e. per batch and bronze commit."""
_NIJTA_OWNED = ("lake", "feature_repo", "models", "training", "state", "tmp")


@dataclass(frozen=True)
class DemoSettings:
    customers: int = 2000
    transactions: int = 200_000
    days: int = 90
    seed: int = 20261128
    nproc: int = 2
    epochs: int = 6


class _Stages:
    """One progress line per stage, on stderr, so stdout keeps the JSON result."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress

    @contextmanager
    def stage(self, description: str) -> Iterator[None]:
        task = self._progress.add_task(description, total=1)
        yield
        self._progress.update(task, completed=1, description=f"[green]✓[/] {description}")


def _write_sources(ws: Workspace, settings: DemoSettings) -> tuple[Path, int]:
    population = generate_population(settings.customers, seed=settings.seed)
    dataset = generate_upi_transactions(population, n_transactions=settings.transactions,
                                        days=settings.days, seed=settings.seed)
    path = ws.sources / "upi_psp" / "transactions.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    dataset.transactions.to_parquet(path, index=False)
    population.to_parquet(ws.sources / "population.parquet", index=False)
    return path, len(dataset.transactions)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _serving_process(ws: Workspace) -> Iterator[str]:
    """``nijta serve`` as a child process on a free loopback port, stopped on exit."""
    port = _free_port()
    cmd = [sys.executable, "-m", "nijta", "serve", "--workspace", str(ws.root),
           "--host", "127.0.0.1", "--port", str(port)]
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if child.poll() is not None:
                log = child.stderr.read().decode()[-2000:] if child.stderr else ""
                raise RuntimeError(f"nijta serve exited {child.returncode}: {log}")
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("nijta serve did not answer /healthz within 120 s")
            time.sleep(0.5)
        yield url
    finally:
        child.terminate()
        child.wait(timeout=30)


@dataclass(frozen=True)
class _Features:
    store: FeatureStore
    gold_rows: int
    online_payers: int
    latest_payer: str


def _ingest(ws: Workspace, spark: SparkSession, source_path: Path) -> IngestSummary:
    """Serve the source from the UPI sandbox and ingest it through the example connector."""
    api_key = secrets.token_urlsafe(24)
    with LoopbackServer(create_upi_sandbox_app(source_path, api_key=api_key)) as sandbox:
        os.environ["NIJTA_UPI_SANDBOX_URL"] = sandbox.url
        os.environ["NIJTA_UPI_SANDBOX_KEY"] = api_key
        config = load_connector_config(UPI_EXAMPLE)
        source = config.source.model_copy(update={"page_size": DEMO_PAGE_SIZE})
        return run_ingest(config.model_copy(update={"source": source}), ws, spark=spark)


def _build_features(ws: Workspace, spark: SparkSession, bronze_table: str) -> _Features:
    """spark-submit the gold job, apply the Feast repo, materialize the last 30 days online."""
    gold = ws.gold_table(GOLD_TABLE)
    run_spark_job(JOBS_DIR / "payer_features.py", ["--bronze", bronze_table, "--gold", str(gold)],
                  local_dir=ws.spark_local_dir)
    store = apply_feature_repo(ws)
    gold_df = spark.read.format("delta").load(str(gold))
    latest = gold_df.orderBy("event_timestamp", ascending=False).first()
    end = latest["event_timestamp"] + timedelta(seconds=1)
    with redirect_stdout(sys.stderr):  # Feast prints its own progress to stdout
        store.materialize(start_date=end - timedelta(days=30), end_date=end)
    tokens = [row[PAYER_KEY] for row in gold_df.select(PAYER_KEY).distinct().collect()]
    online = store.get_online_features(features=store.get_feature_service(FEATURE_SERVICE),
                                       entity_rows=[{PAYER_KEY: t} for t in tokens]).to_dict()
    return _Features(store=store, gold_rows=gold_df.count(),
                     online_payers=sum(v is not None for v in online["txn_count_7d"]),
                     latest_payer=latest[PAYER_KEY])


def _predict_over_http(ws: Workspace, token: str) -> dict[str, Any]:
    with _serving_process(ws) as url:
        response = httpx.post(f"{url}/v1/predict/{MODEL_NAME}", json={PAYER_KEY: token},
                              timeout=30)
    response.raise_for_status()
    body = response.json()
    return {k: body[k] for k in ("model", "payer_token", "score", "feature_service")}


def run_demo(root: Path, settings: DemoSettings = DemoSettings(),
             console: Console | None = None) -> dict[str, Any]:
    """Run the chain in ``root`` (its nijta-owned folders are rebuilt); return the summary."""
    started = time.monotonic()
    ws = Workspace(root.resolve())
    for name in _NIJTA_OWNED:
        shutil.rmtree(ws.root / name, ignore_errors=True)
    progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                        console=console or Console(stderr=True))
    stages = _Stages(progress)
    training_set = ws.training / "upi_fraud.parquet"
    with progress:
        with stages.stage(f"generate {settings.customers:,} customers and their UPI payments"):
            source_path, source_rows = _write_sources(ws, settings)
        with stages.stage("start Spark with Delta Lake"):
            spark = build_session("nijta-demo", local_dir=ws.spark_local_dir)
        with stages.stage("ingest UPI sandbox → bronze (Beam)"):
            summary = _ingest(ws, spark, source_path)
        with stages.stage("gold features (spark-submit), feast apply, materialize online"):
            features = _build_features(ws, spark, summary.bronze_table)
        with stages.stage("point-in-time training set from Feast"):
            training_rows = build_training_set(features.store, FEATURE_SERVICE,
                                               Path(summary.bronze_table), training_set)
        with stages.stage(f"train with torchrun --nproc_per_node={settings.nproc} (gloo)"):
            card = train_with_torchrun(training_set, ws.models / MODEL_NAME,
                                       feature_service=FEATURE_SERVICE, nproc=settings.nproc,
                                       epochs=settings.epochs)
        with stages.stage("serve and predict over HTTP"):
            prediction = _predict_over_http(ws, features.latest_payer)
        bronze_rows = spark.read.format("delta").load(summary.bronze_table).count()
    return {
        "workspace": str(ws.root),
        "rows": {"source": source_rows, "read": summary.read,
                 "rejected": summary.dead_letters,
                 "bronze": bronze_rows, "gold": features.gold_rows, "training": training_rows,
                 "online_payers": features.online_payers},
        "rejected_by_rule": summary.by_rule,
        "tables": {"bronze": summary.bronze_table, "gold": str(ws.gold_table(GOLD_TABLE)),
                   "feature_repo": str(ws.feature_repo), "model": str(ws.models / MODEL_NAME)},
        "auc": round(card.holdout_auc, 4),
        "holdout_start": card.holdout_start,
        "prediction": prediction,
        "seconds": round(time.monotonic() - started, 1),
    }

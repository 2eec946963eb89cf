"""Ingest throughput: UPI switch CSV exports through nijta's Beam pipeline vs a pyarrow floor.

The target (issue 6): nijta ingests at least 50 % of the records/s of the floor — a plain
single-process script doing the same validation and masking and writing Parquet. Both read the
same daily CSV exports of ``connectors.sandbox.upi_switch_export`` (generated once, untimed):

- **nijta**: ``run_ingest`` of a ``upi_csv`` connector built from
  ``connectors/examples/upi_csv.yaml``, on a fresh workspace, with a Spark session from
  ``featurestore.spark.build_session``: the Beam pipeline end to end through the bronze Delta
  commits, the dead-letter queue, the audit log and the cursor acknowledgements.
- **floor**: ``pyarrow.csv`` reads each day's file; each ``batch_size`` slice is validated by
  the dataset's pandera schema with ``ingest.validation.split_valid`` (as the pipeline does) and
  masked by ``anonymize.field_transforms.apply_field_plan`` with the policy's field plan and the
  workspace's key file; one Parquet file is written.

Both must write the same rows with the same columns, and the same values for a sample of
transaction ids (the tokens come from the same keys); otherwise the bench fails. Rounds
alternate which one runs first, each on a fresh workspace; the ratio is the median of the
per-round ratios. Seconds per stage come from timers wrapped around the pipeline's own
functions: ``read`` (the connector), ``validate``, ``mask``, ``protect`` (both, and the rest of
``protect_records``), ``beam_rounds`` (the Beam runs: read, protect, stage), ``commit_all``
(each round's commits, then its batches' audit and acknowledgement) with its parts
``bronze_commit``, ``dlq_commit`` and ``cursor_ack``. Absolute rates on a shared
2-core machine are noisy (see ../shared/reference/baselines.md); the load average at start is
reported with them. One Spark warm-up ingest of one batch runs untimed first, so that the JVM's
first Delta commit is not charged to one round.

Usage::

    .venv/bin/python bench/ingest_throughput.py [--n 1000000] [--days 30] [--batch-size 10000]
        [--repeats 2] [--seed 20261128]

Progress goes to stderr; one JSON line goes to stdout.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest import mock

import pandas as pd
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from pyspark.sql import SparkSession

import ingest.commits
import ingest.pipeline
import ingest.protection
from anonymize.field_transforms import apply_field_plan
from anonymize.kek import KEK_ENV
from anonymize.keys import LocalKeyStore
from anonymize.tokens import Tokenizer
from connectors.configuration import ConnectorConfig, load_connector_config
from connectors.cursors import CursorStore
from connectors.sandbox.population import generate_population
from connectors.sandbox.upi_switch_export import issuer_switch_export, write_daily_csv_exports
from connectors.sandbox.upi_transactions import generate_upi_transactions
from connectors.upi.csv_export import UpiCsvConnector
from connectors.upi.switch_record import SWITCH_RECORD_SCHEMA
from featurestore.spark import build_session
from ingest.dead_letter_queue import DeadLetterQueue
from ingest.pipeline import run_ingest
from ingest.schemas import validation_for
from ingest.validation import split_valid
from nijta.configuration import Workspace
from policies.enforcement import PolicyEngine
from policies.field_plan import FieldPlan
from policies.loading import DEFAULT_POLICY_DIR, load_policy

EXAMPLE_CONFIG = Path(__file__).resolve().parents[1] / "connectors" / "examples" / "upi_csv.yaml"
EXPORT_DIR_ENV = "NIJTA_UPI_EXPORT_DIR"
SAMPLE_IDS = 500
"""Transactions whose every output value is compared between nijta and the floor."""


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class StageClock:
    """Seconds spent per stage, summed over calls of the wrapped functions."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def timed(self, stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[stage] += time.perf_counter() - started
        return timed

    def timed_iterator(self, stage: str, function: Callable[..., Iterator[Any]],
                       ) -> Callable[..., Iterator[Any]]:
        """Like :meth:`timed`, counting only the time inside the iterator, not its consumer's."""
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Iterator[Any]:
            items = iter(function(*args, **kwargs))
            while True:
                started = time.perf_counter()
                try:
                    item = next(items)
                except StopIteration:
                    return
                finally:
                    self.seconds[stage] += time.perf_counter() - started
                yield item
        return timed

    def rounded(self) -> dict[str, float]:
        return {stage: round(s, 2) for stage, s in sorted(self.seconds.items())}


@contextmanager
def pipeline_stage_timers(clock: StageClock) -> Iterator[None]:
    """Time the pipeline's stages by wrapping the functions it calls (in-process runner)."""
    targets = [
        (UpiCsvConnector, "read_batches", "read", clock.timed_iterator),
        (ingest.protection, "split_valid", "validate", clock.timed),
        (ingest.protection, "apply_field_plan", "mask", clock.timed),
        (ingest.pipeline, "protect_records", "protect", clock.timed),
        (ingest.pipeline._Run, "stage_round", "beam_rounds", clock.timed),
        (ingest.commits, "commit_to_bronze", "bronze_commit", clock.timed),
        (DeadLetterQueue, "commit", "dlq_commit", clock.timed),
        (CursorStore, "acknowledge", "cursor_ack", clock.timed),
        (ingest.commits.BatchCommitter, "commit", "commit_all", clock.timed_iterator),
    ]
    with ExitStack() as stack:
        for owner, name, stage, wrap in targets:
            stack.enter_context(mock.patch.object(owner, name, wrap(stage, getattr(owner, name))))
        yield


def generate_exports(folder: Path, *, n: int, days: int, seed: int) -> dict[str, Any]:
    """Write about ``n`` switch transactions as daily CSV files in ``folder`` (one customer per
    100 transactions); what was written."""
    started = time.perf_counter()
    population = generate_population(max(100, n // 100), seed=seed)
    payments = generate_upi_transactions(population, n_transactions=n, days=days, seed=seed,
                                         start=datetime(2026, 8, 1, tzinfo=UTC))
    export = issuer_switch_export(payments, population, seed=seed)
    del payments
    files = write_daily_csv_exports(export, folder)
    return {"rows": len(export), "customers": len(population), "files": len(files),
            "csv_mib": round(sum(p.stat().st_size for p in files) / 2**20, 1),
            "seconds": round(time.perf_counter() - started, 1)}


def connector_config(export_dir: Path, batch_size: int) -> ConnectorConfig:
    """The example ``upi_csv`` connector, reading ``export_dir`` in batches of ``batch_size``."""
    os.environ[EXPORT_DIR_ENV] = str(export_dir)
    config = load_connector_config(EXAMPLE_CONFIG)
    source = config.source.model_copy(update={"batch_size": batch_size})
    return config.model_copy(update={"source": source})


def field_plan(config: ConnectorConfig) -> FieldPlan:
    """The policy's field plan for the connector's dataset, as the pipeline asks for it."""
    engine = PolicyEngine(load_policy(config.policy_dir or DEFAULT_POLICY_DIR))
    decision = engine.plan_ingest(config.dataset, config.purpose,
                                  columns=SWITCH_RECORD_SCHEMA.names)
    assert decision.field_plan is not None, decision.reason
    return decision.field_plan


def run_nijta(config: ConnectorConfig, workspace: Workspace, spark: SparkSession,
              ) -> dict[str, Any]:
    """``run_ingest`` into a fresh workspace; its rate, counts and stage seconds."""
    clock = StageClock()
    with pipeline_stage_timers(clock):
        started = time.perf_counter()
        summary = run_ingest(config, workspace, spark=spark)
        seconds = time.perf_counter() - started
    assert summary.read == summary.written + summary.dead_letters, "counts do not balance"
    return {"seconds": round(seconds, 2), "records_per_s": round(summary.read / seconds, 1),
            "read": summary.read, "written": summary.written,
            "rejected": summary.dead_letters, "batches": len(summary.batches),
            "stages_s": clock.rounded(), "bronze": summary.bronze_table}


def _csv_options() -> tuple[pacsv.ReadOptions, pacsv.ConvertOptions]:
    # The connector's record types; an empty field is null (as the connector makes it) and
    # no other text is ("NA" in a remark is a remark).
    convert = pacsv.ConvertOptions(
        column_types=SWITCH_RECORD_SCHEMA, null_values=[""], strings_can_be_null=True,
        quoted_strings_can_be_null=True, include_columns=SWITCH_RECORD_SCHEMA.names)
    return pacsv.ReadOptions(block_size=64 << 20), convert


def run_floor(export_dir: Path, plan: FieldPlan, key_file: Path, output: Path, *,
              dataset: str, prefix: str, batch_size: int) -> dict[str, Any]:
    """The floor: pyarrow CSV → the pipeline's validation and field plan → one Parquet file."""
    clock = StageClock()
    schema = validation_for(dataset).schema
    tokenizer = Tokenizer(LocalKeyStore(key_file))
    read_options, convert = _csv_options()
    read, written, writer = 0, 0, None
    started = time.perf_counter()
    for path in sorted(export_dir.glob(f"{prefix}*.csv")):
        table = clock.timed("read", pacsv.read_csv)(path, read_options=read_options,
                                                    convert_options=convert)
        for offset in range(0, table.num_rows, batch_size):
            chunk = table.slice(offset, batch_size)
            frame = chunk.to_pandas(types_mapper=pd.ArrowDtype)
            valid, _ = clock.timed("validate", split_valid)(frame, schema)
            rows = clock.timed("mask", apply_field_plan)(valid, plan, tokenizer)
            if writer is None:
                writer = pq.ParquetWriter(output, rows.schema)
            clock.timed("write", writer.write_table)(rows)
            read, written = read + chunk.num_rows, written + rows.num_rows
    if writer is not None:
        writer.close()
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 2), "records_per_s": round(read / seconds, 1),
            "read": read, "written": written, "rejected": read - written,
            "stages_s": clock.rounded()}


def check_same_output(spark: SparkSession, bronze: str, floor_file: Path) -> list[str]:
    """Assert nijta's bronze and the floor's Parquet hold the same rows and columns, and the
    same values for a sample of transactions; the columns."""
    floor = pq.read_table(floor_file)
    table = spark.read.format("delta").load(bronze)
    assert set(table.columns) == set(floor.column_names), (
        f"different columns: nijta only {sorted(set(table.columns) - set(floor.column_names))}"
        f", floor only {sorted(set(floor.column_names) - set(table.columns))}")
    count = table.count()
    assert count == floor.num_rows, f"different rows: nijta {count}, floor {floor.num_rows}"
    ids = floor.column("TransactionID").to_pylist()[::max(1, floor.num_rows // SAMPLE_IDS)]
    columns = sorted(floor.column_names)
    ours = table.where(table.TransactionID.isin(ids)).select(*columns).toPandas()
    theirs = floor.select(columns).to_pandas()
    theirs = theirs[theirs["TransactionID"].isin(ids)]
    assert len(ours) == len(theirs) == len(ids), "sampled transactions missing"
    pd.testing.assert_frame_equal(_comparable(ours), _comparable(theirs), check_dtype=False)
    return columns


def _comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows by transaction id, values as text; times as naive UTC (Spark's session zone)."""
    frame = frame.sort_values("TransactionID").reset_index(drop=True)
    for name, dtype in frame.dtypes.items():
        if isinstance(dtype, pd.DatetimeTZDtype):
            frame[name] = frame[name].dt.tz_convert("UTC").dt.tz_localize(None)
    return frame.astype(str)


def run_round(index: int, config: ConnectorConfig, plan: FieldPlan, root: Path,
              spark: SparkSession) -> dict[str, Any]:
    """One nijta run and one floor run on a fresh workspace, in alternating order."""
    workspace = Workspace(root / f"round{index}")
    source = config.source
    order = ("nijta", "floor") if index % 2 == 0 else ("floor", "nijta")
    results: dict[str, Any] = {}
    for name in order:
        _log(f"round {index}: {name}")
        if name == "nijta":
            results[name] = run_nijta(config, workspace, spark)
        else:
            results[name] = run_floor(
                source.directory, plan, workspace.key_file, workspace.root / "floor.parquet",
                dataset=config.dataset, prefix=source.file_prefix, batch_size=source.batch_size)
        _log(f"round {index}: {name} {results[name]['records_per_s']:,.0f} records/s "
             f"{results[name]['stages_s']}")
    results["columns"] = check_same_output(spark, results["nijta"].pop("bronze"),
                                           workspace.root / "floor.parquet")
    results["order"] = list(order)
    results["ratio"] = round(results["nijta"]["records_per_s"]
                             / results["floor"]["records_per_s"], 3)
    return results


def warm_up(config: ConnectorConfig, root: Path, spark: SparkSession) -> float:
    """One untimed batch through the pipeline (JVM classes, Delta's first commit)."""
    started = time.perf_counter()
    run_ingest(config, Workspace(root / "warmup"), spark=spark, max_batches=1)
    return round(time.perf_counter() - started, 1)


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Run the benchmark and print its JSON line; returns the same dict."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="transactions generated")
    parser.add_argument("--days", type=int, default=30, help="days (one CSV file per day)")
    parser.add_argument("--batch-size", type=int, default=10_000,
                        help="records per batch, in both (the example connector's)")
    parser.add_argument("--repeats", type=int, default=2,
                        help="rounds, each one nijta and one floor run, alternating order")
    parser.add_argument("--seed", type=int, default=20261128)
    args = parser.parse_args(argv)
    load = [round(v, 2) for v in os.getloadavg()]
    os.environ[KEK_ENV] = secrets.token_hex(32)  # a throwaway KEK: no key file to create
    os.environ.pop("NIJTA_KEY_FILE", None)  # each workspace keeps its own keyring
    with tempfile.TemporaryDirectory(prefix="nijta-ingest-bench-") as folder:
        root = Path(folder)
        _log(f"load average {load}; generating {args.n:,} transactions over {args.days} days")
        exports = generate_exports(root / "sources" / "upi_switch", n=args.n, days=args.days,
                                   seed=args.seed)
        _log(f"exports: {exports}")
        config = connector_config(root / "sources" / "upi_switch", args.batch_size)
        plan = field_plan(config)
        spark = build_session("nijta-bench", local_dir=root / "spark")
        try:
            warmup_s = warm_up(config, root, spark)
            rounds = [run_round(i, config, plan, root, spark) for i in range(args.repeats)]
        finally:
            spark.stop()
    result = {
        "bench": "ingest_throughput", "n": args.n, "days": args.days,
        "batch_size": args.batch_size, "load_avg_at_start": load, "exports": exports,
        "warmup_s": warmup_s,
        "nijta_records_per_s": statistics.median(r["nijta"]["records_per_s"] for r in rounds),
        "floor_records_per_s": statistics.median(r["floor"]["records_per_s"] for r in rounds),
        "ratio": statistics.median(r["ratio"] for r in rounds),
        "target_ratio": 0.5,
        "rows_written": rounds[0]["nijta"]["written"],
        "columns": len(rounds[0]["columns"]),
        "rounds": [{k: v for k, v in r.items() if k != "columns"} for r in rounds],
    }
    result["meets_target"] = result["ratio"] >= result["target_ratio"]
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()

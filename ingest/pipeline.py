"""The ingestion pipeline: source pages → validate → field plan → staged Parquet → bronze Delta.

Apache Beam runs the per-page work. Without ``--runner`` it uses the in-process FnApiRunner:
Beam 2.77's DirectRunner would first try PrismRunner, which downloads a binary. Any other
runner and its options pass through unchanged (``--runner=FlinkRunner …``).

Raw records exist only in memory between the fetch and the field plan; what is written is
tokenized Parquet, and rejected rows only encrypted in the dead-letter queue.

Usage::

    summary = run_ingest(config, Workspace(Path(".nijta-demo")))
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import apache_beam as beam
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.metrics.metric import Metrics, MetricsFilter
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.runners.portability.fn_api_runner import FnApiRunner
from pyspark.sql import SparkSession

from anonymize.field_transforms import apply_field_plan
from anonymize.keys import LocalKeyStore
from anonymize.tokens import Tokenizer
from connectors.configuration import ConnectorConfig
from connectors.upi.client import UpiTransactionClient
from connectors.upi.schema import UPI_TRANSACTION_SCHEMA, to_lake_types
from ingest.bronze import commit_to_bronze
from ingest.dead_letters import DeadLetter, write_dead_letters
from ingest.validation import split_valid
from nijta.configuration import Workspace

__all__ = ["IngestSummary", "run_ingest"]

_NS = "nijta.ingest"
_DLQ_NS = "nijta.ingest.dlq"


@dataclass(frozen=True)
class IngestSummary:
    """Counts of one ingestion run; ``read == written + rejected`` always."""

    connector: str
    batch_id: str
    read: int
    written: int
    rejected: int
    rejected_by_rule: dict[str, int] = field(default_factory=dict)
    bronze_table: str = ""


class _ReadPage(beam.DoFn):
    def __init__(self, config: ConnectorConfig) -> None:
        self._config = config

    def setup(self) -> None:
        self._client = UpiTransactionClient(self._config.name, self._config.source)

    def process(self, page: int) -> Iterator[tuple[int, pd.DataFrame]]:
        records = self._client.fetch_page(page).records
        Metrics.counter(_NS, "read").inc(len(records))
        yield page, pd.DataFrame.from_records(records)

    def teardown(self) -> None:
        self._client.close()


class _ValidateAndMask(beam.DoFn):
    REJECTED = "rejected"

    def __init__(self, config: ConnectorConfig, key_file: Path) -> None:
        self._plan = config.classification
        self._key_file = key_file

    def setup(self) -> None:
        self._tokenizer = Tokenizer(LocalKeyStore(self._key_file))

    def process(self, element: tuple[int, pd.DataFrame]) -> Iterator[Any]:
        page, frame = element
        valid, rejections = split_valid(frame, UPI_TRANSACTION_SCHEMA)
        if rejections:
            raw = frame.astype(object).where(frame.notna(), None)
            yield beam.pvalue.TaggedOutput(
                self.REJECTED, (page, [(r, raw.iloc[r.row].to_dict()) for r in rejections]))
        if len(valid):
            yield page, apply_field_plan(to_lake_types(valid), self._plan, self._tokenizer)


class _StageParquet(beam.DoFn):
    def __init__(self, folder: Path) -> None:
        self._folder = folder

    def process(self, element: tuple[int, pa.Table]) -> None:
        page, table = element
        self._folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, self._folder / f"page-{page:06d}.parquet")
        Metrics.counter(_NS, "written").inc(table.num_rows)


class _WriteDeadLetters(beam.DoFn):
    def __init__(self, connector: str, batch_id: str, folder: Path, key_file: Path) -> None:
        self._connector, self._batch_id = connector, batch_id
        self._folder, self._key_file = folder, key_file

    def process(self, element: tuple[int, list[tuple[Any, dict[str, Any]]]]) -> None:
        page, rejected = element
        letters = [(DeadLetter(self._connector, self._batch_id, page, r.row, r.rule, r.reason,
                               payload=""), record) for r, record in rejected]
        write_dead_letters(self._folder / f"page-{page:06d}.jsonl", letters,
                           LocalKeyStore(self._key_file))
        Metrics.counter(_NS, "rejected").inc(len(letters))
        for r, _ in rejected:
            Metrics.counter(_DLQ_NS, r.rule).inc()


def _pipeline(beam_args: Sequence[str]) -> beam.Pipeline:
    options = PipelineOptions(list(beam_args))
    if any(a.startswith("--runner") for a in beam_args):
        return beam.Pipeline(options=options)
    return beam.Pipeline(runner=FnApiRunner(), options=options)


def _next_batch(workspace: Workspace, connector: str) -> int:
    state = workspace.state / f"{connector}.json"
    return json.loads(state.read_text())["next_batch"] if state.exists() else 0


def _acknowledge(workspace: Workspace, connector: str, batch: int) -> None:
    state = workspace.state / f"{connector}.json"
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text(json.dumps({"next_batch": batch + 1}))


def run_ingest(config: ConnectorConfig, workspace: Workspace, *, spark: SparkSession,
               beam_args: Sequence[str] = ()) -> IngestSummary:
    """Ingest everything the source serves now into the connector's bronze table."""
    batch = _next_batch(workspace, config.name)
    batch_id = f"{config.name}-{batch:06d}"
    staged = workspace.staging(config.name, batch_id)
    shutil.rmtree(staged, ignore_errors=True)  # a crashed earlier try of the same batch
    with UpiTransactionClient(config.name, config.source) as client:
        pages = client.fetch_page(0).total_pages

    pipeline = _pipeline(beam_args)
    checked = (pipeline | "Pages" >> beam.Create(range(pages))
               | "Read" >> beam.ParDo(_ReadPage(config))
               | "ValidateAndMask" >> beam.ParDo(_ValidateAndMask(config, workspace.key_file))
               .with_outputs(_ValidateAndMask.REJECTED, main="valid"))
    _ = checked.valid | "Stage" >> beam.ParDo(_StageParquet(staged))
    _ = checked[_ValidateAndMask.REJECTED] | "DeadLetters" >> beam.ParDo(_WriteDeadLetters(
        config.name, batch_id, workspace.dead_letters(config.name) / batch_id,
        workspace.key_file))
    result = pipeline.run()
    result.wait_until_finish()
    counts = _counters(result)

    table = workspace.bronze_table(config.sink.bronze_table)
    if counts.get("written", 0):
        commit_to_bronze(spark, staged, table, app_id=config.name, version=batch)
    _acknowledge(workspace, config.name, batch)
    shutil.rmtree(staged, ignore_errors=True)
    return IngestSummary(
        connector=config.name, batch_id=batch_id, read=counts.get("read", 0),
        written=counts.get("written", 0), rejected=counts.get("rejected", 0),
        rejected_by_rule={k.removeprefix("dlq:"): v for k, v in counts.items()
                          if k.startswith("dlq:")},
        bronze_table=str(table),
    )


def _counters(result: beam.runners.runner.PipelineResult) -> dict[str, int]:
    counts: dict[str, int] = {}
    for counter in result.metrics().query(MetricsFilter())["counters"]:
        prefix = "dlq:" if counter.key.metric.namespace == _DLQ_NS else ""
        name = prefix + counter.key.metric.name
        counts[name] = counts.get(name, 0) + counter.committed
    return counts

r"""``nijta ingest`` and ``nijta dlq``: run a connector into bronze; inspect and replay its DLQ.

``nijta ingest`` prints each committed batch and a final summary: read, written, DLQ by rule
and, for a source that withholds records by a rule (children's telemetry), withheld by rule.

Usage::

    nijta ingest connectors/examples/upi_switch_api.yaml --workspace .nijta-demo
    nijta ingest upi.yaml --max-batches 10 -- --runner=FlinkRunner --flink_master=host:8081
    nijta dlq list --workspace .nijta-demo --connector upi_switch_api
    nijta dlq replay --workspace .nijta-demo --config upi.yaml \
        --rule upi_switch_transactions.schema.Currency.isin

Arguments after ``--`` are Beam pipeline options, passed through unchanged (see
:mod:`ingest.pipeline`). A refused policy, a failed source or commit ends the command with
exit status 1 and the reason.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from ingest.summary import BatchSummary, IngestSummary

__all__ = ["dlq_app", "ingest_command"]

dlq_app = typer.Typer(help="The dead-letter queue: list rejected records, replay them.",
                      no_args_is_help=True)
WorkspaceOption = Annotated[Path, typer.Option(help="folder that holds the lake, state, keys")]
_MAX_POSITIONS = 3


def ingest_command(
    config: Annotated[Path, typer.Argument(exists=True, dir_okay=False,
                                           help="connector YAML file")],
    beam_args: Annotated[list[str] | None, typer.Argument(
        help="Beam pipeline options, after --: --runner=FlinkRunner --flink_master=…",
        show_default=False)] = None,
    workspace: WorkspaceOption = Path(".nijta-demo"),
    runner: Annotated[str | None, typer.Option(
        help="Beam runner (FlinkRunner, SparkRunner, DataflowRunner …); default in-process")]
    = None,
    max_batches: Annotated[int | None, typer.Option(min=1, help="read at most N batches")]
    = None,
) -> None:
    """Read a connector's source from its cursor into bronze Delta, exactly once."""
    from connectors.configuration import load_connector_config
    from featurestore.spark import build_session
    from ingest.pipeline import run_ingest
    from nijta.cli import _exit_on_error
    from nijta.configuration import Workspace

    console = Console(stderr=True)
    args = [*([f"--runner={runner}"] if runner else []), *(beam_args or [])]
    with _exit_on_error("ingest"), Progress(SpinnerColumn(), TextColumn("{task.description}"),
                                            TimeElapsedColumn(), console=console) as progress:
        loaded = load_connector_config(config)
        ws = Workspace(workspace.resolve())
        task = progress.add_task(f"ingest {loaded.name}: starting Spark", total=None)
        spark = build_session("nijta-ingest", local_dir=ws.spark_local_dir)
        progress.update(task, description=f"ingest {loaded.name}: reading")

        def on_batch(batch: BatchSummary) -> None:
            progress.console.print(_batch_line(batch))
            progress.update(task, description=f"ingest {loaded.name}: {batch.sequence + 1} "
                                              "batches committed")

        summary = run_ingest(loaded, ws, spark=spark, beam_args=args,
                             max_batches=max_batches, progress=on_batch)
    console.print(_summary_table(summary))


def _batch_line(batch: BatchSummary) -> str:
    withheld = f", withheld {batch.withheld:,}" if batch.withheld else ""
    note = " (recovered: committed by an earlier run)" if batch.recovered else ""
    return (f"batch {batch.sequence} {batch.batch_id}: read {batch.read:,}, written "
            f"{batch.written:,}, DLQ {batch.dead_letters:,}{withheld}{note}")


def _summary_table(summary: IngestSummary) -> Table:
    table = Table(title=f"{summary.connector} → {summary.bronze_table}")
    table.add_column("")
    table.add_column("records", justify="right")
    for label, count in (("batches", len(summary.batches)), ("read", summary.read),
                         ("written", summary.written), ("DLQ", summary.dead_letters)):
        table.add_row(label, f"{count:,}")
    for rule, count in summary.by_rule.items():
        table.add_row(f"  DLQ {rule}", f"{count:,}")
    if summary.withheld:  # counted, never kept (children's telemetry)
        table.add_row("withheld", f"{summary.withheld:,}")
        for rule, count in summary.withheld_by_rule.items():
            table.add_row(f"  withheld {rule}", f"{count:,}")
    return table


@dlq_app.command("list")
def list_command(
    workspace: WorkspaceOption = Path(".nijta-demo"),
    connector: Annotated[str | None, typer.Option(help="only this connector")] = None,
    rule: Annotated[str | None, typer.Option(help="only this rule")] = None,
) -> None:
    """Dead letters per connector, rule and status, with where they came from (no payload)."""
    from featurestore.spark import build_session
    from ingest.dead_letter_queue import DeadLetterQueue
    from nijta.cli import _exit_on_error
    from nijta.configuration import Workspace

    ws = Workspace(workspace.resolve())
    folders = sorted(p for p in (ws.lake / "dlq").glob("*") if p.is_dir()) \
        if (ws.lake / "dlq").is_dir() else []
    folders = [p for p in folders if connector is None or p.name == connector]
    table = Table(title=f"dead letters in {ws.lake / 'dlq'}")
    for name in ("connector", "rule", "status", "letters", "positions"):
        table.add_column(name, justify="right" if name == "letters" else "left")
    with _exit_on_error("dlq list"):
        spark = build_session("nijta-dlq", local_dir=ws.spark_local_dir) if folders else None
        for folder in folders:
            letters = DeadLetterQueue(spark, folder).letters(rule=rule).drop_columns(["payload"])
            groups: Counter[tuple[str, str]] = Counter(
                zip(letters.column("rule").to_pylist(), letters.column("status").to_pylist(),
                    strict=True))
            for (rule_id, status), count in sorted(groups.items()):
                table.add_row(folder.name, rule_id, status, f"{count:,}",
                              _positions(letters, rule_id, status))
    Console().print(table)


def _positions(letters, rule: str, status: str) -> str:
    rows = [row for row in letters.select(["batch_id", "position", "rule", "status"]).to_pylist()
            if row["rule"] == rule and row["status"] == status]
    shown = ", ".join(f"{r['batch_id']} {r['position']}" for r in rows[:_MAX_POSITIONS])
    return shown + (f" … (+{len(rows) - _MAX_POSITIONS})" if len(rows) > _MAX_POSITIONS else "")


@dlq_app.command("replay")
def replay_command(
    config: Annotated[Path, typer.Option(exists=True, dir_okay=False,
                                         help="the connector's YAML file")],
    workspace: WorkspaceOption = Path(".nijta-demo"),
    rule: Annotated[str | None, typer.Option(help="only letters of this rule")] = None,
) -> None:
    """Re-run validation and the field plan on pending letters; commit what now passes."""
    from connectors.configuration import load_connector_config
    from featurestore.spark import build_session
    from ingest.replay import replay_dead_letters
    from nijta.cli import _exit_on_error
    from nijta.configuration import Workspace

    with _exit_on_error("dlq replay"):
        loaded = load_connector_config(config)
        ws = Workspace(workspace.resolve())
        spark = build_session("nijta-dlq", local_dir=ws.spark_local_dir)
        result = replay_dead_letters(loaded, ws, spark=spark, rule=rule)
    typer.echo(f"{result.connector}: tried {result.tried:,}, replayed {result.replayed:,} into "
               f"bronze, {result.pending:,} still pending", err=True)
    for rule_id, count in sorted(result.by_rule.items()):
        typer.echo(f"  pending {rule_id}: {count:,}", err=True)

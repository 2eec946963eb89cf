"""The ``nijta`` command: one entry point over every stage."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

from nijta.exceptions import NijtaError

app = typer.Typer(help="nijta: privacy-first ingestion and features for Indian fintech.",
                  no_args_is_help=True, pretty_exceptions_enable=False)

WorkspaceOption = Annotated[Path, typer.Option(help="folder that holds the lake, repo, models")]


@app.command()
def demo(
    workspace: WorkspaceOption = Path(".nijta-demo"),
    customers: Annotated[int, typer.Option(min=10)] = 2000,
    transactions: Annotated[int, typer.Option(min=1000)] = 200_000,
    days: Annotated[int, typer.Option(min=10)] = 90,
    nproc: Annotated[int, typer.Option(min=1, help="torchrun ranks")] = 2,
) -> None:
    """Run the whole chain on synthetic data; print one JSON line of results."""
    from nijta.demo import DemoSettings, run_demo

    settings = DemoSettings(customers=customers, transactions=transactions, days=days,
                            nproc=nproc)
    try:
        result = run_demo(workspace, settings)
    except NijtaError as exc:
        typer.echo(f"nijta demo failed: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(json.dumps(result))


@app.command()
def serve(
    workspace: WorkspaceOption = Path(".nijta-demo"),
    host: str = "127.0.0.1",
    port: int = 8000,
) -> None:
    """Serve the workspace's models over HTTP (FastAPI + uvicorn)."""
    import uvicorn

    from nijta.configuration import Workspace
    from serving.app import create_app

    uvicorn.run(create_app(Workspace(workspace.resolve())), host=host, port=port,
                log_level="warning")


@contextmanager
def _byte_progress(path: Path, label: str) -> Iterator[Callable[[int], None]]:
    """A progress bar over the bytes of ``path``, drawn only when stderr is a terminal."""
    console = Console(stderr=True)
    with Progress(label, BarColumn(), DownloadColumn(), TimeRemainingColumn(), console=console,
                  disable=not console.is_terminal) as progress:
        task = progress.add_task(label, total=path.stat().st_size)
        yield lambda done: progress.update(task, completed=done)


@contextmanager
def _output(path: Path | None) -> Iterator[TextIO]:
    if path is None:
        yield sys.stdout
        return
    with path.open("w", encoding="utf-8") as out:
        yield out


@app.command()
def scan(
    input: Annotated[Path, typer.Option("--input", exists=True, dir_okay=False,
                                        help="JSON-lines file")],
    text_field: Annotated[str, typer.Option(help="field of each record to scan")],
    output: Annotated[Path | None, typer.Option(help="JSON-lines output; stdout if absent")]
    = None,
) -> None:
    """Find PII in a text field of every record: one {"id", "findings"} line per record."""
    from anonymize.detection import PiiDetector
    from anonymize.scan import scan_jsonl

    detector = PiiDetector()
    try:
        with _output(output) as out, _byte_progress(input, "scan") as on_progress:
            summary = scan_jsonl(input, out, text_field=text_field, detector=detector,
                                 on_progress=on_progress)
    except NijtaError as exc:
        typer.echo(f"nijta scan failed: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"scanned {summary.records:,} records: {summary.findings:,} findings "
               f"{json.dumps(summary.by_type, sort_keys=True)}; "
               f"{len(summary.blank_lines)} blank lines skipped", err=True)


@app.command()
def mask(
    policy: Annotated[Path, typer.Option(exists=True, dir_okay=False,
                                         help="field plan YAML: a rule for every field")],
    input: Annotated[Path, typer.Option("--input", exists=True, dir_okay=False,
                                        help="JSON-lines file")],
    output: Annotated[Path | None, typer.Option(help="JSON-lines output; stdout if absent")]
    = None,
    workspace: WorkspaceOption = Path(".nijta-demo"),
) -> None:
    """Apply a field plan to every record: tokenize, mask, encrypt, generalize, scrub text."""
    from anonymize.keys import LocalKeyStore
    from anonymize.mask import mask_jsonl
    from anonymize.tokens import Tokenizer
    from nijta.configuration import Workspace, load_yaml_model
    from policies.field_plan import FieldPlan

    try:
        plan = load_yaml_model(policy, FieldPlan)
        tokenizer = Tokenizer(LocalKeyStore(Workspace(workspace).key_file))
        with _output(output) as out, _byte_progress(input, "mask") as on_progress:
            summary = mask_jsonl(input, out, plan=plan, tokenizer=tokenizer,
                                 on_progress=on_progress)
    except NijtaError as exc:
        typer.echo(f"nijta mask failed: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"masked {summary.records:,} records; {len(summary.blank_lines)} blank lines "
               "skipped", err=True)


if __name__ == "__main__":
    app()

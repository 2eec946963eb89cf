"""The ``nijta`` command: one entry point over every stage."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

from nijta.exceptions import NijtaError

if TYPE_CHECKING:
    from nijta.configuration import Workspace
    from policies.enforcement import PolicyEngine

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
    with _exit_on_error("demo"):
        result = run_demo(workspace, settings)
    typer.echo(json.dumps(result))


@app.command()
def serve(
    workspace: WorkspaceOption = Path(".nijta-demo"),
    host: str = "127.0.0.1",
    port: int = 8000,
    policy_dir: Annotated[Path | None, typer.Option(
        help="authorize every request with this policy (client, purpose, consent, children)")
    ] = None,
    consent_db: Annotated[str | None, typer.Option(
        help="SQLAlchemy URL of the consent registry the policy asks about principals")] = None,
    audit_log: Annotated[Path | None, typer.Option(
        help="append every serving decision to this audit log")] = None,
) -> None:
    """Serve the workspace's models over HTTP (FastAPI + uvicorn)."""
    import uvicorn

    from nijta.configuration import Workspace
    from serving.app import create_app

    with _exit_on_error("serve"):
        ws = Workspace(workspace.resolve())
        policy = (_policy_engine(ws, policy_dir, consent_db, audit_log)
                  if policy_dir is not None else None)
        app_ = create_app(ws, policy=policy)
    uvicorn.run(app_, host=host, port=port, log_level="warning")


def _policy_engine(ws: Workspace, policy_dir: Path, consent_db: str | None,
                   audit_log: Path | None) -> PolicyEngine:
    from anonymize.keys import LocalKeyStore
    from policies.audit import AuditLog, CheckpointSigner
    from policies.consent import ConsentRegistry
    from policies.enforcement import PolicyEngine
    from policies.loading import load_policy

    audit = None
    if audit_log is not None:
        signer = CheckpointSigner.from_key_store(LocalKeyStore(ws.key_file))
        audit = AuditLog(audit_log, signer=signer)
    return PolicyEngine(load_policy(policy_dir),
                        consents=ConsentRegistry(consent_db) if consent_db else None,
                        audit=audit)


@contextmanager
def _exit_on_error(command: str) -> Iterator[None]:
    """nijta's own errors end the command with their message and exit status 1, no traceback."""
    try:
        yield
    except NijtaError as exc:
        typer.echo(f"nijta {command} failed: {exc}", err=True)
        raise typer.Exit(1) from None


@contextmanager
def _stream(source: Path, target: Path | None,
            label: str) -> Iterator[tuple[TextIO, Callable[[int], None]]]:
    """The output (a file, or stdout) and a progress callback over the bytes of ``source``;
    the bar is drawn only when stderr is a terminal."""
    console = Console(stderr=True)
    with ExitStack() as stack:
        out = sys.stdout if target is None else stack.enter_context(
            target.open("w", encoding="utf-8"))
        progress = stack.enter_context(Progress(
            label, BarColumn(), DownloadColumn(), TimeRemainingColumn(), console=console,
            disable=not console.is_terminal))
        task = progress.add_task(label, total=source.stat().st_size)
        yield out, lambda done: progress.update(task, completed=done)


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
    with _exit_on_error("scan"), _stream(input, output, "scan") as (out, on_progress):
        summary = scan_jsonl(input, out, text_field=text_field, detector=detector,
                             on_progress=on_progress)
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

    with _exit_on_error("mask"):
        plan = load_yaml_model(policy, FieldPlan)
        tokenizer = Tokenizer(LocalKeyStore(Workspace(workspace).key_file))
        with _stream(input, output, "mask") as (out, on_progress):
            summary = mask_jsonl(input, out, plan=plan, tokenizer=tokenizer,
                                 on_progress=on_progress)
    typer.echo(f"masked {summary.records:,} records; {len(summary.blank_lines)} blank lines "
               "skipped", err=True)


from policies.cli import policy_app  # noqa: E402  (after app: stage CLIs import nijta.cli)

app.add_typer(policy_app, name="policy")

from connectors.cli import connectors_app  # noqa: E402  (after app, like policy_app)

app.add_typer(connectors_app, name="connectors")

from policies.audit.cli import audit_app  # noqa: E402  (after app, like policy_app)
from policies.consent.cli import consent_app  # noqa: E402

app.add_typer(audit_app, name="audit")
app.add_typer(consent_app, name="consent")

from policies.erasure.cli import erase, retention_app  # noqa: E402  (after app, like policy_app)

app.command("erase")(erase)
app.add_typer(retention_app, name="retention")

from ingest.cli import dlq_app, ingest_command  # noqa: E402  (after app, like policy_app)

app.command("ingest")(ingest_command)
app.add_typer(dlq_app, name="dlq")


if __name__ == "__main__":
    app()

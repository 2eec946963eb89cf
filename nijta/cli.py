"""The ``nijta`` command: one entry point over every stage."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

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


if __name__ == "__main__":
    app()

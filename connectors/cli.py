"""``nijta connectors``: commands about connector configuration files.

Usage::

    nijta connectors check connectors/examples/upi_sandbox.yaml
"""

from __future__ import annotations

from contextlib import closing
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["connectors_app"]

connectors_app = typer.Typer(help="Connector configuration files.", no_args_is_help=True)


@connectors_app.command()
def check(file: Annotated[Path, typer.Argument(help="connector YAML file")]) -> None:
    """Validate a connector file and reach its source; exit 1 on a bad file or no source."""
    from connectors.configuration import load_connector_config
    from connectors.registry import open_connector
    from nijta.cli import _exit_on_error

    with _exit_on_error("connectors check"):
        config = load_connector_config(file)
        typer.echo(f"{file}: valid ({config.source.type} connector {config.name!r})")
        with closing(open_connector(config)) as connector:
            report = connector.check()
    typer.echo(f"{report.connector}: {'reachable' if report.ok else 'NOT reachable'}: "
               f"{report.detail}", err=not report.ok)
    if not report.ok:
        raise typer.Exit(1)

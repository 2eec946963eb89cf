"""``nijta audit``: check an audit log.

Usage::

    nijta audit verify .nijta-demo/audit/audit.jsonl --key-file .nijta-demo/keys/master.key
    # OK: 252 entries, 2 checkpoints (signed through line 201)      exit status 0
    # audit.jsonl: line 17: content does not match its hash: …      exit status 1
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["audit_app"]

audit_app = typer.Typer(help="Check the tamper-evident audit log.", no_args_is_help=True)


@audit_app.command("verify")
def verify_command(
    file: Annotated[Path, typer.Argument(help="the audit log (JSON lines)")],
    key_file: Annotated[Path | None, typer.Option(
        help="key file of the key store that signed the checkpoints; without it, checkpoints "
             "only have to agree with each other")] = None,
    expect_at_least: Annotated[int | None, typer.Option(
        min=1, help="entries the log is known to have held (e.g. from an earlier run): "
                    "a shorter log is reported as cut off")] = None,
) -> None:
    """Check every entry, the hash chain and the signed checkpoints; name the first bad line."""
    from nijta.cli import _exit_on_error
    from policies.audit.checkpoints import public_key_from_key_file
    from policies.audit.verify import verify

    with _exit_on_error("audit verify"):
        public_key = None if key_file is None else public_key_from_key_file(key_file)
        report = verify(file, public_key=public_key, expect_at_least=expect_at_least)
    if not report.ok:
        typer.echo(f"{file}: {report}", err=True)
        raise typer.Exit(1)
    signed = ("" if report.signed_through is None
              else f" (signed through line {report.signed_through})")
    typer.echo(f"{report}{signed}")

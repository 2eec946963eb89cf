"""``nijta erase`` and ``nijta retention run``.

Both print one JSON report on stdout (tokens and counts only) and audit what they did. A raw
identifier given to ``nijta erase`` is tokenized in memory and never printed or logged; pass
``--identifier -`` to read it from stdin and keep it out of the shell history.

Usage::

    nijta erase --workspace .nijta-demo --principal-token tok_5f… --dry-run
    printf '%s' "$VPA" | nijta erase --workspace .nijta-demo --identifier - --type upi_vpa
    nijta retention run --workspace .nijta-demo --now 2027-09-01T00:00:00+00:00
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from policies.erasure.exceptions import ErasureError
from policies.loading import DEFAULT_POLICY_DIR

if TYPE_CHECKING:
    from nijta.configuration import Workspace
    from policies.consent import ConsentRegistry
    from policies.erasure.principal import Eraser

__all__ = ["IdentifierKind", "erase", "open_workspace", "retention_app", "workspace_eraser"]

retention_app = typer.Typer(help="Purge what is past DataLife or retention.",
                            no_args_is_help=True)


class IdentifierKind(StrEnum):
    """The identifier kinds ``nijta erase --identifier`` accepts (tokenization domains)."""

    MOBILE = "mobile"
    UPI_VPA = "upi_vpa"
    BANK_ACCOUNT = "bank_account"
    AADHAAR = "aadhaar"
    PAN = "pan"
    EMAIL = "email"


WorkspaceOption = Annotated[Path, typer.Option(help="folder that holds the lake, repo, keys")]
ConsentDbOption = Annotated[str | None, typer.Option(
    "--consent-db", help="SQLAlchemy URL of the consent registry "
                         "(default: policies/consents.db in the workspace)")]
AuditLogOption = Annotated[Path | None, typer.Option(
    help="audit log (default: audit/audit.jsonl in the workspace)")]
DryRunOption = Annotated[bool, typer.Option("--dry-run", help="count only; change nothing")]


@contextmanager
def _working(label: str) -> Iterator[None]:
    """A spinner on stderr while Spark works (only on a terminal: stdout keeps the JSON)."""
    console = Console(stderr=True)
    if not console.is_terminal:
        yield
        return
    with console.status(label):
        yield


def workspace_eraser(ws: Workspace, consents: ConsentRegistry, audit_log: Path | None,
                     actor: str) -> Eraser:
    """An eraser over the workspace's lake and online store (starts a Spark session)."""
    from featurestore.spark import build_session
    from policies.erasure.locations import open_audit_log
    from policies.erasure.principal import Eraser

    spark = build_session("nijta-erasure", local_dir=ws.spark_local_dir)
    return Eraser.for_workspace(ws, spark=spark, actor=actor, consents=consents,
                                audit=open_audit_log(ws, audit_log))


def _eraser(ws: Workspace, consent_db: str | None, audit_log: Path | None,
            actor: str) -> Eraser:
    from policies.erasure.locations import open_consent_registry

    return workspace_eraser(ws, open_consent_registry(ws, consent_db), audit_log, actor)


def open_workspace(path: Path) -> Workspace:
    from nijta.configuration import Workspace

    ws = Workspace(path.resolve())
    if not ws.lake.is_dir():
        raise ErasureError(f"{ws.root} has no lake/ folder: not a nijta workspace; check "
                           "--workspace")
    return ws


def _principal(ws: Workspace, token: str | None, identifier: str | None,
               kind: IdentifierKind | None) -> str:
    """The token to erase: given, or made from the identifier in memory."""
    from anonymize.keys import LocalKeyStore
    from anonymize.tokens import Tokenizer
    from policies.erasure.principal import check_principal_token

    if (token is None) == (identifier is None):
        raise typer.BadParameter("give exactly one of --principal-token and --identifier")
    if token is not None:
        return check_principal_token(token)
    if kind is None:
        raise typer.BadParameter("--identifier needs --type (mobile, upi_vpa, …)")
    keyring = ws.key_file.with_suffix(".keyring")
    if not keyring.exists():  # a fresh key would give a token that matches nothing
        raise ErasureError(f"{keyring} does not exist: the identifier's token can only be made "
                           "with the keys of the workspace that ingested it; check --workspace")
    value = sys.stdin.readline().rstrip("\n") if identifier == "-" else identifier
    return Tokenizer(LocalKeyStore(ws.key_file)).tokenize(kind.value, value or "")


def _emit(report: dict[str, Any]) -> None:
    typer.echo(json.dumps(report, sort_keys=True))


def erase(
    workspace: WorkspaceOption = Path(".nijta-demo"),
    principal_token: Annotated[str | None, typer.Option(help="the principal's token")] = None,
    identifier: Annotated[str | None, typer.Option(
        help="a raw identifier of the principal ('-': read it from stdin); tokenized in "
             "memory, never printed")] = None,
    kind: Annotated[IdentifierKind | None, typer.Option(
        "--type", help="the identifier's kind")] = None,
    dry_run: DryRunOption = False,
    vacuum: Annotated[bool, typer.Option(
        help="VACUUM the changed tables now, at --retain-hours")] = False,
    retain_hours: Annotated[int, typer.Option(
        min=0, help="VACUUM retention (below 168 Delta refuses unless its check is off)")]
    = 168,
    consent_db: ConsentDbOption = None,
    audit_log: AuditLogOption = None,
) -> None:
    """Erase a data principal from the lake, the online store, consents and keys."""
    from nijta.cli import _exit_on_error

    with _exit_on_error("erase"):
        ws = open_workspace(workspace)
        token = _principal(ws, principal_token, identifier, kind)
        eraser = _eraser(ws, consent_db, audit_log, actor="nijta erase")
        with _working("erasing the principal from every store"):
            report = eraser.erase(token, dry_run=dry_run, vacuum=vacuum,
                                  retention_hours=retain_hours)
    _emit(report.as_dict())


def _parse_now(now: str | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    try:
        parsed = datetime.fromisoformat(now)
    except ValueError:
        raise typer.BadParameter(
            "--now is an ISO 8601 time, e.g. 2027-01-01T00:00:00+05:30") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


@retention_app.command("run")
def retention_run(
    workspace: WorkspaceOption = Path(".nijta-demo"),
    now: Annotated[str | None, typer.Option(
        help="ISO 8601 time to judge retention at (no zone: UTC; default: now)")] = None,
    dry_run: DryRunOption = False,
    policy: Annotated[Path, typer.Option(help="policy directory")] = DEFAULT_POLICY_DIR,
    consent_db: ConsentDbOption = None,
    audit_log: AuditLogOption = None,
) -> None:
    """Delete rows past their dataset's retention; erase principals whose basis lapsed."""
    from nijta.cli import _exit_on_error
    from policies.enforcement import PolicyEngine
    from policies.erasure.retention import apply_deletion_plan
    from policies.loading import load_policy

    at = _parse_now(now)
    with _exit_on_error("retention run"):
        ws = open_workspace(workspace)
        eraser = _eraser(ws, consent_db, audit_log, actor="nijta retention run")
        engine = PolicyEngine(load_policy(policy), consents=eraser.consents,
                              audit=None if dry_run else eraser.audit)
        with _working("purging rows past retention"):
            report = apply_deletion_plan(engine.due_for_deletion(at), eraser=eraser,
                                         dry_run=dry_run)
    _emit(report.as_dict())

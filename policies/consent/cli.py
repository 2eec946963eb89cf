"""``nijta consent``: list consents and revoke one.

Usage::

    nijta consent list --db sqlite:///.nijta-demo/consents.sqlite --principal tok_5f…
    nijta consent revoke c-1 --db sqlite:///.nijta-demo/consents.sqlite \\
        --reason "withdrawn by the principal" --audit-log .nijta-demo/audit/audit.jsonl \\
        --key-file .nijta-demo/keys/master.key
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from policies.consent import ConsentRegistry

__all__ = ["consent_app"]

consent_app = typer.Typer(help="The consent registry: list and revoke consents.",
                          no_args_is_help=True)

DbOption = Annotated[str, typer.Option("--db", help="SQLAlchemy URL of the consent registry, "
                                                    "e.g. sqlite:///consents.sqlite")]
_COLUMNS = ("consent_id", "status", "principal", "purposes", "categories", "start", "expiry",
            "data_life_until")


@consent_app.command("list")
def list_command(
    db: DbOption,
    principal: Annotated[str | None, typer.Option(help="only this principal token")] = None,
) -> None:
    """Print the consents, one tab-separated line each, under a header line."""
    from nijta.cli import _exit_on_error
    from policies.consent import ConsentRegistry

    with _exit_on_error("consent list"):
        registry = ConsentRegistry(db)
        found = registry.all() if principal is None else registry.for_principal(principal)
        registry.close()
    typer.echo("\t".join(_COLUMNS))
    for artefact in found:
        until = artefact.data_life_until
        typer.echo("\t".join((
            artefact.consent_id, artefact.status.value, artefact.principal,
            ",".join(artefact.purposes), ",".join(artefact.categories),
            artefact.start.isoformat(), artefact.expiry.isoformat(),
            "-" if until is None else until.isoformat())))


@consent_app.command("revoke")
def revoke_command(
    consent_id: Annotated[str, typer.Argument(help="the consent to revoke")],
    db: DbOption,
    reason: Annotated[str, typer.Option(help="why (kept in the event; no personal data)")],
    actor: Annotated[str, typer.Option(help="who revokes it")] = "cli",
    audit_log: Annotated[Path | None, typer.Option(
        help="also record the event in this audit log")] = None,
    key_file: Annotated[Path | None, typer.Option(
        help="key file that signs the audit log's checkpoints")] = None,
    workspace: Annotated[Path | None, typer.Option(
        help="also erase, from this workspace, the data whose only basis was this consent")]
    = None,
) -> None:
    """Revoke a consent now: the status becomes REVOKED (final) and an event is recorded."""
    from anonymize.keys import LocalKeyStore
    from nijta.cli import _exit_on_error
    from policies.audit import AuditLog, CheckpointSigner
    from policies.consent import ConsentRegistry, ConsentStatus

    with _exit_on_error("consent revoke"):
        registry = ConsentRegistry(db)
        if audit_log is not None:
            signer = (None if key_file is None
                      else CheckpointSigner.from_key_store(LocalKeyStore(key_file)))
            log = AuditLog(audit_log, signer=signer)
            registry.subscribe(lambda event: log.append("consent_event", event.audit_payload()))
        if workspace is not None:
            _erase_on_withdrawal(registry, workspace, audit_log)
        try:
            event = registry.set_status(consent_id, ConsentStatus.REVOKED,
                                        at=datetime.now(UTC), reason=reason, actor=actor)
        finally:
            registry.close()
    typer.echo(f"consent {consent_id}: {event.from_status} → {event.to_status} "
               f"(event {event.id})")


def _erase_on_withdrawal(registry: ConsentRegistry, workspace: Path,
                         audit_log: Path | None) -> None:
    """Have the revocation erase, in ``workspace``, each principal it leaves without basis."""
    from policies.erasure.cli import open_workspace, workspace_eraser
    from policies.erasure.withdrawal import ConsentWithdrawal

    eraser = workspace_eraser(open_workspace(workspace), registry, audit_log,
                              actor="nijta consent revoke")
    ConsentWithdrawal(registry, eraser).attach()

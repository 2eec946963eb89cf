"""``nijta policy``: validate a policy directory and explain what it does to a dataset.

Usage::

    nijta policy check policies/defaults
    nijta policy explain --dataset upi_transactions --purpose fraud_detection
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from policies.exceptions import PolicyConfigError
from policies.field_plan import FieldRule, Transform
from policies.loading import DEFAULT_POLICY_DIR, load_policy

__all__ = ["policy_app"]

policy_app = typer.Typer(help="Validate and explain the DPDP policy.", no_args_is_help=True)

PolicyDirOption = Annotated[Path, typer.Option(help="policy directory of YAML files")]
_WIDE = 160  # when not on a terminal: keep each field on one line of the table


@policy_app.command()
def check(directory: Annotated[Path, typer.Argument(help="policy directory")]) -> None:
    """Validate a policy directory: OK with a summary, or every error with file, key and why."""
    try:
        policy = load_policy(directory)
    except PolicyConfigError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        typer.echo(f"nijta policy check failed: {len(exc.problems)} error(s) in {directory}",
                   err=True)
        raise typer.Exit(1) from None
    typer.echo(f"OK {directory}: {len(policy.categories)} categories, "
               f"{len(policy.purposes)} purposes, {len(policy.datasets)} datasets, "
               f"{len(policy.locations)} storage locations, {len(policy.serving_clients)} "
               f"serving clients, {len(policy.feature_views)} feature views; "
               f"version {policy.version}")


@policy_app.command()
def explain(
    dataset: Annotated[str, typer.Option(help="dataset name")],
    purpose: Annotated[str, typer.Option(help="purpose code")],
    policy_dir: PolicyDirOption = DEFAULT_POLICY_DIR,
) -> None:
    """Print a dataset's field plan and whether the purpose may use each field's category."""
    from nijta.cli import _exit_on_error
    from policies.enforcement import PolicyEngine

    with _exit_on_error("policy explain"):
        engine = PolicyEngine(load_policy(policy_dir))
    policy = engine.policy
    if dataset not in policy.datasets or purpose not in policy.purposes:
        decision = engine.plan_ingest(dataset, purpose)
        typer.echo(f"nijta policy explain failed: {decision.reason}", err=True)
        raise typer.Exit(1)
    allowed = policy.purposes[purpose].allowed_categories
    plan = policy.field_plan(dataset)
    table = Table(title=f"{dataset} for {purpose}")
    for column in ("field", "category", "transform", "options", "purpose allows"):
        table.add_column(column, no_wrap=column == "field")
    for name, category in policy.field_categories(dataset).items():
        rule = plan.fields[name]
        table.add_row(name, category, rule.transform.value, _options(rule),
                      "yes" if category in allowed else "no" if rule.transform not in
                      (Transform.DROP, Transform.REDACT) else "no (nothing is kept)")
    console = Console()
    if not console.is_terminal:
        console = Console(width=_WIDE)
    console.print(table)
    decision = engine.plan_ingest(dataset, purpose)
    verdict = "allowed" if decision.allowed else "denied"
    console.print(f"{verdict} by {decision.rule}: {decision.reason}", highlight=False,
                  markup=False)


def _options(rule: FieldRule) -> str:
    options = rule.model_dump(exclude={"transform"}, exclude_none=True, mode="json")
    return ", ".join(f"{k}={v}" for k, v in options.items())

"""The policy's say before ingestion: may this dataset be ingested for this purpose, and there?

:func:`admit` asks the :class:`~policies.enforcement.PolicyEngine` for the dataset's field plan
(``plan_ingest`` with the connector's actual columns) and checks every place the run will write
— the bronze table, the dead-letter queue and the staging folder — against the residency rules
of the dataset's data class (``check_location``). Any refusal raises :class:`IngestRefused`
naming the connector file, the rule id and the reason, before a byte is read or written. Both
decisions go to the audit log when the engine has one.

Usage::

    admission = admit(config, workspace, engine, columns=connector.schema().names)
    admission.plan          # the FieldPlan to apply
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from connectors.configuration import ConnectorConfig
from ingest.exceptions import IngestRefused
from nijta.configuration import Workspace
from policies.enforcement import PolicyEngine
from policies.field_plan import FieldPlan

__all__ = ["Admission", "admit", "sink_uris"]


@dataclass(frozen=True)
class Admission:
    """What the policy allowed for one run."""

    plan: FieldPlan
    data_class: str
    policy_version: str
    bronze_uri: str
    dead_letter_uri: str


def sink_uris(config: ConnectorConfig, workspace: Workspace) -> tuple[str, str]:
    """``(bronze table, dead-letter table)`` URIs of the connector."""
    location = config.sink.location
    if location is None:
        return (str(workspace.bronze_table(config.sink.bronze_table)),
                str(workspace.dead_letters(config.name)))
    root = location.rstrip("/")
    return f"{root}/bronze/{config.sink.bronze_table}", f"{root}/dlq/{config.name}"


def admit(config: ConnectorConfig, workspace: Workspace, engine: PolicyEngine, *,
          columns: Sequence[str]) -> Admission:
    """The field plan and sinks of ``config``, or :class:`IngestRefused`."""
    where = str(config.source_file or f"connector {config.name!r}")
    decision = engine.plan_ingest(config.dataset, config.purpose, columns=columns)
    if not decision.allowed or decision.field_plan is None:
        raise IngestRefused(where, decision.rule, decision.reason)
    data_class = engine.policy.datasets[config.dataset].data_class
    bronze, letters = sink_uris(config, workspace)
    staging = str(workspace.lake / "_staging" / config.name)
    for uri in (bronze, letters, staging):
        check = engine.check_location(uri, data_class)
        if not check.allowed:
            raise IngestRefused(where, check.rule, f"sink {uri}: {check.reason}")
    return Admission(plan=decision.field_plan, data_class=data_class,
                     policy_version=engine.policy.version, bronze_uri=bronze,
                     dead_letter_uri=letters)

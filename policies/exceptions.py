"""Errors of the policy stage.

    NijtaError
     └── PolicyError                 policies: the root of this stage's errors
          ├── PolicyConfigError      a policy directory is invalid; ``problems`` lists each
          │                          error with its file, key and reason (also a ConfigError)
          └── PolicyDenied           a caller required an allowed decision and got a denial;
                                     ``decision`` holds the rule that denied it

Messages name the file, key, dataset, purpose or rule; never a raw personal value.

Usage::

    try:
        policy = load_policy(Path("policies/defaults"))
    except PolicyConfigError as exc:
        for problem in exc.problems:
            print(problem)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nijta.exceptions import ConfigError, NijtaError

if TYPE_CHECKING:
    from policies.decisions import Decision

__all__ = ["PolicyConfigError", "PolicyDenied", "PolicyError", "PolicyProblem"]


class PolicyError(NijtaError):
    """Root of the policy stage's errors."""


@dataclass(frozen=True)
class PolicyProblem:
    """One error in a policy directory: where it is and why it is wrong."""

    file: str
    """The YAML file, relative to the policy directory (the directory itself when the
    problem spans files, e.g. a section no file defines)."""
    key: str
    """Dotted key path inside the file, e.g. ``datasets.upi_transactions.fields.amount``."""
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.key}: {self.reason}"


class PolicyConfigError(PolicyError, ConfigError):
    """A policy directory failed to load; ``problems`` holds every error found, not the first."""

    def __init__(self, directory: str, problems: Sequence[PolicyProblem]) -> None:
        self.directory = directory
        self.problems = tuple(problems)
        listing = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"policy directory {directory}: {len(self.problems)} error(s); fix "
                         f"each and run `nijta policy check {directory}`:\n{listing}")


class PolicyDenied(PolicyError):
    """An operation that needs an allowed decision was denied; nothing was done."""

    def __init__(self, decision: Decision) -> None:
        self.decision = decision
        super().__init__(f"denied by rule {decision.rule}: {decision.reason}")

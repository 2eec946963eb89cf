"""Erasure, consent withdrawal and retention: removing a principal's data from every store.

``nijta erase`` erases one principal (:class:`Eraser`); a consent that goes REVOKED or
EXPIRED while it was the principal's only basis erases them too (:class:`ConsentWithdrawal`);
``nijta retention run`` purges rows past their dataset's retention and the principals whose
basis lapsed (:func:`apply_deletion_plan`).

The names load on first use: ``nijta`` imports this package's CLI at start, and Spark, Delta
and Feast should cost only the commands that use them.

Usage::

    from policies.erasure import Eraser
    report = Eraser.for_workspace(workspace, spark=spark).erase("tok_5f…")
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from policies.erasure.exceptions import (
        ErasureError,
        InvalidPrincipalToken,
        LakeTableError,
        OnlineStoreUnsupported,
        VacuumRefused,
    )
    from policies.erasure.lake import LakeTable, PrincipalColumns, VacuumPlan
    from policies.erasure.online_store import delete_online_entities
    from policies.erasure.principal import Eraser, ErasureReport, check_principal_token
    from policies.erasure.retention import RetentionReport, apply_deletion_plan, purge_expired
    from policies.erasure.withdrawal import ConsentWithdrawal

__all__ = [
    "ConsentWithdrawal",
    "Eraser",
    "ErasureError",
    "ErasureReport",
    "InvalidPrincipalToken",
    "LakeTable",
    "LakeTableError",
    "OnlineStoreUnsupported",
    "PrincipalColumns",
    "RetentionReport",
    "VacuumPlan",
    "VacuumRefused",
    "apply_deletion_plan",
    "check_principal_token",
    "delete_online_entities",
    "purge_expired",
]

_HOMES = {
    "ConsentWithdrawal": "withdrawal",
    "Eraser": "principal", "ErasureReport": "principal", "check_principal_token": "principal",
    "ErasureError": "exceptions", "InvalidPrincipalToken": "exceptions",
    "LakeTableError": "exceptions", "OnlineStoreUnsupported": "exceptions",
    "VacuumRefused": "exceptions",
    "LakeTable": "lake", "PrincipalColumns": "lake", "VacuumPlan": "lake",
    "RetentionReport": "retention", "apply_deletion_plan": "retention",
    "purge_expired": "retention",
    "delete_online_entities": "online_store",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)

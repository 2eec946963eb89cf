"""Which named keys a field plan uses: what each batch's ``key_use`` audit entry records.

Names and version numbers only, never key material. Per-principal data keys (``encrypt``) are
many; the entry names the fields they protect, not the principals.

Usage::

    key_use(admission.plan, LocalKeyStore(workspace.key_file))
    # ({"key": "tokenize:upi_vpa", "version": 1, "fields": ["payer_vpa", "payee_vpa"]}, …)
"""

from __future__ import annotations

from typing import Any

from anonymize.keys import KeyStore
from anonymize.tokens import token_domain
from anonymize.transforms.encryption import DETERMINISTIC_KEY
from policies.field_plan import FieldPlan, Transform

__all__ = ["PRINCIPAL_KEYS", "key_use"]

PRINCIPAL_KEYS = "principal data keys"


def _key_name(transform: Transform, identifier: str | None) -> str | None:
    if transform is Transform.TOKENIZE and identifier:
        return token_domain(identifier)
    if transform is Transform.ENCRYPT_DETERMINISTIC:
        return DETERMINISTIC_KEY
    if transform is Transform.ENCRYPT:
        return PRINCIPAL_KEYS
    return None


def key_use(plan: FieldPlan, keys: KeyStore) -> tuple[dict[str, Any], ...]:
    """Each named key the plan's transforms use, its current version and the fields it
    protects."""
    fields: dict[str, list[str]] = {}
    for name, rule in plan.fields.items():
        key = _key_name(rule.transform, rule.identifier)
        if key is not None:
            fields.setdefault(key, []).append(name)
    return tuple({"key": key, "fields": names} | (
        {} if key == PRINCIPAL_KEYS else {"version": keys.current(key).number})
        for key, names in sorted(fields.items()))

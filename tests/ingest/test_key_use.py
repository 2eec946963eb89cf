"""The key_use audit entry names the keys a field plan uses, with versions, never material."""

from anonymize.keys import LocalKeyStore
from ingest.key_use import PRINCIPAL_KEYS, key_use
from policies.field_plan import FieldPlan


def test_each_key_with_its_fields_and_current_version(key_file):
    keys = LocalKeyStore(key_file)
    plan = FieldPlan.model_validate({"dataset": "d", "fields": {
        "payer_vpa": {"transform": "tokenize", "identifier": "upi_vpa"},
        "payee_vpa": {"transform": "tokenize", "identifier": "upi_vpa"},
        "mobile": {"transform": "tokenize", "identifier": "mobile"},
        "pan": {"transform": "encrypt_deterministic", "identifier": "pan"},
        "note": {"transform": "encrypt", "principal": "payer_vpa"},
        "amount": {"transform": "keep"}}})
    keys.current("tokenize:mobile")
    keys.rotate("tokenize:mobile")  # now at version 2

    used = key_use(plan, keys)

    assert used == (
        {"key": "encrypt_deterministic", "fields": ["pan"], "version": 1},
        {"key": PRINCIPAL_KEYS, "fields": ["note"]},
        {"key": "tokenize:mobile", "fields": ["mobile"], "version": 2},
        {"key": "tokenize:upi_vpa", "fields": ["payer_vpa", "payee_vpa"], "version": 1},
    )
    assert all(isinstance(value, str | int | list) for entry in used for value in entry.values())

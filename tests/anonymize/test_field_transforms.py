import re

import pandas as pd
import pytest
from pydantic import ValidationError

from anonymize.exceptions import InvalidValue, PrincipalShredded, UnclassifiedField
from anonymize.field_transforms import apply_field_plan
from anonymize.findings import Finding
from anonymize.keys import LocalKeyStore
from anonymize.tokens import Tokenizer
from anonymize.transforms.encryption import DeterministicCipher, PrincipalCipher
from policies.field_plan import FieldPlan, FieldRule


def _plan(**fields):
    return FieldPlan(dataset="t", fields=fields)


class VpaDetector:
    def detect(self, text: str) -> list[Finding]:
        return [Finding(m.start(), m.end(), "UPI_VPA", 0.9)
                for m in re.finditer(r"[\w.]+@[a-z]+\b", text)]


def test_keep_drop_tokenize(key_file):
    plan = _plan(name={"transform": "drop"}, amount={"transform": "keep"},
                 vpa={"transform": "tokenize", "identifier": "upi_vpa", "output": "payer_token"},
                 ts={"transform": "keep"})
    frame = pd.DataFrame({"name": ["Asha Rao"], "amount": [10.5], "vpa": ["asha@oksbi"],
                          "ts": pd.to_datetime(["2026-08-01T10:00:00Z"], utc=True)})
    tokenizer = Tokenizer(LocalKeyStore(key_file))
    table = apply_field_plan(frame, plan, tokenizer)
    assert table.column_names == ["amount", "payer_token", "ts"]
    assert table["payer_token"][0].as_py() == tokenizer.tokenize("upi_vpa", "asha@oksbi")
    assert str(table.schema.field("ts").type) == "timestamp[us, tz=UTC]"


def test_every_transform_in_one_plan(key_file):
    plan = _plan(
        dob={"transform": "encrypt", "principal": "payer_token"},
        vpa={"transform": "tokenize", "identifier": "upi_vpa", "output": "payer_token"},
        aadhaar={"transform": "mask", "identifier": "aadhaar"},
        pan={"transform": "encrypt_deterministic", "identifier": "pan"},
        name={"transform": "redact", "replacement": "<REDACTED>"},
        age={"transform": "generalize", "kind": "date_of_birth", "as_of": "2026-04-01",
             "output": "age_band"},
        pin={"transform": "generalize", "kind": "pincode"},
        lat={"transform": "generalize", "kind": "geo", "longitude": "lon", "output": "geohash"},
        lon={"transform": "drop"},
        amount={"transform": "generalize", "kind": "amount", "edges": [0, 1000]},
        remarks={"transform": "scrub"},
    )
    frame = pd.DataFrame({
        # Not real identifiers: python-stdnum's documented examples or made-up shapes.
        "dob": ["1990-01-01"], "vpa": ["Asha@OKSBI"], "aadhaar": ["2341 2341 2346"],
        "pan": ["abcpd1234f"], "name": ["Asha Rao"], "age": ["2001-04-02"], "pin": ["560001"],
        "lat": [12.9716], "lon": [77.5946], "amount": [2500.0], "remarks": ["from asha@oksbi"],
    })
    keys = LocalKeyStore(key_file)
    tokenizer = Tokenizer(keys)
    row = apply_field_plan(frame, plan, tokenizer, detector=VpaDetector()).to_pylist()[0]
    token = tokenizer.tokenize("upi_vpa", "asha@oksbi")
    assert list(row) == ["dob", "payer_token", "aadhaar", "pan", "name", "age_band", "pin",
                         "geohash", "amount", "remarks"]
    assert PrincipalCipher(keys).decrypt(row["dob"], token) == "1990-01-01"
    assert DeterministicCipher(keys).decrypt(row["pan"], identifier="pan") == "ABCPD1234F"
    assert {k: row[k] for k in ("payer_token", "aadhaar", "name", "age_band", "pin", "geohash",
                                "amount", "remarks")} == {
        "payer_token": token, "aadhaar": "XXXX XXXX 2346", "name": "<REDACTED>",
        "age_band": "18-24", "pin": "560", "geohash": "tdr1", "amount": "1000+",
        "remarks": "from <UPI_VPA>"}


def test_a_shredded_principal_stops_the_batch(key_file):
    keys = LocalKeyStore(key_file)
    tokenizer = Tokenizer(keys)
    plan = _plan(vpa={"transform": "tokenize", "identifier": "upi_vpa", "output": "payer"},
                 dob={"transform": "encrypt", "principal": "payer"})
    keys.shred(tokenizer.tokenize("upi_vpa", "asha@oksbi"))
    with pytest.raises(PrincipalShredded, match="dataset 't', field 'dob'"):
        apply_field_plan(pd.DataFrame({"vpa": ["asha@oksbi"], "dob": ["1990-01-01"]}), plan,
                         tokenizer)


def test_errors_name_dataset_and_field_never_values(key_file):
    plan = _plan(vpa={"transform": "tokenize", "identifier": "upi_vpa"})
    tokenizer = Tokenizer(LocalKeyStore(key_file))
    with pytest.raises(InvalidValue, match=r"field 'vpa'.*mixes value types") as caught:
        apply_field_plan(pd.DataFrame({"vpa": ["secret@oksbi", 98450]}), plan, tokenizer)
    assert "secret" not in str(caught.value) and "98450" not in str(caught.value)
    with pytest.raises(InvalidValue, match=r"field 'vpa'.*strings"):
        apply_field_plan(pd.DataFrame({"vpa": [98450]}), plan, tokenizer)


def test_unclassified_column_is_refused(key_file):
    frame = pd.DataFrame({"amount": [1.0], "notes": ["call me"]})
    with pytest.raises(UnclassifiedField, match="notes"):
        apply_field_plan(frame, _plan(amount={"transform": "keep"}),
                         Tokenizer(LocalKeyStore(key_file)))


@pytest.mark.parametrize(("rule", "message"), [
    ({"transform": "tokenize"}, "'identifier' is required for tokenize"),
    ({"transform": "encrypt"}, "'principal' is required for encrypt"),
    ({"transform": "generalize"}, "'kind' is required for generalize"),
    ({"transform": "generalize", "kind": "geo"}, "'longitude' is required for generalize geo"),
    ({"transform": "mask", "principal": "x"}, "'principal' does not apply to mask"),
    ({"transform": "generalize", "kind": "pincode", "precision": 5},
     "'precision' does not apply to generalize pincode"),
    ({"transform": "generalize", "kind": "amount", "edges": [10, 5]}, "'edges' must increase"),
    ({"transform": "generalize", "kind": "date_of_birth", "edges": [18.5]}, "whole years"),
    ({"transform": "tokenize", "identifier": "passport"}, "Input should be 'aadhaar'"),
    ({"transform": "scrub", "mode": "hash"}, "Input should be 'type' or 'token'"),
])
def test_rules_are_validated_with_clear_errors(rule, message):
    with pytest.raises(ValidationError, match=message):
        FieldRule(**rule)


def test_plan_references_must_resolve():
    with pytest.raises(ValidationError, match="principal 'payer' is not the output of a tokenize"):
        _plan(dob={"transform": "encrypt", "principal": "payer"})
    with pytest.raises(ValidationError, match="longitude field 'lon' has no rule"):
        _plan(lat={"transform": "generalize", "kind": "geo", "longitude": "lon"})
    with pytest.raises(ValidationError, match="several fields write the output columns"):
        _plan(a={"transform": "keep", "output": "x"}, x={"transform": "keep"})

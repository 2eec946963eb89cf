import pandas as pd
import pytest

from anonymize.exceptions import UnclassifiedField
from anonymize.field_transforms import apply_field_plan
from anonymize.keys import LocalKeyStore
from anonymize.tokens import Tokenizer
from policies.field_plan import FieldPlan


def _plan(**fields):
    return FieldPlan(dataset="t", fields=fields)


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


def test_unclassified_column_is_refused(key_file):
    frame = pd.DataFrame({"amount": [1.0], "notes": ["call me"]})
    with pytest.raises(UnclassifiedField, match="notes"):
        apply_field_plan(frame, _plan(amount={"transform": "keep"}),
                         Tokenizer(LocalKeyStore(key_file)))


def test_tokenize_needs_an_identifier():
    with pytest.raises(ValueError, match="identifier"):
        _plan(vpa={"transform": "tokenize"})

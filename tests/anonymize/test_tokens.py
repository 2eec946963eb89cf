import hashlib
import hmac
from typing import get_args

import pyarrow as pa
import pytest

from anonymize.exceptions import InvalidValue, UnknownIdentifier
from anonymize.keys import LocalKeyStore
from anonymize.tokens import IDENTIFIER_KINDS, Tokenizer, canonical_identifier
from policies.field_plan import IdentifierKind


@pytest.fixture
def tokenizer(key_file) -> Tokenizer:
    return Tokenizer(LocalKeyStore(key_file))


def test_mobile_forms_give_one_token(tokenizer):
    forms = ["+91 98450 12763", "09845012763", "919845012763", "9845012763", "+91-98450-12763"]
    tokens = {tokenizer.tokenize("mobile", f) for f in forms}
    assert len(tokens) == 1
    assert tokens.pop().startswith("tok_")


@pytest.mark.parametrize(("kind", "forms", "canonical"), [
    ("upi_vpa", ["Asha.Rao@OKSBI", " asha.rao@oksbi "], "asha.rao@oksbi"),
    ("aadhaar", ["2341 2341 2346", "2341-2341-2346", "234123412346"], "234123412346"),
    ("pan", ["abcpd1234f", "ABCPD 1234F"], "ABCPD1234F"),
    ("email", ["Asha.Rao@Example.com ", "asha.rao@example.com"], "asha.rao@example.com"),
    ("bank_account", ["0012-3456 7890", "001234567890"], "001234567890"),
    ("customer_id", [" CUST-00042 ", "CUST-00042"], "CUST-00042"),
])
def test_spellings_of_one_identifier_share_a_token(tokenizer, kind, forms, canonical):
    assert {canonical_identifier(kind, f) for f in forms} == {canonical}
    assert len({tokenizer.tokenize(kind, f) for f in forms}) == 1


def test_token_is_hmac_sha256_of_the_canonical_form_under_the_domain_key(key_file):
    keys = LocalKeyStore(key_file)
    domain_key = keys.current("tokenize:mobile").secret
    expected = hmac.new(domain_key, b"9845012763", hashlib.sha256).hexdigest()[:32]
    assert Tokenizer(keys).tokenize("mobile", "+91 98450 12763") == "tok_" + expected


def test_domains_do_not_join(tokenizer):
    # the same digits as a mobile and as an account must not join
    assert tokenizer.tokenize("mobile", "9845012763") != tokenizer.tokenize(
        "bank_account", "9845012763")


def test_tokens_depend_on_the_key(tmp_path):
    a = Tokenizer(LocalKeyStore(tmp_path / "a.key")).tokenize("upi_vpa", "x1@ybl")
    b = Tokenizer(LocalKeyStore(tmp_path / "b.key")).tokenize("upi_vpa", "x1@ybl")
    assert a != b


def test_tokens_are_stable_until_their_domain_is_rekeyed(key_file):
    before = Tokenizer(LocalKeyStore(key_file))
    vpa, mobile = before.tokenize("upi_vpa", "x1@ybl"), before.tokenize("mobile", "9845012763")
    assert Tokenizer(LocalKeyStore(key_file)).tokenize("upi_vpa", "x1@ybl") == vpa
    assert before.rekey("upi_vpa") == 2
    after = Tokenizer(LocalKeyStore(key_file))
    assert before.tokenize("upi_vpa", "x1@ybl") == after.tokenize("upi_vpa", "x1@ybl") != vpa
    assert after.tokenize("mobile", "9845012763") == mobile


def test_column_keeps_nulls_and_turns_blanks_into_nulls(tokenizer):
    column = pa.chunked_array([["a1@ybl", None], ["  ", "A1@YBL"]])
    out = tokenizer.tokenize_column("upi_vpa", column).to_pylist()
    assert out == [tokenizer.tokenize("upi_vpa", "a1@ybl"), None, None, out[0]]


def test_column_without_values_gives_nulls(tokenizer):
    assert tokenizer.tokenize_column("mobile", pa.nulls(2)).to_pylist() == [None, None]
    assert len(tokenizer.tokenize_column("mobile", pa.array([], pa.string()))) == 0


def test_numbers_in_an_identifier_column_are_refused(tokenizer):
    with pytest.raises(InvalidValue, match="cast it to string"):
        tokenizer.tokenize_column("bank_account", pa.array([12345678, 42]))
    with pytest.raises(InvalidValue, match="not int"):
        tokenizer.tokenize("mobile", 9845012763)


def test_a_value_with_no_canonical_form_is_refused_by_row_without_echo(tokenizer):
    with pytest.raises(InvalidValue, match=r"no mobile .*row 1") as caught:
        tokenizer.tokenize_column("mobile", pa.array(["9845012763", "call me"]))
    assert "call me" not in str(caught.value)


def test_unknown_identifier_kind_is_named(tokenizer):
    with pytest.raises(UnknownIdentifier, match="passport"):
        canonical_identifier("passport", "X")
    with pytest.raises(UnknownIdentifier, match="passport"):
        tokenizer.rekey("passport")


def test_policy_vocabulary_matches_the_canonical_forms():
    assert set(get_args(IdentifierKind)) == set(IDENTIFIER_KINDS)

import os
import stat

import pyarrow as pa
import pytest

from anonymize.exceptions import KeyFileError, UnknownIdentifier
from anonymize.keys import LocalKeyStore
from anonymize.tokens import Tokenizer, canonical_identifier


def test_mobile_forms_give_one_token(key_file):
    tokenizer = Tokenizer(LocalKeyStore(key_file))
    forms = ["+91 98450 12763", "09845012763", "919845012763", "9845012763"]
    tokens = {tokenizer.tokenize("mobile", f) for f in forms}
    assert len(tokens) == 1
    assert tokens.pop().startswith("tok_")


def test_vpa_is_case_insensitive_and_domains_differ(key_file):
    tokenizer = Tokenizer(LocalKeyStore(key_file))
    assert tokenizer.tokenize("upi_vpa", "Asha.Rao@OKSBI") == tokenizer.tokenize(
        "upi_vpa", "asha.rao@oksbi")
    # the same digits as a mobile and as an account must not join
    assert tokenizer.tokenize("mobile", "9845012763") != tokenizer.tokenize(
        "bank_account", "9845012763")


def test_tokens_depend_on_the_key(tmp_path):
    a = Tokenizer(LocalKeyStore(tmp_path / "a.key")).tokenize("upi_vpa", "x1@ybl")
    b = Tokenizer(LocalKeyStore(tmp_path / "b.key")).tokenize("upi_vpa", "x1@ybl")
    assert a != b


def test_column_tokens_keep_nulls(key_file):
    tokenizer = Tokenizer(LocalKeyStore(key_file))
    out = tokenizer.tokenize_column("upi_vpa", pa.array(["a1@ybl", None]))
    assert out[1].as_py() is None
    assert out[0].as_py() == tokenizer.tokenize("upi_vpa", "a1@ybl")


def test_unknown_identifier_kind_is_named():
    with pytest.raises(UnknownIdentifier, match="passport"):
        canonical_identifier("passport", "X")


def test_key_file_is_created_0600_and_stable(key_file):
    first = LocalKeyStore(key_file).derive("tokenize:mobile")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert LocalKeyStore(key_file).derive("tokenize:mobile") == first
    assert LocalKeyStore(key_file).derive("dlq") != first


def test_permissive_key_file_is_refused(key_file):
    LocalKeyStore(key_file).derive("x")
    os.chmod(key_file, 0o644)
    with pytest.raises(KeyFileError, match="chmod 600"):
        LocalKeyStore(key_file).derive("x")


def test_master_key_from_environment(monkeypatch, key_file):
    monkeypatch.setenv("NIJTA_MASTER_KEY", "11" * 32)
    from_env = LocalKeyStore(key_file).derive("x")
    assert not key_file.exists()
    monkeypatch.setenv("NIJTA_MASTER_KEY", "22" * 32)
    assert LocalKeyStore(key_file).derive("x") != from_env

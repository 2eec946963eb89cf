import logging
import os
import stat
import threading

import pytest

from anonymize.exceptions import KeyFileError, KeyNotFound, PrincipalShredded
from anonymize.keys import KeyVersion, LocalKeyStore
from anonymize.tokens import Tokenizer
from anonymize.transforms.encryption import DeterministicCipher, PrincipalCipher

KEK_A, KEK_B = "11" * 32, "22" * 32


def test_key_file_and_keyring_are_created_0600_and_stable(key_file, caplog):
    with caplog.at_level(logging.WARNING):
        first = LocalKeyStore(key_file).derive("tokenize:mobile")
    assert "creating" in caplog.text and "Back it up" in caplog.text
    keyring = key_file.with_suffix(".keyring")
    for path in (key_file, keyring):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert LocalKeyStore(key_file).derive("tokenize:mobile") == first
    assert LocalKeyStore(key_file).derive("dlq") != first


def test_the_kek_never_reaches_the_logs(key_file, caplog):
    with caplog.at_level(logging.DEBUG):
        LocalKeyStore(key_file).derive("x")
    assert key_file.read_text().strip() not in caplog.text


@pytest.mark.parametrize("which", ["key file", "keyring"])
def test_permissive_files_are_refused(key_file, which):
    LocalKeyStore(key_file).derive("x")
    path = key_file if which == "key file" else key_file.with_suffix(".keyring")
    os.chmod(path, 0o644)
    with pytest.raises(KeyFileError, match="chmod 600"):
        LocalKeyStore(key_file).derive("x")


def test_kek_from_environment_needs_no_key_file(monkeypatch, key_file):
    monkeypatch.setenv("NIJTA_KEK", KEK_A)
    first = LocalKeyStore(key_file).derive("x")
    assert not key_file.exists()
    assert LocalKeyStore(key_file).derive("x") == first


@pytest.mark.parametrize("value", ["not-hex-at-all", "ab" * 16, "zz" * 32])
def test_bad_kek_in_environment_is_named_but_not_echoed(monkeypatch, key_file, value):
    monkeypatch.setenv("NIJTA_KEK", value)
    with pytest.raises(KeyFileError, match=r"\$NIJTA_KEK") as caught:
        LocalKeyStore(key_file).derive("x")
    assert value not in str(caught.value)


def test_a_different_kek_cannot_open_the_keyring(monkeypatch, key_file):
    monkeypatch.setenv("NIJTA_KEK", KEK_A)
    LocalKeyStore(key_file).derive("x")
    monkeypatch.setenv("NIJTA_KEK", KEK_B)
    with pytest.raises(KeyFileError, match="different KEK") as caught:
        LocalKeyStore(key_file).derive("x")
    assert KEK_A not in str(caught.value) and KEK_B not in str(caught.value)


def test_rotation_adds_a_version_and_keeps_the_old_one(key_file):
    keys = LocalKeyStore(key_file)
    v1 = keys.current("encrypt_deterministic")
    assert v1.number == 1 and keys.rotate("encrypt_deterministic") == 2
    v2 = LocalKeyStore(key_file).current("encrypt_deterministic")
    assert v2.number == 2 and v2.secret != v1.secret
    assert LocalKeyStore(key_file).version("encrypt_deterministic", 1) == v1.secret
    with pytest.raises(KeyNotFound, match="no version 3"):
        keys.version("encrypt_deterministic", 3)


def test_key_version_repr_hides_the_secret():
    assert "secret" not in repr(KeyVersion(1, b"\x01" * 32))


def test_kek_rotation_keeps_tokens_and_ciphertexts(key_file):
    keys = LocalKeyStore(key_file)
    token = Tokenizer(keys).tokenize("upi_vpa", "asha@oksbi")
    sealed = PrincipalCipher(keys).encrypt("1990-01-01", token)
    # Not real identifiers: python-stdnum's documented examples or made-up shapes.
    siv = DeterministicCipher(keys).encrypt("ABCPD1234F")
    old_kek = key_file.read_text()
    keys.rotate_kek()
    assert key_file.read_text() != old_kek
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    after = LocalKeyStore(key_file)
    assert Tokenizer(after).tokenize("upi_vpa", "asha@oksbi") == token
    assert PrincipalCipher(after).decrypt(sealed, token) == "1990-01-01"
    assert DeterministicCipher(after).encrypt("ABCPD1234F") == siv
    assert after.derive("dlq") == keys.derive("dlq")


def test_kek_rotation_from_environment(monkeypatch, key_file):
    monkeypatch.setenv("NIJTA_KEK", KEK_A)
    keys = LocalKeyStore(key_file)
    token = Tokenizer(keys).tokenize("mobile", "9845012763")
    with pytest.raises(KeyFileError, match="pass the new KEK"):
        keys.rotate_kek()
    keys.rotate_kek(bytes.fromhex(KEK_B))
    monkeypatch.setenv("NIJTA_KEK", KEK_B)
    assert Tokenizer(LocalKeyStore(key_file)).tokenize("mobile", "9845012763") == token


def test_an_interrupted_kek_rotation_is_finished_on_open(key_file):
    keys = LocalKeyStore(key_file)
    root = keys.derive("x")
    old = key_file.read_text()
    keys.rotate_kek()
    new = key_file.read_text()
    # as if the process died after re-wrapping the keyring, before renaming the new KEK
    key_file.with_name(key_file.name + ".next").write_text(new)
    os.chmod(key_file.with_name(key_file.name + ".next"), 0o600)
    key_file.write_text(old)
    assert LocalKeyStore(key_file).derive("x") == root
    assert key_file.read_text() == new


def test_principal_keys_are_created_once_and_shredded_alone(key_file):
    keys = LocalKeyStore(key_file)
    created = keys.data_keys(["tok_a", "tok_b"], create=True)
    assert LocalKeyStore(key_file).data_keys(["tok_a"], create=False) == {
        "tok_a": created["tok_a"]}
    keys.shred("tok_a")
    with pytest.raises(PrincipalShredded):
        LocalKeyStore(key_file).data_keys(["tok_a"], create=False)
    with pytest.raises(PrincipalShredded):  # no new key for an erased principal either
        keys.data_keys(["tok_a"], create=True)
    assert keys.data_keys(["tok_b"], create=False) == {"tok_b": created["tok_b"]}
    with pytest.raises(KeyNotFound):
        keys.data_keys(["tok_never_seen"], create=False)


def test_concurrent_workers_agree_on_new_keys(key_file):
    results: list[dict[str, bytes]] = []

    def worker() -> None:
        results.append(LocalKeyStore(key_file).data_keys(["tok_x", "tok_y"], create=True))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4 and all(r == results[0] for r in results)

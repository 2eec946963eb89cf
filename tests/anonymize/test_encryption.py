import pyarrow as pa
import pytest

from anonymize.exceptions import DecryptionError, InvalidValue, KeyNotFound, PrincipalShredded
from anonymize.keys import LocalKeyStore
from anonymize.transforms.encryption import DETERMINISTIC_KEY, DeterministicCipher, PrincipalCipher


@pytest.fixture
def keys(key_file) -> LocalKeyStore:
    return LocalKeyStore(key_file)


def test_deterministic_same_input_same_output_and_decrypts(keys):
    cipher = DeterministicCipher(keys)
    # Not real identifiers: python-stdnum's documented examples or made-up shapes.
    out = cipher.encrypt_column(pa.array(["ABCPD1234F", None, "ABCPD1234F", "XYZAB9876C"]))
    texts = out.to_pylist()
    assert texts[0] == texts[2] != texts[3] and texts[1] is None
    assert texts[0].startswith("siv.v1.") and "ABCPD" not in texts[0]
    assert DeterministicCipher(keys).decrypt_column(out).to_pylist() == [
        "ABCPD1234F", None, "ABCPD1234F", "XYZAB9876C"]


def test_deterministic_identifiers_are_canonicalised_and_kept_apart(keys):
    cipher = DeterministicCipher(keys)
    one = cipher.encrypt("+91 98450 12763", identifier="mobile")
    assert one == cipher.encrypt("09845012763", identifier="mobile")
    assert one != cipher.encrypt("9845012763", identifier="bank_account")
    assert cipher.decrypt(one, identifier="mobile") == "9845012763"
    with pytest.raises(DecryptionError):  # the identifier kind is part of the ciphertext
        cipher.decrypt(one, identifier="bank_account")


def test_deterministic_rotation_new_version_for_new_values_old_still_decrypt(keys):
    cipher = DeterministicCipher(keys)
    old = cipher.encrypt("ABCPD1234F")
    keys.rotate(DETERMINISTIC_KEY)
    new = DeterministicCipher(keys).encrypt("ABCPD1234F")
    assert new.startswith("siv.v2.") and new != old
    assert DeterministicCipher(keys).decrypt(old) == "ABCPD1234F"
    assert DeterministicCipher(keys).decrypt(new) == "ABCPD1234F"


def test_deterministic_ciphertexts_depend_on_the_key(tmp_path):
    a = DeterministicCipher(LocalKeyStore(tmp_path / "a.key")).encrypt("x")
    b = DeterministicCipher(LocalKeyStore(tmp_path / "b.key")).encrypt("x")
    assert a != b
    with pytest.raises(DecryptionError):
        DeterministicCipher(LocalKeyStore(tmp_path / "b.key")).decrypt(a)


@pytest.mark.parametrize("bad", ["garbage", "siv.vX.AAAA", "siv.v1.!!!", "siv.v1.AAAAAAAA"])
def test_deterministic_malformed_ciphertexts_fail_clearly(keys, bad):
    DeterministicCipher(keys).encrypt("version 1 exists")
    with pytest.raises(DecryptionError, match="row 0"):
        DeterministicCipher(keys).decrypt(bad)


def test_principal_encryption_random_nonce_and_decrypts(keys):
    cipher = PrincipalCipher(keys)
    values = pa.array(["1990-01-01", "1990-01-01", None])
    owners = pa.array(["tok_a", "tok_a", None])
    sealed = cipher.encrypt_column(values, owners)
    first, second, missing = sealed.to_pylist()
    assert first != second and missing is None and first.startswith("gcm.")
    assert PrincipalCipher(keys).decrypt_column(sealed, owners).to_pylist() == values.to_pylist()


def test_principal_tampered_or_moved_ciphertext_fails(keys):
    cipher = PrincipalCipher(keys)
    sealed = cipher.encrypt("1990-01-01", "tok_a")
    cipher.encrypt("x", "tok_b")
    flipped = sealed[:-3] + ("A" if sealed[-3] != "A" else "B") + sealed[-2:]
    with pytest.raises(DecryptionError):
        cipher.decrypt(flipped, "tok_a")
    with pytest.raises(DecryptionError):  # the principal is bound as associated data
        cipher.decrypt(sealed, "tok_b")


def test_crypto_shredding_erases_one_principal_only(key_file):
    keys = LocalKeyStore(key_file)
    cipher = PrincipalCipher(keys)
    asha = cipher.encrypt("1990-01-01", "tok_asha")
    ravi = cipher.encrypt("1985-05-05", "tok_ravi")
    keys.shred("tok_asha")
    later = PrincipalCipher(LocalKeyStore(key_file))
    with pytest.raises(PrincipalShredded):
        later.decrypt(asha, "tok_asha")
    with pytest.raises(PrincipalShredded):
        later.encrypt("2000-01-01", "tok_asha")
    assert later.decrypt(ravi, "tok_ravi") == "1985-05-05"


def test_principal_encryption_bad_input(keys):
    cipher = PrincipalCipher(keys)
    with pytest.raises(InvalidValue, match=r"without a principal.*: row 1"):
        cipher.encrypt_column(pa.array(["a", "b"]), pa.array(["tok_a", None]))
    with pytest.raises(KeyNotFound):
        cipher.decrypt(cipher.encrypt("a", "tok_a"), "tok_unknown")
    assert cipher.decrypt(cipher.encrypt_column(pa.array([42]), pa.array(["tok_a"]))[0].as_py(),
                          "tok_a") == "42"

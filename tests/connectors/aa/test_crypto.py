"""FI data encryption: Rahasya's known answer, every KeyValue encoding, and each refusal."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from connectors.aa.crypto import (
    decrypt_fi,
    encrypt_fi,
    generate_key_material,
    load_public_key,
    session_key,
    shared_secret,
)
from connectors.aa.exceptions import FiDecryptionError, KeyMaterialError

# Sahamati Rahasya's X25519 test vector (RFC 7748 §6.1 keys) and the nonces.
OUR_PRIVATE = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"
REMOTE_PUBLIC = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"
OUR_NONCE = "2OZz6xYAnS6a83WcOZFLQH/0YVcl1vWE+zespfGAWFo="
REMOTE_NONCE = "WY9hFnr4WLFd9mVvItMIdBjFygVDpPpoi/BZ3Z3lBfY="
SHARED_SECRET = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"
SESSION_KEY = "3b434ed3f93ce5ef1115a89955a50c0fa3ef09f449a842fed3bf81c2939f4261"

DOCUMENT = b'<Account xmlns="http://api.rebit.org.in/FISchema/deposit" version="1.1"/>'


def _our_key() -> X25519PrivateKey:
    return X25519PrivateKey.from_private_bytes(bytes.fromhex(OUR_PRIVATE))


def _remote_material(key_value: str = REMOTE_PUBLIC, **changes: object) -> dict:
    material = {
        "cryptoAlg": "ECDH", "curve": "X25519",
        "params": "cipher=AES/GCM/NoPadding;KeyPairGenerator=ECDH",
        "DHPublicKey": {"expiry": (datetime.now(UTC) + timedelta(hours=1)).isoformat(),
                        "Parameters": "", "KeyValue": key_value},
        "Nonce": REMOTE_NONCE,
    }
    return material | changes


def _spki(raw_public: bytes) -> bytes:
    """DER SubjectPublicKeyInfo of a raw X25519 key, built by the library, not by crypto.py."""
    return X25519PublicKey.from_public_bytes(raw_public).public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def test_known_answer_shared_secret_and_session_key() -> None:
    secret = shared_secret(_our_key(), REMOTE_PUBLIC)
    assert secret.hex() == SHARED_SECRET
    session = session_key(secret, OUR_NONCE, REMOTE_NONCE)
    assert session.key.hex() == SESSION_KEY
    xored = bytes(a ^ b for a, b in zip(base64.b64decode(OUR_NONCE),
                                        base64.b64decode(REMOTE_NONCE), strict=True))
    assert session.iv == xored[20:]
    # The nonce XOR is symmetric: the other side derives the same session.
    assert session_key(secret, REMOTE_NONCE, OUR_NONCE) == session


def test_decrypt_fi_reads_a_ciphertext_sealed_with_the_known_session_key() -> None:
    xored = bytes(a ^ b for a, b in zip(base64.b64decode(OUR_NONCE),
                                        base64.b64decode(REMOTE_NONCE), strict=True))
    sealed = AESGCM(bytes.fromhex(SESSION_KEY)).encrypt(xored[20:], DOCUMENT, None)
    encrypted_fi = base64.b64encode(sealed).decode()
    assert decrypt_fi(encrypted_fi, _our_key(), _remote_material(), OUR_NONCE) == DOCUMENT


def _key_value_encodings() -> dict[str, str]:
    raw = bytes.fromhex(REMOTE_PUBLIC)
    der = _spki(raw)
    pem = (b"-----BEGIN PUBLIC KEY-----\n" + base64.encodebytes(der)
           + b"-----END PUBLIC KEY-----\n").decode()
    glued = f"-----BEGIN PUBLIC KEY-----{base64.b64encode(der).decode()}-----END PUBLIC KEY-----"
    return {"hex": REMOTE_PUBLIC, "raw-base64": base64.b64encode(raw).decode(),
            "pem": pem, "pem-without-newlines": glued, "der-base64": base64.b64encode(der).decode()}


@pytest.mark.parametrize("encoding", sorted(_key_value_encodings()))
def test_every_key_value_encoding_gives_the_known_secret(encoding: str) -> None:
    key_value = _key_value_encodings()[encoding]
    assert shared_secret(_our_key(), load_public_key(key_value)).hex() == SHARED_SECRET


@pytest.mark.parametrize("glue", ["\n", ""])
def test_private_key_as_pkcs8_pem_text(glue: str) -> None:
    der = _our_key().private_bytes(serialization.Encoding.DER,
                                   serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption())
    pem = f"-----BEGIN PRIVATE KEY-----{glue}{base64.b64encode(der).decode()}{glue}" \
          "-----END PRIVATE KEY-----"
    assert shared_secret(pem, REMOTE_PUBLIC).hex() == SHARED_SECRET


def test_generated_key_material_has_the_spec_shape() -> None:
    private_key, material, nonce = generate_key_material()
    assert material["cryptoAlg"] == "ECDH" and material["curve"] == "X25519"
    assert material["params"] == "cipher=AES/GCM/NoPadding;KeyPairGenerator=ECDH"
    assert material["Nonce"] == nonce and len(base64.b64decode(nonce)) == 32
    dh_public_key = material["DHPublicKey"]
    assert set(dh_public_key) == {"expiry", "Parameters", "KeyValue"}
    assert dh_public_key["KeyValue"].startswith("-----BEGIN PUBLIC KEY-----\n")
    assert load_public_key(dh_public_key["KeyValue"]).public_bytes_raw() == \
        private_key.public_key().public_bytes_raw()
    expiry = datetime.fromisoformat(dh_public_key["expiry"])
    assert dh_public_key["expiry"].endswith("Z")
    assert timedelta(hours=23) < expiry - datetime.now(UTC) <= timedelta(hours=24)


def test_fip_encrypts_and_fiu_decrypts() -> None:
    fiu_key, fiu_material, fiu_nonce = generate_key_material()
    fip_key, fip_material, fip_nonce = generate_key_material()
    encrypted_fi = encrypt_fi(DOCUMENT, fip_key, fiu_material, fip_nonce)
    assert DOCUMENT not in base64.b64decode(encrypted_fi)
    assert decrypt_fi(encrypted_fi, fiu_key, fip_material, fiu_nonce) == DOCUMENT


@pytest.fixture
def sealed() -> tuple[str, X25519PrivateKey, dict, str]:
    fiu_key, fiu_material, fiu_nonce = generate_key_material()
    fip_key, fip_material, fip_nonce = generate_key_material()
    return encrypt_fi(DOCUMENT, fip_key, fiu_material, fip_nonce), fiu_key, fip_material, fiu_nonce


def test_tampered_ciphertext_is_refused(sealed: tuple) -> None:
    encrypted_fi, key, material, nonce = sealed
    raw = bytearray(base64.b64decode(encrypted_fi))
    raw[3] ^= 0x01
    with pytest.raises(FiDecryptionError, match="encryptedFI: GCM authentication failed"):
        decrypt_fi(base64.b64encode(raw).decode(), key, material, nonce)


def test_wrong_private_key_is_refused(sealed: tuple) -> None:
    encrypted_fi, _, material, nonce = sealed
    with pytest.raises(FiDecryptionError, match="wrong private key"):
        decrypt_fi(encrypted_fi, X25519PrivateKey.generate(), material, nonce)


def test_wrong_nonce_is_refused(sealed: tuple) -> None:
    encrypted_fi, key, material, _ = sealed
    _, _, other_nonce = generate_key_material()
    with pytest.raises(FiDecryptionError, match="wrong nonce"):
        decrypt_fi(encrypted_fi, key, material, other_nonce)


@pytest.mark.parametrize("encrypted_fi", ["not base64!", base64.b64encode(b"short").decode()])
def test_malformed_ciphertext_is_refused(sealed: tuple, encrypted_fi: str) -> None:
    _, key, material, nonce = sealed
    with pytest.raises(FiDecryptionError, match="encryptedFI"):
        decrypt_fi(encrypted_fi, key, material, nonce)


def _expired() -> dict:
    material = _remote_material()
    material["DHPublicKey"]["expiry"] = "2020-01-01T00:00:00.000Z"
    return material


def _other_curve_pem(private_key: ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey) -> str:
    return private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


@pytest.mark.parametrize(("material", "field"), [
    pytest.param(_remote_material(curve="P-256"), "KeyMaterial.curve", id="bad-curve"),
    pytest.param(_remote_material(cryptoAlg="RSA"), "KeyMaterial.cryptoAlg", id="bad-alg"),
    pytest.param(_remote_material(params="cipher=AES/CBC/PKCS5Padding"), "KeyMaterial.params",
                 id="bad-cipher"),
    pytest.param(_expired(), "KeyMaterial.DHPublicKey.expiry", id="expired"),
    pytest.param(_remote_material(base64.b64encode(bytes(31)).decode()),
                 "DHPublicKey.KeyValue", id="31-byte-key"),
    pytest.param(_remote_material("ab" * 33), "DHPublicKey.KeyValue", id="33-byte-hex"),
    pytest.param(_remote_material(_other_curve_pem(ec.generate_private_key(ec.SECP256R1()))),
                 "DHPublicKey.KeyValue", id="p256-key"),
    pytest.param(_remote_material(_other_curve_pem(ed25519.Ed25519PrivateKey.generate())),
                 "DHPublicKey.KeyValue", id="ed25519-key"),
    pytest.param(_remote_material("00" * 32), "DHPublicKey.KeyValue", id="low-order-point"),
    pytest.param(_remote_material(Nonce=base64.b64encode(bytes(16)).decode()),
                 "KeyMaterial.Nonce", id="16-byte-nonce"),
    pytest.param({k: v for k, v in _remote_material().items() if k != "Nonce"},
                 "KeyMaterial.Nonce", id="no-nonce"),
    pytest.param(_remote_material(DHPublicKey=None), "KeyMaterial.DHPublicKey", id="no-key"),
])
def test_malformed_key_material_is_refused_naming_the_field(material: dict, field: str) -> None:
    with pytest.raises(KeyMaterialError, match=field.replace(".", r"\.")) as caught:
        decrypt_fi("AAAAAAAAAAAAAAAAAAAAAA==", _our_key(), material, OUR_NONCE)
    assert caught.value.field.endswith(field)


def test_our_nonce_and_private_key_are_checked() -> None:
    with pytest.raises(KeyMaterialError, match="our_nonce"):
        decrypt_fi("AAAA", _our_key(), _remote_material(), base64.b64encode(b"x").decode())
    with pytest.raises(KeyMaterialError, match="our_private_key"):
        decrypt_fi("AAAA", "-----BEGIN PRIVATE KEY-----AAAA-----END PRIVATE KEY-----",
                   _remote_material(), OUR_NONCE)


def test_encrypting_for_an_expired_key_is_refused() -> None:
    with pytest.raises(KeyMaterialError, match="expiry"):
        encrypt_fi(DOCUMENT, _our_key(), _expired(), OUR_NONCE)

"""End-to-end encryption of FI data between FIP and FIU (ReBIT AA spec, X25519 variant).

The scheme is the one of Sahamati's reference library Rahasya (``XCipherService``)::

    shared  = X25519(our private key, remote public key)
    x       = our nonce XOR remote nonce                 (both 32 bytes, base64 on the wire)
    key     = HKDF-SHA256(IKM=shared, salt=x[0:20], info=None, length=32)
    iv      = x[20:32]
    encryptedFI = base64(AES-256-GCM(key, iv, no AAD).encrypt(plaintext) || 16-byte tag)

XOR is symmetric, so both sides derive the same key: the FIU decrypts with its own private
key and nonce and the FIP's ``KeyMaterial`` (public key + nonce) from ``/FI/fetch``. The
plaintext is the raw FI document bytes (Rahasya's X25519 ``encrypt`` takes the raw UTF-8
text; its ``decrypt`` returns that text base64-encoded — :func:`decrypt_fi` returns the bytes).

``KeyMaterial.curve`` may be ``X25519`` or ``Curve25519`` (the spec's enum), but the key must
be an X25519 (RFC 7748) key: the BouncyCastle Weierstrass "Curve25519" keys of Rahasya's ECC
service are refused with a :class:`KeyMaterialError`. ``DHPublicKey.KeyValue`` may be X.509
SubjectPublicKeyInfo PEM (with or without newlines), its base64 DER, or the raw 32-byte key
in hex or base64. A KeyMaterial whose ``DHPublicKey.expiry`` has passed is refused; an expiry
without a UTC offset is read as UTC.

Usage::

    fiu_key, fiu_material, fiu_nonce = generate_key_material()   # sent in /FI/request
    ...
    fi = fetch_response["FI"][0]
    document = decrypt_fi(fi["data"][0]["encryptedFI"], fiu_key, fi["KeyMaterial"], fiu_nonce)
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.exceptions import InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from connectors.aa.exceptions import FiDecryptionError, KeyMaterialError

__all__ = [
    "DEFAULT_KEY_LIFETIME",
    "SessionKey",
    "decrypt_fi",
    "encrypt_fi",
    "generate_key_material",
    "load_private_key",
    "load_public_key",
    "session_key",
    "shared_secret",
]

# Rahasya's ECC service and the FIPs in the wild publish ephemeral keys valid for a day.
DEFAULT_KEY_LIFETIME = timedelta(hours=24)
KEY_MATERIAL_PARAMS = "cipher=AES/GCM/NoPadding;KeyPairGenerator=ECDH"
NONCE_BYTES = 32
_SALT_BYTES = 20  # Rahasya: the first 20 bytes of the XORed nonce are the HKDF salt ...
_IV_BYTES = 12  # ... and the last 12 the GCM IV ("saltIVOffset = 20").
_TAG_BYTES = 16
_CURVES = frozenset({"X25519", "Curve25519"})
# Rahasya's X25519 service writes cryptoAlg "X25519" and an empty curve; the spec says ECDH.
_CRYPTO_ALGS = frozenset({"ECDH", "X25519"})
_PEM_ARMOR = re.compile(r"-----(BEGIN|END) [A-Z0-9 ]+-----")
_HEX_KEY = re.compile(r"^[0-9a-fA-F]{64}$")

@dataclass(frozen=True)
class SessionKey:
    """The AES-256-GCM key and IV of one FI data session (never printed)."""

    key: bytes = field(repr=False)
    iv: bytes = field(repr=False)


def generate_key_material(
    expiry: datetime | None = None,
) -> tuple[X25519PrivateKey, dict[str, Any], str]:
    """A fresh ephemeral key pair and its spec ``KeyMaterial`` (for ``/FI/request``).

    Returns ``(private key, KeyMaterial, nonce)``: the KeyMaterial carries the public key as
    X.509 PEM in ``DHPublicKey.KeyValue`` and the same base64 32-byte nonce in ``Nonce``.
    ``expiry`` (timezone-aware) defaults to now + :data:`DEFAULT_KEY_LIFETIME`.
    """
    if expiry is None:
        expiry = datetime.now(UTC) + DEFAULT_KEY_LIFETIME
    elif expiry.tzinfo is None:
        raise KeyMaterialError("expiry", "must be timezone-aware")
    private_key = X25519PrivateKey.generate()
    public_pem = private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")
    nonce = base64.b64encode(os.urandom(NONCE_BYTES)).decode("ascii")
    expiry_text = expiry.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    key_material = {
        "cryptoAlg": "ECDH",
        "curve": "X25519",
        "params": KEY_MATERIAL_PARAMS,
        "DHPublicKey": {"expiry": expiry_text, "Parameters": "", "KeyValue": public_pem},
        "Nonce": nonce,
    }
    return private_key, key_material, nonce


def decrypt_fi(
    encrypted_fi: str, our_private_key: X25519PrivateKey | str | bytes,
    remote_key_material: dict, our_nonce: str,
) -> bytes:
    """Decrypt one ``encryptedFI`` with our key and nonce and the sender's ``KeyMaterial``.

    Raises :class:`KeyMaterialError` for an unusable key, nonce or KeyMaterial, and
    :class:`FiDecryptionError` when the ciphertext is malformed or fails authentication.
    """
    session = _session_for(our_private_key, remote_key_material, our_nonce)
    try:
        sealed = base64.b64decode(encrypted_fi, validate=True)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise FiDecryptionError("encryptedFI: is not valid base64") from exc
    if len(sealed) < _TAG_BYTES:
        raise FiDecryptionError(
            f"encryptedFI: shorter than the {_TAG_BYTES}-byte GCM tag it must end with")
    try:
        return AESGCM(session.key).decrypt(session.iv, sealed, None)
    except InvalidTag as exc:
        raise FiDecryptionError(
            "encryptedFI: GCM authentication failed (wrong private key, wrong nonce, or the "
            "ciphertext was altered)") from exc


def encrypt_fi(
    plaintext: bytes, our_private_key: X25519PrivateKey | str | bytes,
    remote_key_material: dict, our_nonce: str,
) -> str:
    """Encrypt an FI document as the FIP does; the inverse of :func:`decrypt_fi`.

    ``remote_key_material`` is the FIU's KeyMaterial from ``/FI/request``; ``our_nonce`` is
    the nonce the FIP publishes in its own KeyMaterial beside the ciphertext.
    """
    session = _session_for(our_private_key, remote_key_material, our_nonce)
    sealed = AESGCM(session.key).encrypt(session.iv, plaintext, None)
    return base64.b64encode(sealed).decode("ascii")


def shared_secret(our_private_key: X25519PrivateKey | str | bytes,
                  remote_public_key: X25519PublicKey | str) -> bytes:
    """The raw 32-byte X25519 shared secret (RFC 7748 ``X25519(k, u)``)."""
    private_key = load_private_key(our_private_key)
    public_key = (remote_public_key if isinstance(remote_public_key, X25519PublicKey)
                  else load_public_key(remote_public_key))
    try:
        return private_key.exchange(public_key)
    except ValueError as exc:  # all-zero output: a low-order point, never a real peer key
        raise KeyMaterialError("DHPublicKey.KeyValue",
                               "is a low-order point (no shared secret)") from exc


def session_key(secret: bytes, our_nonce: str, remote_nonce: str) -> SessionKey:
    """HKDF-SHA256 session key and GCM IV from the shared secret and the two nonces."""
    mixed = bytes(a ^ b for a, b in zip(_nonce(our_nonce, "our_nonce"),
                                        _nonce(remote_nonce, "KeyMaterial.Nonce"), strict=True))
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=mixed[:_SALT_BYTES],
               info=None).derive(secret)
    return SessionKey(key=key, iv=mixed[-_IV_BYTES:])


def load_private_key(key: X25519PrivateKey | str | bytes) -> X25519PrivateKey:
    """An X25519 private key from the object itself or PKCS#8 PEM (newlines optional)."""
    if isinstance(key, X25519PrivateKey):
        return key
    if not isinstance(key, str | bytes):
        raise KeyMaterialError("our_private_key",
                               "must be an X25519PrivateKey or PKCS#8 PEM text")
    text = key.decode("ascii", "replace") if isinstance(key, bytes) else key
    try:
        loaded = serialization.load_der_private_key(_pem_body(text), password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm, binascii.Error) as exc:
        raise KeyMaterialError("our_private_key", "is not PKCS#8 PEM") from exc
    if not isinstance(loaded, X25519PrivateKey):
        raise KeyMaterialError("our_private_key", "is not an X25519 key")
    return loaded


def load_public_key(key_value: str) -> X25519PublicKey:
    """An X25519 public key from ``DHPublicKey.KeyValue``.

    Accepts X.509 SubjectPublicKeyInfo PEM (newlines optional), base64 DER, or the raw
    32-byte key as hex or base64.
    """
    where = "DHPublicKey.KeyValue"
    if not isinstance(key_value, str) or not key_value.strip():
        raise KeyMaterialError(where, "is missing or not a string")
    text = key_value.strip()
    if _HEX_KEY.fullmatch(text):
        return X25519PublicKey.from_public_bytes(bytes.fromhex(text))
    try:
        raw = _pem_body(text)
    except binascii.Error as exc:
        raise KeyMaterialError(where, "is neither PEM, base64 nor 64 hex digits") from exc
    if len(raw) == 32:
        return X25519PublicKey.from_public_bytes(raw)
    try:
        loaded = serialization.load_der_public_key(raw)
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise KeyMaterialError(
            where, f"is not a 32-byte X25519 key nor X.509 SubjectPublicKeyInfo "
                   f"({len(raw)} bytes decoded)") from exc
    if not isinstance(loaded, X25519PublicKey):
        raise KeyMaterialError(
            where, "is not an X25519 key (Weierstrass 'Curve25519' keys are not supported)")
    return loaded


def _session_for(our_private_key: X25519PrivateKey | str | bytes, remote_key_material: dict,
                 our_nonce: str) -> SessionKey:
    public_key_value, remote_nonce = _check_key_material(remote_key_material)
    secret = shared_secret(our_private_key, public_key_value)
    return session_key(secret, our_nonce, remote_nonce)


def _check_key_material(material: dict) -> tuple[str, str]:
    """The remote public key value and nonce of a KeyMaterial that passes the spec's rules."""
    if not isinstance(material, dict):
        raise KeyMaterialError("KeyMaterial", "must be a JSON object")
    crypto_alg = material.get("cryptoAlg")
    if crypto_alg not in _CRYPTO_ALGS:
        raise KeyMaterialError("KeyMaterial.cryptoAlg", "must be ECDH")
    curve = material.get("curve")
    if curve not in _CURVES and not (crypto_alg == "X25519" and curve in ("", None)):
        raise KeyMaterialError("KeyMaterial.curve", "must be X25519 or Curve25519")
    params = material.get("params") or ""
    if params and "AES/GCM/NoPadding" not in params:
        raise KeyMaterialError("KeyMaterial.params", "cipher must be AES/GCM/NoPadding")
    dh_public_key = material.get("DHPublicKey")
    if not isinstance(dh_public_key, dict):
        raise KeyMaterialError("KeyMaterial.DHPublicKey", "is required (an object)")
    _check_expiry(dh_public_key.get("expiry"))
    nonce = material.get("Nonce")
    if not isinstance(nonce, str):
        raise KeyMaterialError("KeyMaterial.Nonce", "is required (base64 of 32 bytes)")
    return dh_public_key.get("KeyValue"), nonce


def _check_expiry(expiry: object) -> None:
    where = "KeyMaterial.DHPublicKey.expiry"
    if not isinstance(expiry, str):
        raise KeyMaterialError(where, "is required (an ISO-8601 date-time)")
    try:
        moment = datetime.fromisoformat(expiry)
    except ValueError as exc:
        raise KeyMaterialError(where, "is not an ISO-8601 date-time") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if moment <= datetime.now(UTC):
        raise KeyMaterialError(where, "has passed: the key is expired, request fresh keys")


def _nonce(value: str, where: str) -> bytes:
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise KeyMaterialError(where, "is not valid base64") from exc
    if len(raw) != NONCE_BYTES:
        raise KeyMaterialError(where, f"must decode to {NONCE_BYTES} bytes, got {len(raw)}")
    return raw


def _pem_body(text: str) -> bytes:
    """The DER (or raw) bytes of PEM text, with or without newlines around the armor."""
    body = re.sub(r"\s+", "", _PEM_ARMOR.sub("", text))
    return base64.b64decode(body, validate=True)

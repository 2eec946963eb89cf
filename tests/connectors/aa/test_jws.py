"""x-jws-signature and signedConsent: interoperable with PyJWT, strict about alg, crit and bytes."""

from __future__ import annotations

import base64
import hmac
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from connectors.aa.exceptions import JwsError, JwsVerificationError
from connectors.aa.jws import sign_compact, sign_detached, verify_compact, verify_detached

BODY = b'{"ver":"2.0.0","timestamp":"2026-01-05T10:00:00.000Z","txnid":"c4a1","ConsentHandle":"h"}'


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def other_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _header_segment(header: dict) -> str:
    return _b64url(json.dumps(header).encode())


def test_detached_signature_shape_and_header(key: rsa.RSAPrivateKey) -> None:
    signature = sign_detached(BODY, key, kid="fiu-key-1")
    protected, middle, sig = signature.split(".")
    assert middle == "" and sig
    header = json.loads(base64.urlsafe_b64decode(protected + "=" * (-len(protected) % 4)))
    assert header == {"alg": "RS256", "kid": "fiu-key-1", "b64": False, "crit": ["b64"]}
    # Independent computation of the RFC 7797 signing input: header '.' raw body bytes.
    key.public_key().verify(base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4)),
                            protected.encode() + b"." + BODY, padding.PKCS1v15(),
                            hashes.SHA256())
    assert verify_detached(BODY, signature, key.public_key()) == header


def test_pyjwt_verifies_ours_and_we_verify_pyjwts(key: rsa.RSAPrivateKey) -> None:
    ours = sign_detached(BODY, key)
    decoded = jwt.api_jws.PyJWS().decode_complete(ours, key.public_key(), algorithms=["RS256"],
                                                  detached_payload=BODY)
    assert decoded["payload"] == BODY
    theirs = jwt.api_jws.PyJWS().encode(BODY, key, algorithm="RS256",
                                        headers={"kid": "k"}, is_payload_detached=True)
    assert verify_detached(BODY, theirs, key.public_key())["kid"] == "k"


def test_altered_or_reserialised_body_is_refused(key: rsa.RSAPrivateKey) -> None:
    signature = sign_detached(BODY, key)
    with pytest.raises(JwsVerificationError, match="does not verify"):
        verify_detached(BODY.replace(b'"h"', b'"i"'), signature, key.public_key())
    # The same JSON, serialised again: different bytes, so a different signing input.
    reserialised = json.dumps(json.loads(BODY)).encode()
    with pytest.raises(JwsVerificationError, match="does not verify"):
        verify_detached(reserialised, signature, key.public_key())


def test_wrong_key_is_refused(key: rsa.RSAPrivateKey, other_key: rsa.RSAPrivateKey) -> None:
    with pytest.raises(JwsVerificationError, match="does not verify"):
        verify_detached(BODY, sign_detached(BODY, key), other_key.public_key())


def _public_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)


def test_alg_none_and_hs256_confusion_are_refused(key: rsa.RSAPrivateKey) -> None:
    none_token = _header_segment({"alg": "none", "b64": False, "crit": ["b64"]}) + ".."
    with pytest.raises(JwsVerificationError, match='"alg": only RS256'):
        verify_detached(BODY, none_token, key.public_key())
    # Classic confusion: an HMAC keyed with the verifier's public key PEM.
    protected = _header_segment({"alg": "HS256", "b64": False, "crit": ["b64"]})
    mac = hmac.new(_public_pem(key), protected.encode() + b"." + BODY, "sha256").digest()
    with pytest.raises(JwsVerificationError, match='"alg": only RS256'):
        verify_detached(BODY, f"{protected}..{_b64url(mac)}", _public_pem(key))


def _signed_with_header(key: rsa.RSAPrivateKey, header: dict) -> str:
    protected = _header_segment(header)
    sig = key.sign(protected.encode() + b"." + BODY, padding.PKCS1v15(), hashes.SHA256())
    return f"{protected}..{_b64url(sig)}"


@pytest.mark.parametrize(("header", "match"), [
    ({"alg": "RS256", "b64": False}, "crit"),
    ({"alg": "RS256", "crit": ["b64"]}, "crit"),
    ({"alg": "RS256"}, '"b64": false'),
    ({"alg": "RS256", "b64": False, "crit": ["b64", "exp"]}, "only"),
    ({"alg": "RS512", "b64": False, "crit": ["b64"]}, "only RS256"),
], ids=["no-crit", "crit-without-b64", "no-b64", "unknown-crit", "rs512"])
def test_header_rules_hold_even_with_a_valid_signature(key: rsa.RSAPrivateKey, header: dict,
                                                       match: str) -> None:
    with pytest.raises(JwsVerificationError, match=match):
        verify_detached(BODY, _signed_with_header(key, header), key.public_key())


@pytest.mark.parametrize("value", ["", "abc", "a.b", "a..b.c", "%%%..sig", "eyJ9..c2ln"])
def test_malformed_values_are_refused(key: rsa.RSAPrivateKey, value: str) -> None:
    with pytest.raises(JwsVerificationError):
        verify_detached(BODY, value, key.public_key())


def test_attached_value_is_not_a_detached_signature(key: rsa.RSAPrivateKey) -> None:
    with pytest.raises(JwsVerificationError, match="detached"):
        verify_detached(BODY, sign_compact(BODY, key), key.public_key())


def _certificate_pem(key: rsa.RSAPrivateKey) -> bytes:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "aa-sandbox")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(1)
            .not_valid_before(now).not_valid_after(now + timedelta(days=1))
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM)


def test_keys_as_pem_text_and_certificate(key: rsa.RSAPrivateKey) -> None:
    private_pem = key.private_bytes(serialization.Encoding.PEM,
                                    serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode()
    signature = sign_detached(BODY, private_pem)
    assert verify_detached(BODY, signature, _public_pem(key).decode())["alg"] == "RS256"
    assert verify_detached(BODY, signature, _certificate_pem(key))["alg"] == "RS256"


def test_weak_or_wrong_keys_are_refused(key: rsa.RSAPrivateKey) -> None:
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    with pytest.raises(JwsError, match="2048"):
        sign_detached(BODY, small)
    with pytest.raises(JwsError, match="PEM"):
        sign_detached(BODY, "not a key")
    with pytest.raises(JwsVerificationError, match="2048"):
        verify_detached(BODY, sign_detached(BODY, key), small.public_key())
    with pytest.raises(JwsVerificationError, match="RSA public key"):
        verify_detached(BODY, sign_detached(BODY, key), key)


def test_compact_round_trip_and_pyjwt_interop(key: rsa.RSAPrivateKey) -> None:
    token = sign_compact(BODY, key, kid="aa-key")
    assert verify_compact(token, key.public_key()) == BODY
    assert jwt.api_jws.PyJWS().decode(token, key.public_key(), algorithms=["RS256"]) == BODY
    theirs = jwt.api_jws.PyJWS().encode(BODY, key, algorithm="RS256")
    assert verify_compact(theirs, key.public_key()) == BODY


def test_compact_tampered_payload_is_refused(key: rsa.RSAPrivateKey) -> None:
    header, _, sig = sign_compact(BODY, key).split(".")
    forged = f"{header}.{_b64url(BODY.replace(b'c4a1', b'c4a2'))}.{sig}"
    with pytest.raises(JwsVerificationError, match="does not verify"):
        verify_compact(forged, key.public_key())
    none_token = f"{_header_segment({'alg': 'none'})}.{_b64url(BODY)}."
    with pytest.raises(JwsVerificationError, match="only RS256"):
        verify_compact(none_token, key.public_key())


def test_signed_consent_in_the_spec_style_with_b64_false_header(key: rsa.RSAPrivateKey) -> None:
    # AA-v2-latest.yaml's signedConsent example: header {"alg":"RS256","kid":...,"b64":false,
    # "crit":["b64"]} yet a base64url payload; the signing input is header.payload either way.
    header = _header_segment({"alg": "RS256", "kid": "k", "b64": False, "crit": ["b64"]})
    signing_input = f"{header}.{_b64url(BODY)}"
    sig = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    assert verify_compact(f"{signing_input}.{_b64url(sig)}", key.public_key()) == BODY

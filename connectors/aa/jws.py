"""RS256 JWS for the AA APIs: detached ``x-jws-signature`` headers and signed consent artefacts.

Every AA API request and response carries ``x-jws-signature``: a detached JWS with an
unencoded payload (RFC 7515 + RFC 7797), ``BASE64URL(header)..BASE64URL(signature)``, whose
protected header is ``{"alg": "RS256", "kid": ..., "b64": false, "crit": ["b64"]}``. With
``b64: false`` the signing input is ``ASCII(BASE64URL(header)) || "." || body``: the exact
body bytes sent, so sign and verify the bytes on the wire, never re-serialised JSON.

The consent artefact's ``signedConsent`` is a compact (attached) JWS. The spec's own example
puts ``b64: false`` in its header yet carries the payload base64url-encoded; the signing input
``header.payload`` is the same bytes under either reading, and :func:`verify_compact` returns
the base64url-decoded payload (the SignedConsentDetail JSON) in both cases.

Only RS256 with RSA keys of at least 2048 bits is accepted: ``none``, HMAC and every other
``alg`` are refused before any signature check. Keys are ``cryptography`` RSA key objects or
PEM (a public key, or a certificate when verifying).

Usage::

    body = json.dumps(request).encode()
    headers = {"x-jws-signature": sign_detached(body, fiu_private_key, kid="fiu-key-1")}
    ...
    verify_detached(response.content, response.headers["x-jws-signature"], aa_public_key)
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey

from connectors.aa.exceptions import JwsError, JwsVerificationError

__all__ = ["sign_compact", "sign_detached", "verify_compact", "verify_detached"]

ALGORITHM = "RS256"
MIN_RSA_BITS = 2048
_UNDERSTOOD_CRIT = frozenset({"b64"})
_BASE64URL = re.compile(r"^[A-Za-z0-9_-]*$")


def sign_detached(body: bytes, private_key: RSAPrivateKey | str | bytes, *,
                  kid: str | None = None) -> str:
    """The ``x-jws-signature`` value for ``body``: ``<protected>..<signature>`` (RFC 7797)."""
    header = _header(kid, b64=False)
    return f"{header}..{_sign(header.encode('ascii') + b'.' + body, private_key)}"


def verify_detached(body: bytes, signature: str,
                    public_key: RSAPublicKey | str | bytes) -> dict[str, Any]:
    """Check an ``x-jws-signature`` over the exact ``body`` bytes; return its protected header.

    Raises :class:`JwsVerificationError` when the value is not ``<protected>..<signature>``,
    the header is not RS256 with ``b64: false`` listed in ``crit``, or the signature does not
    match these bytes under this key.
    """
    segments = _segments(signature)
    if segments[1]:
        raise JwsVerificationError("x-jws-signature: must be detached (empty middle segment)")
    header = _protected_header(segments[0])
    if header.get("b64") is not False or "b64" not in header.get("crit", []):
        raise JwsVerificationError(
            'x-jws-signature: header must carry "b64": false and list it in "crit" (RFC 7797)')
    _verify(segments[0].encode("ascii") + b"." + body, segments[2], public_key)
    return header


def sign_compact(payload: bytes, private_key: RSAPrivateKey | str | bytes,
                 kid: str | None = None) -> str:
    """A compact RS256 JWS with an attached base64url payload (e.g. ``signedConsent``)."""
    header = _header(kid, b64=True)
    signing_input = f"{header}.{_b64url(payload)}"
    return f"{signing_input}.{_sign(signing_input.encode('ascii'), private_key)}"


def verify_compact(token: str, public_key: RSAPublicKey | str | bytes) -> bytes:
    """Verify a compact RS256 JWS and return its payload bytes (base64url-decoded)."""
    segments = _segments(token)
    _protected_header(segments[0])
    _verify(f"{segments[0]}.{segments[1]}".encode("ascii"), segments[2], public_key)
    return _b64url_decode(segments[1], "payload")


def _header(kid: str | None, *, b64: bool) -> str:
    header: dict[str, Any] = {"alg": ALGORITHM}
    if kid is not None:
        header["kid"] = kid
    if not b64:
        header |= {"b64": False, "crit": ["b64"]}
    return _b64url(json.dumps(header, separators=(",", ":")).encode("utf-8"))


def _segments(token: str) -> list[str]:
    if not isinstance(token, str):
        raise JwsVerificationError("JWS: must be a string")
    segments = token.strip().split(".")
    if len(segments) != 3 or not all(_BASE64URL.fullmatch(s) for s in segments):
        raise JwsVerificationError("JWS: must be three base64url segments joined by '.'")
    return segments


def _protected_header(segment: str) -> dict[str, Any]:
    try:
        header = json.loads(_b64url_decode(segment, "protected header"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise JwsVerificationError("JWS protected header: is not JSON") from exc
    if not isinstance(header, dict):
        raise JwsVerificationError("JWS protected header: must be a JSON object")
    if header.get("alg") != ALGORITHM:
        raise JwsVerificationError(f'JWS protected header "alg": only {ALGORITHM} is accepted')
    crit = header.get("crit", [])
    if not isinstance(crit, list) or not set(crit) <= _UNDERSTOOD_CRIT:
        raise JwsVerificationError('JWS protected header "crit": only ["b64"] is understood')
    if any(name not in header for name in crit):
        raise JwsVerificationError('JWS protected header "crit": names an absent parameter')
    return header


def _sign(signing_input: bytes, private_key: RSAPrivateKey | str | bytes) -> str:
    key = _private_key(private_key)
    return _b64url(key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256()))


def _verify(signing_input: bytes, signature_segment: str,
            public_key: RSAPublicKey | str | bytes) -> None:
    key = _public_key(public_key)
    signature = _b64url_decode(signature_segment, "signature")
    try:
        key.verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature as exc:
        raise JwsVerificationError(
            "JWS signature: does not verify over these bytes with this key") from exc


def _private_key(key: RSAPrivateKey | str | bytes) -> RSAPrivateKey:
    if isinstance(key, str | bytes):
        try:
            key = serialization.load_pem_private_key(_as_bytes(key), password=None)
        except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
            raise JwsError("JWS signing key: is not an unencrypted PEM private key") from exc
    if not isinstance(key, RSAPrivateKey):
        raise JwsError("JWS signing key: must be an RSA private key (RS256)")
    if key.key_size < MIN_RSA_BITS:
        raise JwsError(f"JWS signing key: RSA keys need at least {MIN_RSA_BITS} bits")
    return key


def _public_key(key: RSAPublicKey | str | bytes) -> RSAPublicKey:
    if isinstance(key, str | bytes):
        pem = _as_bytes(key)
        try:
            key = (x509.load_pem_x509_certificate(pem).public_key()
                   if b"BEGIN CERTIFICATE" in pem else serialization.load_pem_public_key(pem))
        except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
            raise JwsVerificationError(
                "JWS verification key: is not a PEM public key or certificate") from exc
    if not isinstance(key, RSAPublicKey):
        raise JwsVerificationError("JWS verification key: must be an RSA public key (RS256)")
    if key.key_size < MIN_RSA_BITS:
        raise JwsVerificationError(
            f"JWS verification key: RSA keys need at least {MIN_RSA_BITS} bits")
    return key


def _as_bytes(text: str | bytes) -> bytes:
    return text.encode("utf-8") if isinstance(text, str) else text


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(segment: str, what: str) -> bytes:
    if len(segment) % 4 == 1:
        raise JwsVerificationError(f"JWS {what}: is not valid base64url")
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError) as exc:
        raise JwsVerificationError(f"JWS {what}: is not valid base64url") from exc

"""Errors of the Account Aggregator connector's crypto, JWS and ReBIT parsing.

    ConnectorError
     └── AaError                      anything the AA side of nijta refuses
          ├── AaRefusal               the AA answered a signed spec error we act on
          │    ├── FiNotReady             /FI/fetch still DataFetchRequestInProgress when
          │    │                          fi_ready_timeout_s ran out
          │    └── ConsentUseExceeded     /FI/request refused InvalidConsentUse: the
          │                               consent's Frequency is used up for now
          ├── KeyMaterialError        a KeyMaterial, key or nonce is malformed or expired
          ├── FiDecryptionError       encryptedFI could not be decrypted (or encrypted)
          ├── JwsError                a JWS could not be produced (bad signing key)
          │    └── JwsVerificationError   a JWS is malformed, uses a refused alg, or does
          │                               not verify over the bytes received
          └── RebitParseError         a ReBIT FI document breaks the schema
               └── UnsupportedRebitVersion   Account@version is neither 1.x nor 2.x

Messages name the field, element or attribute (and the transaction index) and the rule
broken; they never carry the document's values, the plaintext or key bytes.
"""

from __future__ import annotations

from connectors.exceptions import ConnectorError

__all__ = [
    "AaError",
    "AaRefusal",
    "ConsentUseExceeded",
    "FiDecryptionError",
    "FiNotReady",
    "JwsError",
    "JwsVerificationError",
    "KeyMaterialError",
    "RebitParseError",
    "UnsupportedRebitVersion",
]

AA_CONNECTOR = "account-aggregator"


class AaError(ConnectorError):
    """Root of the Account Aggregator errors; ``detail`` is the message without the
    connector prefix, for wrapping into a caller's own message."""

    def __init__(self, message: str, *, connector: str = AA_CONNECTOR) -> None:
        super().__init__(connector, message)
        self.detail = message


class AaRefusal(AaError):
    """The AA refused a request with the spec's error envelope (signature verified):
    ``status`` and ``error_code`` are the AA's, e.g. 403 ``DataFetchRequestInProgress``."""

    def __init__(self, message: str, *, status: int, error_code: str,
                 connector: str = AA_CONNECTOR) -> None:
        super().__init__(message, connector=connector)
        self.status = status
        self.error_code = error_code


class FiNotReady(AaRefusal):
    """The FIP had not delivered an FI session's data within ``fi_ready_timeout_s``."""

    def __init__(self, message: str, *, session_id: str, status: int, error_code: str,
                 connector: str = AA_CONNECTOR) -> None:
        super().__init__(message, status=status, error_code=error_code, connector=connector)
        self.session_id = session_id


class ConsentUseExceeded(AaRefusal):
    """A consent's ``Frequency`` allows no further FI request in the current unit."""

    def __init__(self, message: str, *, consent_id: str, status: int, error_code: str,
                 connector: str = AA_CONNECTOR) -> None:
        super().__init__(message, status=status, error_code=error_code, connector=connector)
        self.consent_id = consent_id


class KeyMaterialError(AaError):
    """A KeyMaterial field, a key or a nonce is unusable; ``field`` names it."""

    def __init__(self, field: str, rule: str) -> None:
        super().__init__(f"{field}: {rule}")
        self.field = field


class FiDecryptionError(AaError):
    """The FI ciphertext is malformed or failed authentication (wrong key, nonce or bytes)."""


class JwsError(AaError):
    """A JWS could not be produced: the message names the key problem."""


class JwsVerificationError(JwsError):
    """A JWS was refused: malformed, a disallowed ``alg``/``crit``, or a bad signature."""


class RebitParseError(AaError):
    """A ReBIT document breaks the schema at ``path`` (e.g. ``Transaction[3]@amount``)."""

    def __init__(self, path: str, rule: str, *, txn_index: int | None = None) -> None:
        super().__init__(f"ReBIT deposit {path}: {rule}")
        self.path = path
        self.rule = rule
        self.txn_index = txn_index


class UnsupportedRebitVersion(RebitParseError):
    """``Account@version`` names a schema version this parser does not know."""

"""Deterministic keyed tokens for identifiers: joins without raw values.

An identifier is first put in canonical form (``+91 98450 12763``, ``09845012763`` and
``919845012763`` are one mobile), then HMAC-SHA256'd with the key of its tokenization domain.
The same identifier from any source gives the same token, so tables join on tokens.

Usage::

    tokenizer = Tokenizer(keys)
    tokenizer.tokenize("mobile", "+91 98450 12763")      # 'tok_…' (32 hex chars)
    tokenizer.tokenize_column("upi_vpa", arrow_column)   # pyarrow array of tokens
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable

import pyarrow as pa

from anonymize.exceptions import UnknownIdentifier
from anonymize.keys import KeyStore

__all__ = ["IDENTIFIER_KINDS", "Tokenizer", "canonical_identifier"]

TOKEN_PREFIX = "tok_"
TOKEN_HEX_CHARS = 32


def _canonical_mobile(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    if len(digits) == 12 and digits.startswith("91"):
        digits = digits[2:]
    elif len(digits) == 11 and digits.startswith("0"):
        digits = digits[1:]
    return digits


def _canonical_vpa(value: str) -> str:
    return value.strip().lower()


def _canonical_account(value: str) -> str:
    return re.sub(r"[\s-]", "", value).upper()


_CANONICAL: dict[str, Callable[[str], str]] = {
    "mobile": _canonical_mobile,
    "upi_vpa": _canonical_vpa,
    "bank_account": _canonical_account,
}
IDENTIFIER_KINDS = tuple(sorted(_CANONICAL))


def canonical_identifier(kind: str, value: str) -> str:
    """The canonical form of ``value`` as an identifier of ``kind``."""
    try:
        return _CANONICAL[kind](value)
    except KeyError:
        raise UnknownIdentifier(
            f"no canonical form for identifier kind {kind!r}; known: {', '.join(IDENTIFIER_KINDS)}"
        ) from None


class Tokenizer:
    """Keyed HMAC-SHA256 tokens, one key per tokenization domain (the identifier kind)."""

    def __init__(self, keys: KeyStore) -> None:
        self._keys = keys
        self._domain_keys: dict[str, bytes] = {}

    def tokenize(self, kind: str, value: str) -> str:
        """Token of one identifier value."""
        canonical = canonical_identifier(kind, value)
        digest = hmac.new(self._key(kind), canonical.encode(), hashlib.sha256).hexdigest()
        return TOKEN_PREFIX + digest[:TOKEN_HEX_CHARS]

    def tokenize_column(self, kind: str, column: pa.Array | pa.ChunkedArray) -> pa.Array:
        """Tokens of a string column; nulls stay null."""
        return pa.array(
            [None if v is None else self.tokenize(kind, v) for v in column.to_pylist()],
            type=pa.string(),
        )

    def _key(self, kind: str) -> bytes:
        if kind not in self._domain_keys:
            canonical_identifier(kind, "")  # fail early on an unknown kind
            self._domain_keys[kind] = self._keys.derive(f"tokenize:{kind}")
        return self._domain_keys[kind]

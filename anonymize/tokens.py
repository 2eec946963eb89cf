"""Deterministic keyed tokens for identifiers: joins without raw values.

An identifier is first put in canonical form (``+91 98450 12763``, ``09845012763`` and
``919845012763`` are one mobile), then HMAC-SHA256'd with the key of its tokenization domain
(one per identifier kind). The same identifier from any source gives the same token, so tables
join on tokens; the same digits as a mobile and as an account do not. A domain's tokens change
only when it is re-keyed on purpose (:meth:`Tokenizer.rekey`).

Canonical forms are Arrow compute kernels, so a column is normalised in C; only the HMAC runs
per value in Python, from the precomputed inner and outer SHA-256 states of the key
(RFC 2104 §4), and the ``tok_…`` strings are assembled as one buffer.

Usage::

    tokenizer = Tokenizer(keys)
    tokenizer.tokenize("mobile", "+91 98450 12763")      # 'tok_…' (32 hex chars)
    tokenizer.tokenize_column("upi_vpa", arrow_column)   # pyarrow array of tokens
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, Self

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from anonymize.columns import check_rows, fixed_width_strings, string_column
from anonymize.exceptions import InvalidValue, UnknownIdentifier
from anonymize.keys import KeyStore

try:  # CPython's own SHA-256: copying its state is a memcpy, copying OpenSSL's allocates
    from _sha256 import sha256 as _sha256
except ImportError:  # other interpreters
    from hashlib import sha256 as _sha256

__all__ = ["IDENTIFIER_KINDS", "TOKEN_PREFIX", "Tokenizer", "canonical_column",
           "canonical_identifier", "token_domain"]

TOKEN_PREFIX = "tok_"
TOKEN_HEX_CHARS = 32
_TOKEN_WIDTH = len(TOKEN_PREFIX) + TOKEN_HEX_CHARS
_SHA256_BLOCK = 64


class _HashState(Protocol):
    def copy(self) -> Self: ...
    def update(self, data: bytes, /) -> None: ...
    def digest(self) -> bytes: ...


def _lower_trimmed(column: pa.StringArray) -> pa.StringArray:
    return pc.utf8_lower(pc.utf8_trim_whitespace(column))


def _mobile(column: pa.StringArray) -> pa.StringArray:
    digits = pc.replace_substring_regex(column, r"\D", "")
    return pc.replace_substring_regex(digits, r"^(?:91(\d{10})|0(\d{10}))$", r"\1\2")


def _upper_without(separators: str) -> Callable[[pa.StringArray], pa.StringArray]:
    return lambda column: pc.utf8_upper(pc.replace_substring_regex(column, separators, ""))


_CANONICAL: dict[str, Callable[[pa.StringArray], pa.StringArray]] = {
    "aadhaar": _upper_without(r"[\s:-]"),
    "bank_account": _upper_without(r"[\s-]"),
    "customer_id": pc.utf8_trim_whitespace,
    "email": _lower_trimmed,
    "mobile": _mobile,
    "pan": _upper_without(r"\s"),
    "upi_vpa": _lower_trimmed,
}
IDENTIFIER_KINDS = tuple(sorted(_CANONICAL))


def canonical_column(kind: str, column: pa.Array | pa.ChunkedArray) -> pa.StringArray:
    """Canonical forms of a column of ``kind`` identifiers; blank strings become null.

    A value that is not blank but has no canonical form (a mobile without digits) is refused.
    """
    try:
        normalise = _CANONICAL[kind]
    except KeyError:
        raise UnknownIdentifier(
            f"no canonical form for identifier kind {kind!r}; known: {', '.join(IDENTIFIER_KINDS)}"
        ) from None
    raw = string_column(column, what=f"a {kind} identifier")
    blank = pc.equal(pc.utf8_trim_whitespace(raw), "")
    canonical = normalise(raw)
    check_rows(pc.and_not(pc.equal(canonical, ""), blank),
               f"values that are no {kind} (nothing left after normalising)")
    return pc.if_else(blank, pa.scalar(None, pa.string()), canonical)


def canonical_identifier(kind: str, value: str) -> str:
    """The canonical form of ``value`` as an identifier of ``kind``."""
    if not isinstance(value, str):
        raise InvalidValue(f"a {kind} identifier is a string, not {type(value).__name__}")
    canonical = canonical_column(kind, pa.array([value], pa.string()))[0]
    if not canonical.is_valid:
        raise InvalidValue(f"a blank string is no {kind}")
    return str(canonical.as_py())


class Tokenizer:
    """Keyed HMAC-SHA256 tokens, one key per tokenization domain (the identifier kind)."""

    def __init__(self, keys: KeyStore) -> None:
        self._keys = keys
        self._states: dict[str, tuple[_HashState, _HashState]] = {}

    @property
    def keys(self) -> KeyStore:
        """The key store the domain keys come from."""
        return self._keys

    def tokenize(self, kind: str, value: str) -> str:
        """Token of one identifier value."""
        return self._token_chars(kind, [canonical_identifier(kind, value)]).tobytes().decode()

    def tokenize_column(self, kind: str, column: pa.Array | pa.ChunkedArray) -> pa.StringArray:
        """Tokens of a string column; nulls and blank strings give null."""
        canonical = canonical_column(kind, column)
        return fixed_width_strings(self._token_chars(kind, canonical.to_pylist()),
                                   canonical.is_valid().to_numpy(zero_copy_only=False))

    def rekey(self, kind: str) -> int:
        """Give the ``kind`` domain a new key: every token of it changes. Returns the version."""
        canonical_column(kind, pa.array([], pa.string()))  # fail early on an unknown kind
        self._states.pop(kind, None)
        return self._keys.rotate(token_domain(kind))

    def _token_chars(self, kind: str, values: list[str | None]) -> np.ndarray:
        """``tok_`` + 32 hex per value as an ``(n, 36)`` array; a null gets a dummy token."""
        inner, outer = self._hmac_states(kind)
        inner_copy, outer_copy = inner.copy, outer.copy
        digests = []
        for value in values:
            step = inner_copy()
            step.update(b"" if value is None else value.encode())
            final = outer_copy()
            final.update(step.digest())
            digests.append(final.digest())
        hexed = np.frombuffer(b"".join(digests).hex().encode(), np.uint8).reshape(len(values), 64)
        tokens = np.empty((len(values), _TOKEN_WIDTH), np.uint8)
        tokens[:, :len(TOKEN_PREFIX)] = np.frombuffer(TOKEN_PREFIX.encode(), np.uint8)
        tokens[:, len(TOKEN_PREFIX):] = hexed[:, :TOKEN_HEX_CHARS]
        return tokens

    def _hmac_states(self, kind: str) -> tuple[_HashState, _HashState]:
        """SHA-256 states after absorbing key ⊕ ipad and key ⊕ opad (RFC 2104 §4)."""
        if kind not in self._states:
            key = self._keys.current(token_domain(kind)).secret.ljust(_SHA256_BLOCK, b"\0")
            self._states[kind] = (_sha256(bytes(b ^ 0x36 for b in key)),
                                  _sha256(bytes(b ^ 0x5C for b in key)))
        return self._states[kind]


def token_domain(kind: str) -> str:
    """The name of the key that tokenizes identifiers of ``kind``."""
    return f"tokenize:{kind}"


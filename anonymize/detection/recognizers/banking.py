"""Banking identifiers: IFSC, bank account numbers, card numbers and UPI VPAs.

Account numbers have no common format (9 to 18 digits, bank-specific) and look like every
other number, so they are reported only under an account label ("a/c", "acct", "khata", ...)
or in the account slot of a narration. Card numbers must pass Luhn (``stdnum.luhn``) and start
with a known network prefix, RuPay's included. A VPA is ``local@handle`` where the handle has no
dot: ``name@oksbi``, ``98xxxxxxxx@paytm``; ``name@gmail.com`` is an e-mail address.
"""

from __future__ import annotations

import re
from types import MappingProxyType

from mypy_extensions import mypyc_attr
from stdnum import luhn

from anonymize.detection.recognizers.base import Scan, Token, TokenRecognizer, digits_of
from anonymize.detection.recognizers.context import AMOUNT, REFERENCE, decide, word_set

__all__ = [
    "BankAccountRecognizer",
    "CardNumberRecognizer",
    "IfscRecognizer",
    "UpiVpaRecognizer",
    "is_card_prefix",
    "is_luhn_valid",
]

_IFSC = frozenset({"ifsc"})
_NOTHING: frozenset[str] = frozenset()
_ACCOUNT = frozenset({"account"})
_CARD = frozenset({"card"})
_CARD_AGAINST = frozenset(
    {REFERENCE, AMOUNT, "account", "aadhaar", "vid", "phone", "device", "pincode"}
)
_VPA = frozenset({"vpa"})
_TWO_DIGIT_PREFIXES = word_set(
    "30 34 35 36 37 38 39 50 51 52 53 54 55 56 57 58 59 60 61 62 63 64 65 66 67 68 69 81 82"
)
"""Diners, Amex, JCB, Maestro, Mastercard, Discover and RuPay (60, 65, 81, 82, 508, 353, 356)."""


def score_ifsc(scan: Scan, token: Token) -> float | None:
    """Four letters (the bank), ``0``, six alphanumerics (the branch)."""
    raw = token.raw
    if raw[5:].isalpha():  # the branch code is ASCII letters and digits (its shape): no digit
        return None
    base = 0.85 if raw.isupper() else 0.55
    return decide(token.label, _IFSC, _NOTHING, base=base)


def score_account(scan: Scan, token: Token) -> float | None:
    """9 to 18 digits under an account label."""
    return 0.9 if token.label in _ACCOUNT else None


def is_card_prefix(digits: str) -> bool:
    """Whether ``digits`` starts like a Visa, Mastercard, Amex, Diners, Discover, JCB, Maestro
    or RuPay card number."""
    return (
        digits[0] == "4"
        or digits[:2] in _TWO_DIGIT_PREFIXES
        or 2221 <= int(digits[:4]) <= 2720
    )


def is_luhn_valid(digits: str) -> bool:
    """``stdnum.luhn.is_valid(digits)`` for the digits of a number token (one or more decimal
    digits): its test, ``luhn.checksum(digits) == 0``, without its two extra calls and exception
    handling. A non-ASCII digit, which ``checksum`` cannot read, fails as it fails ``is_valid``.
    """
    return digits.isascii() and luhn.checksum(digits) == 0


def score_card(scan: Scan, token: Token) -> float | None:
    """13 to 19 digits with a network prefix and a valid Luhn check digit."""
    digits = digits_of(token.raw)
    if not is_card_prefix(digits):
        return None
    base = 0.75 if token.kind[0] == "n" else 0.85  # grouped like a card: more likely one
    score = decide(token.label, _CARD, _CARD_AGAINST, base=base)
    return score if score and is_luhn_valid(digits) else None


_VPA_ADDRESS = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-]{1,255}@[A-Za-z][A-Za-z0-9]{1,63}")
"""Local part, ``@``, handle: one regex call rather than splitting the token and matching both
halves (neither half may hold an ``@``, so the split falls where it did)."""


def score_vpa(scan: Scan, token: Token) -> float | None:
    """``local@handle`` with a dot-free handle."""
    if _VPA_ADDRESS.fullmatch(token.raw) is None:
        return None
    return decide(token.label, _VPA, _NOTHING, base=0.9)


@mypyc_attr(native_class=False)
class IfscRecognizer(TokenRecognizer):
    """IFSC: Indian Financial System Codes of bank branches."""

    ENTITY = "IFSC"
    COUNTRY_CODE = "in"
    CONTEXT = ("ifsc",)
    SCORERS = MappingProxyType({"ifsc": score_ifsc})


@mypyc_attr(native_class=False)
class BankAccountRecognizer(TokenRecognizer):
    """BANK_ACCOUNT: account numbers, led by an account label or a narration's account slot."""

    ENTITY = "BANK_ACCOUNT"
    COUNTRY_CODE = "in"
    CONTEXT = ("account",)
    LABELS_NEEDED = _ACCOUNT
    SCORERS = MappingProxyType({f"n{n}": score_account for n in range(9, 19)})


@mypyc_attr(native_class=False)
class CardNumberRecognizer(TokenRecognizer):
    """CARD_NUMBER: payment card numbers (Luhn), RuPay included."""

    ENTITY = "CARD_NUMBER"
    CONTEXT = ("card",)
    LABELS_AGAINST = _CARD_AGAINST
    SCORERS = MappingProxyType({
        **{f"n{n}": score_card for n in range(13, 20)},
        "g4444": score_card,
        "g465": score_card,
    })


@mypyc_attr(native_class=False)
class UpiVpaRecognizer(TokenRecognizer):
    """UPI_VPA: UPI virtual payment addresses, mobile-number VPAs included; never an e-mail."""

    ENTITY = "UPI_VPA"
    COUNTRY_CODE = "in"
    CONTEXT = ("vpa",)
    SCORERS = MappingProxyType({"at": score_vpa})

"""Context words: which label stands just before a value, in English and Hinglish.

Presidio's context enhancer raises a score when a context word sits among the few tokens
before a match. nijta's recognizers score context themselves, for two reasons: the result must
be the same with or without Presidio's enhancer (the fast path has none), and a label can also
*rule a value out*: a Verhoeff-valid 12-digit number after "UPI Ref" or "a/c" is not an Aadhaar.

The rule is "the nearest label describes the value": labels are found once per text, and a value
takes the category of the closest label that ends at most :data:`WINDOW` characters before it and
after the previous value (so "Aadhaar: <a>, <b>" does not label ``b`` as an Aadhaar).

Usage::

    labels = find_labels(text.lower())
    labels.before(start, floor)          # 'aadhaar', 'reference', ... or None
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from itertools import compress
from operator import itemgetter
from typing import Final

__all__ = [
    "AMOUNT",
    "CATEGORIES",
    "PERSON_CUE",
    "PERSON_NAME_CUE",
    "REFERENCE",
    "WINDOW",
    "Labels",
    "decide",
    "find_labels",
    "trie_regex",
    "word_set",
    "words_of",
]

WINDOW: Final = 40
"""How far (characters) before a value a label may end and still describe it."""
_SHORT_REACH: Final = 3
"""Amount labels ("Rs", "INR", "₹") describe only the number right after them."""

REFERENCE: Final = "reference"
AMOUNT: Final = "amount"
PERSON_CUE: Final = "person_cue"
PERSON_NAME_CUE: Final = "person_name_cue"

CATEGORIES: dict[str, tuple[str, ...]] = {
    "aadhaar": (
        "aadhaar", "aadhar", "adhaar", "adhar", "aadhaar card", "aadhar card", "uid", "uidai",
        "uid no", "आधार",
    ),
    "vid": ("vid", "virtual id", "aadhaar vid", "aadhar vid"),
    "pan": ("pan", "pan card", "pan no", "permanent account number", "पैन"),
    "gstin": ("gst", "gstin", "gst no", "gst number", "gst registration", "gstn"),
    "voter": (
        "voter", "voter id", "voter card", "voter id card", "epic", "epic no", "epic card",
        "election card", "election id", "electoral photo identity card",
    ),
    "passport": ("passport", "passport no", "passport number"),
    "dl": (
        "dl", "dl no", "driving licence", "driving license", "driving lic", "licence",
        "license", "licence no", "license no",
    ),
    "vehicle": (
        "vehicle", "vehicle no", "car", "bike", "scooter", "registration no", "reg no",
        "regn no", "rc", "rc no", "number plate", "gaadi", "gadi", "fastag", "challan",
    ),
    "ifsc": ("ifsc", "ifsc code", "ifsc no"),
    "account": (
        "a/c", "a/c no", "ac no", "acct", "acct no", "account", "account no", "account number",
        "acc no", "acc", "bank account", "savings account", "khata", "khata no",
        "khata number", "khata sankhya", "khate", "khaate", "khaata", "khatha", "khate mein",
        "beneficiary account", "credited to a/c", "debited from a/c", "bank a/c",
    ),
    "card": (
        "card", "card no", "card number", "debit card", "credit card", "atm card", "rupay",
        "visa", "mastercard", "card ending",
    ),
    "vpa": ("upi id", "vpa", "upi address", "upi handle"),
    "phone": (
        "mobile", "mobile no", "mob", "mob no", "phone", "phone no", "ph", "ph no", "contact",
        "contact no", "call", "whatsapp", "cell", "tel", "telephone", "sampark", "number hai",
        "mobile number", "phone number", "registered mobile", "rmn", "otp sent to",
    ),
    "email": ("email", "e-mail", "email id", "mail", "mail id"),
    "pincode": ("pin", "pincode", "pin code", "postal code", "zip", "zip code", "pin no"),
    "dob": (
        "dob", "d.o.b", "d.o.b.", "date of birth", "birth date", "birthdate", "born", "born on",
        "janm tithi", "janam tithi", "janamtithi", "janmdin", "janamdin", "birthday",
        "paidaish", "जन्म तिथि",
    ),
    "ip": ("ip", "ip address", "ip addr", "ipv4", "ipv6", "client ip", "login ip"),
    "device": (
        "device", "device id", "deviceid", "imei", "android id", "advertising id", "gaid",
        "idfa", "idfv", "device fingerprint", "mac", "mac address",
    ),
    "geo": (
        "lat", "latitude", "long", "lng", "lon", "longitude", "location", "geo", "gps",
        "coordinates", "coords", "lat/long", "lat/lng", "geolocation", "geo location",
    ),
    REFERENCE: (
        "rrn", "rrn no", "utr", "utr no", "ref", "ref no", "refno", "ref.", "ref. no", "ref.no",
        "ref#", "reference", "reference no", "reference number", "txnid", "trxn", "trans id",
        "uan", "uan no", "pf", "pf no", "epf", "member id",
        "upi ref", "upi ref no", "txn", "txn id", "txn no", "transaction id", "transaction no",
        "transaction ref", "order", "order id", "order no", "invoice", "invoice no", "ticket",
        "ticket no", "request id", "req id", "complaint", "complaint no", "otp", "sr no",
        "policy", "policy no", "loan", "loan no", "loan account", "cheque", "chq", "cheque no",
        "mandate", "umn", "imps ref", "neft ref", "trace", "auth code", "approval code",
        "booking id", "pnr", "awb", "tracking", "case id", "case no", "claim", "claim no",
        "emi", "customer id", "cust id", "cif", "crn", "mid", "tid", "terminal id",
        "merchant id", "batch", "batch no",
    ),
    AMOUNT: (
        "rs", "rs.", "inr", "₹", "amount", "amt", "balance", "bal", "avl bal", "total",
        "limit", "price", "fee", "charges", "paid", "rupees",
    ),
    PERSON_CUE: (
        "to", "from", "dear", "hi", "hello", "by", "regards", "thanks", "thank you",
        "sincerely", "payee", "payer", "paid to", "sent to", "received from", "transfer to",
        "transferred to", "bhai", "ji", "with", "sender", "receiver", "recipient",
    ),
    PERSON_NAME_CUE: (
        "mr", "mrs", "ms", "miss", "smt", "shri", "shree", "sri", "dr", "kumari",
        "name", "naam", "mera naam", "my name is", "i am", "this is", "beneficiary",
        "beneficiary name", "account holder", "a/c holder", "holder name", "customer name",
        "cust name", "nominee", "s/o", "d/o", "w/o", "c/o", "father's name", "father name",
        "applicant", "borrower", "guarantor", "signed",
    ),
}
"""Label phrases by category (lower case). "number", "no" and "hai" are filler, not labels."""


def word_set(words: str) -> frozenset[str]:
    """The whitespace-separated words of ``words`` (long word lists read better as text)."""
    return frozenset(words.split())


def words_of(categories: Iterable[str]) -> list[str]:
    """All phrases of ``categories``, for a recognizer's Presidio ``context`` attribute."""
    return [word for category in categories for word in CATEGORIES[category]]


def trie_regex(words: Iterable[str]) -> str:
    """A regex alternation of ``words`` factored by common prefixes (the ``re`` module tries
    alternatives one by one, so a flat list of 300 phrases costs 300 checks per position)."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [re.escape(ch) + emit(child) for ch, child in node.items() if ch]
        if not branches:
            return ""
        if "" in node:  # a word ends here and longer ones go on
            if len(branches) == 1 and len(branches[0]) == 1:
                return branches[0] + "?"
            # An empty last alternative rather than "(?:...)?": the same greedy choice, but a
            # repeat of a group runs the engine's slower general repeat code at every visit.
            branches.append("")
        if len(branches) == 1:
            return branches[0]
        return "(?:" + "|".join(branches) + ")"

    return emit(trie)


_CATEGORY_OF: Final = {word: category for category, words in CATEGORIES.items() for word in words}
_TRIE = trie_regex(_CATEGORY_OF)
_WORD_AFTER = r"(?![a-z0-9\u0900-\u097f])"
# The pattern starts with a character class (the character before the label) so the regex
# engine skips other positions in C; a label at the very start of the text has no character
# before it and is matched on its own (_FIRST_LABEL).
_LABELS: Final = re.compile(r"[^a-z0-9\u0900-\u097f](" + _TRIE + ")" + _WORD_AFTER)
_FIRST_LABEL: Final = re.compile("(" + _TRIE + ")" + _WORD_AFTER)
_END: Final = re.Match.end
_PHRASE: Final = itemgetter(1)


class Labels:
    """The labels of one text, ordered by where they end."""

    __slots__ = ("_categories", "_ends", "_last", "name_cue_ends")

    def __init__(self, ends: list[int], categories: list[str], name_cue_ends: list[int]) -> None:
        self._ends = ends
        self._categories = categories
        self._last = -1
        """The label :meth:`before` found last (the next call starts looking from it)."""
        self.name_cue_ends = name_cue_ends
        """Where each label of category :data:`PERSON_NAME_CUE` ends."""

    def before(self, start: int, floor: int = 0) -> str | None:
        """Category of the nearest label ending in ``[max(floor, start - WINDOW), start]``.

        Calls with starts in order (tokens come so) step through the labels once, rather than a
        binary search each: compiled (see ..compiled), a step is a C integer comparison. A start
        before the previous one falls back to the binary search."""
        ends = self._ends
        i = self._last
        if i >= 0 and ends[i] > start:
            i = bisect_right(ends, start) - 1
        last = len(ends) - 1
        while i < last and ends[i + 1] <= start:
            i += 1
        self._last = i
        if i < 0 or ends[i] < floor or ends[i] < start - WINDOW:
            return None
        category = self._categories[i]
        if category == AMOUNT and ends[i] < start - _SHORT_REACH:
            return None
        return category

    def last_before(self, start: int) -> tuple[int, str] | None:
        """``(end, category)`` of the label ending last at or before ``start``."""
        i = bisect_right(self._ends, start) - 1
        return (self._ends[i], self._categories[i]) if i >= 0 else None


def find_labels(lowered: str) -> Labels:
    """Every label phrase in ``lowered`` (the text in lower case, same length; it may be a batch
    joined by :func:`.joined.join`: a label never spans a NUL, which reads as a text's edge)."""
    first = _FIRST_LABEL.match(lowered)
    matches = list(_LABELS.finditer(lowered, first.end() if first else 0))
    if first:
        matches.insert(0, first)
    # A match ends where its label does. The lists are built by map() over C callables: a
    # batch holds thousands of labels, and a Python loop body per label costs more.
    ends = list(map(_END, matches))
    categories = list(map(_CATEGORY_OF.__getitem__, map(_PHRASE, matches)))
    name_cue_ends = list(compress(ends, map(PERSON_NAME_CUE.__eq__, categories)))
    return Labels(ends, categories, name_cue_ends)


def decide(
    label: str | None,
    own: frozenset[str],
    against: frozenset[str],
    *,
    base: float | None,
    confirmed: float = 1.0,
) -> float | None:
    """Score of a value given its label: ``confirmed`` under one of its own categories, ``None``
    (not this entity) under a category that rules it out, else ``base`` (``None``: needs a label).
    """
    if label is None:
        return base
    if label in own:
        return confirmed
    if label in against:
        return None
    return base

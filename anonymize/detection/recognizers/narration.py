"""Structured bank narrations: which field is the counterparty's name, which is a reference.

Statements and CBS extracts write transfers as delimited fields, for example
``UPI/DR/<rrn>/<NAME>/<BANK>/<vpa>/<note>``, ``UPI-<NAME>-<vpa>-<IFSC>-<rrn>-<note>``,
``NEFT/<utr>/<NAME>/<bank>``, ``IMPS/P2A/<rrn>/<name>/<bank>`` or
``IB FUNDS TRANSFER DR-<account>-<name>``. There is no standard (each bank has its own order), so
fields are typed by their content: a 12-digit field is the RRN, an ``@`` field the VPA, a field of
one to four alphabetic words that is not a bank or a code is the name. The RRN slot matters
because a Verhoeff-valid RRN must not become an Aadhaar; the name slot finds names no list holds.

Usage::

    for narration in parse_narrations(text):
        narration.names, narration.references, narration.accounts   # (start, end) spans
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from anonymize.detection.recognizers.context import word_set
from anonymize.detection.recognizers.names import is_name_word

__all__ = ["Narration", "parse_narrations", "texts_with_narrations"]

_HEAD = re.compile(
    r"(?:UPI|IMPS|NEFT|RTGS|NRTG|MMT|ATM|POS|NACH|ACH|ECS|INB|IB|BIL|TPT|MB)"
    r"(?:[ ](?:CR|DR|FUNDS TRANSFER DR|FUNDS TRANSFER CR|FUNDS TRANSFER|TRF|TRANSFER|WDL))?"
    r"(?P<sep>[/\-:])"
)
_CHANNELS_WITHOUT_NAMES = ("ATM", "POS", "NACH", "ACH", "ECS", "BIL")
_CODES = word_set(
    "UPI IMPS NEFT RTGS NRTG MMT ATM POS DR CR P2A P2M P2P PAY COLLECT REV RVSL INT CASH WDL "
    "TRF TRANSFER FUNDS SENT RECEIVED PAYMENT PAID REFUND NA NULL INB IB MB BIL TPT IN OUT "
    "SBI HDFC ICICI AXIS KOTAK PNB BOB BOI UCO IOB CBI YES PAYTM IDBI IDFC CANARA UNION "
    "INDUSIND FEDERAL INDIAN OVERSEAS CENTRAL BANK LTD LIMITED OF INDIA STATE NATIONAL PUNJAB "
    "BARODA MAHINDRA PAYMENTS FIRST NETBANK SALARY RENT EMI LOAN SHOPPING GROCERY FOOD BILL "
    "RECHARGE FEES FEE"
)
"""Words that mark a field as a code, a bank or a purpose rather than a person's name."""
_BUSINESS = word_set(
    "PVT PRIVATE RETAIL INTERNET DESIGNS PHARMACY PETROLEUM PREPAID POSTPAID AVENUE BAZAAR MART "
    "STORE STORES SHOP SERVICES TRADERS ENTERPRISES PAY FINANCE CAPITAL FINANCIAL INSURANCE "
    "TECHNOLOGIES SOLUTIONS FOODS MOTORS AGENCY AGENCIES HOSPITAL CLINIC MEDICAL MEDICALS HOTEL "
    "RESTAURANT CAFE BAKERY ELECTRICALS ELECTRONICS JEWELLERS TEXTILES FASHION TRAVELS TOURS "
    "TRANSPORT LOGISTICS COMPANY CORPORATION CORP CO INC LLP INDUSTRIES INFRA MOBILITY RETAILS "
    "AMAZON FLIPKART SWIGGY ZOMATO IRCTC MAKEMYTRIP BOOKMYSHOW MYNTRA DMART RELIANCE TATA JIO "
    "AIRTEL VODAFONE BSNL PHONEPE GOOGLE UBER OLA NETFLIX HOTSTAR APOLLO BHARAT ADANI BIGBASKET "
    "BLINKIT ZEPTO NYKAA MEESHO CRED"
)
"""Words of merchant names: a narration field holding one is not a person."""
_BANK_CODE = re.compile(r"[A-Z]{4}(?:0[A-Z0-9]{6})?")
_DIGIT = re.compile(r"\d")
_NAME_CHARS = re.compile(r"[A-Za-z][A-Za-z.' ]*")
_REFERENCE_FIELD = re.compile(r"[A-Za-z]{0,6}[0-9]{6,}[A-Za-z0-9]*")
_ACCOUNT_HEADS = ("FUNDS TRANSFER", "TRF", "TRANSFER")
_PROSE = re.compile(r"[,;!?|]|(?<=[A-Za-z]{3})\.(?=\s|$)")
_MAX_FIELDS = 9


@dataclass(frozen=True)
class Narration:
    """One parsed narration: spans (into the whole text) of its typed fields."""

    start: int
    end: int
    names: tuple[tuple[int, int], ...]
    references: tuple[tuple[int, int], ...]
    accounts: tuple[tuple[int, int], ...]


def texts_with_narrations(joined: str, starts: list[int]) -> set[int]:
    """Which texts of a batch joined by :func:`.joined.join` (``starts``: the texts' offsets)
    may hold a narration."""
    return {bisect_right(starts, head.start()) - 1 for head in _HEAD.finditer(joined)}


def parse_narrations(text: str) -> list[Narration]:
    """Every structured narration in ``text``."""
    narrations: list[Narration] = []
    for head in _HEAD.finditer(text):
        if head.start() and text[head.start() - 1].isalnum():
            continue
        if narrations and head.start() < narrations[-1].end:
            continue  # "MMT/IMPS/...": a channel inside a narration's own fields
        narrations.append(_parse(text, head))
    return narrations


def _fields(text: str, start: int, sep: str) -> list[tuple[int, int]]:
    """Field spans after a narration head, up to the line end or the first prose mark."""
    line_end = text.find("\n", start)
    line = text[start : line_end if line_end >= 0 else len(text)]
    prose = _PROSE.search(line)
    if prose:
        line = line[: prose.start()]
    fields = []
    for part in line.split(sep, _MAX_FIELDS - 1):
        fields.append((start, start + len(part)))
        start += len(part) + 1
    return fields


def _kind(field: str) -> str:
    """'reference', 'vpa', 'bank', 'merchant', 'name' or 'other'."""
    field = field.strip()
    if not field:
        return "other"
    if "@" in field:
        return "vpa"
    upper = field.upper()
    if upper in _CODES:
        return "bank"
    if _DIGIT.search(field):
        if _BANK_CODE.fullmatch(field):
            return "bank"
        return "reference" if _REFERENCE_FIELD.fullmatch(field) else "other"
    if len(field) == 4 and field.isupper() and field.isalpha() and not is_name_word(field):
        return "bank"
    words = upper.split()
    if len(words) > 4 or not _NAME_CHARS.fullmatch(field):
        return "other"
    if any(w in _BUSINESS for w in words):
        return "merchant"
    return "other" if any(w in _CODES for w in words) else "name"


def _parse(text: str, head: re.Match[str]) -> Narration:
    fields = _fields(text, head.end(), head.group("sep"))
    kinds = [_kind(text[s:e]) for s, e in fields]
    channel = head.group(0)
    account_slots = channel.startswith(("IB", "INB", "MB", "TPT")) or any(
        word in channel for word in _ACCOUNT_HEADS
    )
    digits = [_strip(text, span) for span, k in zip(fields, kinds, strict=True)
              if k == "reference"]
    names: tuple[tuple[int, int], ...] = ()
    to_merchant = any(text[s:e].strip() == "P2M" for s, e in fields)
    if not channel.startswith(_CHANNELS_WITHOUT_NAMES) and not to_merchant:
        name = _pick_name(text, fields, kinds)
        if name is not None:
            names = (_strip(text, fields[name]),)
    references = () if account_slots else tuple(digits)
    accounts = tuple(digits) if account_slots else ()
    end = fields[-1][1] if fields else head.end()
    return Narration(head.start(), end, names, references, accounts)


def _pick_name(text: str, fields: list[tuple[int, int]], kinds: list[str]) -> int | None:
    """The name field: the alphabetic field that best sits where banks put names (before a
    bank or VPA field, after a reference), holds a known name, and is not the trailing note."""
    best, best_points = None, 0
    for i, kind in enumerate(kinds):
        if kind != "name":
            continue
        after = kinds[i + 1] if i + 1 < len(kinds) else None
        before = kinds[i - 1] if i else None
        points = 2 * (after in ("bank", "vpa")) + (before in ("reference", "bank", "vpa"))
        points += any(is_name_word(w) for w in text[slice(*fields[i])].split())
        points -= i == len(kinds) - 1 and len(kinds) > 3
        if points > best_points:
            best, best_points = i, points
    return best


def _strip(text: str, span: tuple[int, int]) -> tuple[int, int]:
    start, end = span
    while start < end and text[start] == " ":
        start += 1
    while end > start and text[end - 1] == " ":
        end -= 1
    return start, end

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
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import NamedTuple

from anonymize.detection.recognizers.context import word_set
from anonymize.detection.recognizers.joined import Cursor
from anonymize.detection.recognizers.names import holds_name_word, is_name_word

__all__ = ["HEAD_ALTERNATIVES", "Narration", "parse_narrations"]

_CHANNELS = ("UPI", "IMPS", "NEFT", "RTGS", "NRTG", "MMT", "ATM", "POS", "NACH", "ACH", "ECS",
             "INB", "IB", "BIL", "TPT", "MB")
_DIRECTION = (
    r"(?:[ ](?:CR|DR|FUNDS TRANSFER DR|FUNDS TRANSFER CR|FUNDS TRANSFER|TRF|TRANSFER|WDL))?"
)
HEAD_ALTERNATIVES = tuple(
    f"{channel}(?<![^\\W_]{channel}){_DIRECTION}[/\\-:]" for channel in _CHANNELS
)
"""One regex alternative per narration head (``UPI/``, ``IB FUNDS TRANSFER DR-``): a channel
that starts a word, an optional direction, and the field separator it ends with. Each starts with
its literal capital letter and ends with the separator, so :class:`.base.Scan` finds heads in the
same regex pass as the known names (:func:`.names.known_names_regex`). The look-behind comes after
the channel's letters: a capital that starts another word fails on them without entering it."""
_HEAD = re.compile("|".join(HEAD_ALTERNATIVES))
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
# A field is an IFSC or a reference when it fully matches one (an IFSC comes first:
# "UBIN0861365" matches both; no code or bank word holds digits enough to match either): one
# fullmatch with named groups instead of one per pattern.
_IFSC_OR_REFERENCE = re.compile(
    r"(?P<bank>[A-Z]{4}0[A-Z0-9]{6})|(?P<reference>[A-Za-z]{0,6}[0-9]{6,}[A-Za-z0-9]*)"
)
_DIGIT = re.compile(r"\d")
_NAME_CHARS = re.compile(r"[A-Za-z][A-Za-z.' ]*")
_ACCOUNT_HEADS = ("FUNDS TRANSFER", "TRF", "TRANSFER")
# A prose mark: punctuation, or a full stop after a word. The pattern starts with one character
# class so that the regex engine skips other characters in C.
_PROSE = re.compile(r"[,;!?|.](?:(?<=[,;!?|])|(?<=[A-Za-z]{3}\.)(?=\s|$))")
_MAX_FIELDS = 9
_KINDS: dict[str, str] = {}
"""The kinds of the fields seen that recur (banks, codes, notes, counterparties; references and
VPAs, which do not, are not kept), cleared when it reaches :data:`_MAX_KINDS`. A field found here
costs a dict look-up instead of a function call and up to three regex passes."""
_MAX_KINDS = 4096


class Narration(NamedTuple):
    """One parsed narration: spans (into the whole text) of its typed fields."""

    start: int
    end: int
    names: tuple[tuple[int, int], ...]
    references: tuple[tuple[int, int], ...]
    accounts: tuple[tuple[int, int], ...]


def parse_narrations(
    text: str, starts: Sequence[int] = (0,), heads: Iterable[re.Match[str]] | None = None
) -> list[Narration]:
    """Every structured narration in ``text``, which may be a batch joined by
    :func:`.joined.join` (``starts``: the texts' offsets): fields stop at the end of their text.
    ``heads``: the matches of :data:`HEAD_ALTERNATIVES` in ``text``, in order, when the caller
    has found them already.
    """
    narrations: list[Narration] = []
    cursor = Cursor(starts)
    for head in _HEAD.finditer(text) if heads is None else heads:
        if head.start() >= cursor.bound:
            cursor.seek(head.start())
        if narrations and head.start() < narrations[-1].end:
            continue  # "MMT/IMPS/...": a channel inside a narration's own fields
        stop = min(cursor.bound - 1, len(text))  # the NUL after the text, or the end
        narrations.append(_parse(text, head, stop))
    return narrations


def _parse(text: str, head: re.Match[str], stop: int) -> Narration:
    """The narration of the fields after ``head``: each field is typed by its content."""
    start = head.end()
    line = _fields(text, start, stop)
    parts = line.split(head[0][-1], _MAX_FIELDS - 1)  # the separator ends the head
    values = [part.strip() for part in parts]
    known = _KINDS.get
    kinds = [known(value) or _kind(value) for value in values]
    digits, i = [], -1
    for _ in range(kinds.count("reference")):  # most often one: no loop over every field
        i = kinds.index("reference", i + 1)
        digits.append(_span(parts, i, start))
    names: tuple[tuple[int, int], ...] = ()
    account_slots, may_name = _channel_slots(head[0])
    if may_name and "name" in kinds and "P2M" not in values:
        name = _pick_name(values, kinds)
        if name is not None:
            names = (_span(parts, name, start),)
    spans = tuple(digits)
    return _new(Narration, (head.start(), start + len(line), names,
                            () if account_slots else spans, spans if account_slots else ()))


_new = tuple.__new__  # Narration(...) without the generated __new__'s Python frame


def _fields(text: str, start: int, stop: int) -> str:
    """The fields after a narration head (from ``start``), up to the line end (or ``stop``, the
    text's end) or the first prose mark."""
    line_end = text.find("\n", start, stop)
    line = text[start : line_end if line_end >= 0 else stop]
    prose = _PROSE.search(line)
    return line[: prose.start()] if prose else line


def _span(parts: list[str], i: int, start: int) -> tuple[int, int]:
    """The span of field ``i`` of ``parts`` (the fields from ``start``) without the spaces at
    either end."""
    field = parts[i]
    begin = start + i + sum(map(len, parts[:i]))  # the fields before, and their separators
    lead = len(field) - len(field.lstrip(" "))
    return begin + lead, begin + lead + len(field.strip(" "))


def _kind(field: str) -> str:
    """'reference', 'vpa', 'bank', 'merchant', 'name' or 'other' (``field`` is stripped), for a
    field that :data:`_KINDS` does not hold; keeps the kind there when the field may recur."""
    if "@" in field:
        return "vpa"
    match = _IFSC_OR_REFERENCE.fullmatch(field)
    if match:
        return match.lastgroup  # type: ignore[return-value]
    if _DIGIT.search(field) and field.upper() not in _CODES:  # not a code such as "P2A"
        return "other"  # an amount, a masked account number: they do not recur
    kind = _word_kind(field)
    if len(_KINDS) >= _MAX_KINDS:
        _KINDS.clear()
    _KINDS[field] = kind
    return kind


def _word_kind(field: str) -> str:
    """:func:`_kind` of a code (``"P2A"``) or a field without digits."""
    upper = field.upper()
    if upper in _CODES:
        return "bank"
    if len(field) == 4 and field.isupper() and field.isalpha() and not is_name_word(field):
        return "bank"
    words = upper.split()
    if len(words) > 4 or not _NAME_CHARS.fullmatch(field):
        return "other"
    if not _BUSINESS.isdisjoint(words):
        return "merchant"
    return "name" if _CODES.isdisjoint(words) else "other"


@lru_cache(maxsize=64)
def _channel_slots(channel: str) -> tuple[bool, bool]:
    """Whether the fields after a head (e.g. ``"IB FUNDS TRANSFER DR-"``) hold accounts rather
    than references, and whether they may hold a name (few distinct heads: cached)."""
    accounts = channel.startswith(("IB", "INB", "MB", "TPT")) or any(
        word in channel for word in _ACCOUNT_HEADS
    )
    return accounts, not channel.startswith(_CHANNELS_WITHOUT_NAMES)


def _pick_name(values: list[str], kinds: list[str]) -> int | None:
    """The name field: the alphabetic field that best sits where banks put names (before a
    bank or VPA field, after a reference), holds a known name, and is not the trailing note."""
    best, best_points = None, 0
    last = len(kinds) - 1
    several = kinds.count("name") > 1  # then each one's full points count for the next ones
    for i, kind in enumerate(kinds):
        if kind != "name":
            continue
        after = kinds[i + 1] if i < last else None
        before = kinds[i - 1] if i else None
        points = 2 * (after in ("bank", "vpa")) + (before in ("reference", "bank", "vpa"))
        points -= i == last and last > 2
        if points < best_points:
            continue  # it cannot win, known name or not
        if several or points == best_points:  # else the known name would not change the pick
            points += holds_name_word(values[i])
        if points > best_points:
            best, best_points = i, points
    return best

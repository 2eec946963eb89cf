"""The token grammar: one regex pass that cuts a text into identifier-shaped tokens.

Presidio runs each recognizer's patterns independently, so the digits of ``98450@ybl`` are
both a VPA and a phone number. nijta's recognizers all read one tokenization instead: a shape
claims its characters by precedence (a VPA claims its digits before any number shape can), and
each recognizer only scores the tokens of the kinds it understands. Because the tokenization is
shared, Presidio's engine (each recognizer on its own) and the fast path (one pass) see exactly
the same tokens.

Why the pattern looks odd: it starts with one character class, ``[0-9@+]``, so the regex engine
skips every other character in C; every identifier contains a digit, ``@`` or ``+``. Letter-led
identifiers (PAN, IFSC, EPIC, ...) are anchored at their first digit and check their letters
with fixed-width look-behinds; the token start is the anchor minus the kind's prefix length.
"""

from __future__ import annotations

import re

from anonymize.detection.recognizers.joined import Cursor

__all__ = ["KINDS", "STATE_CODES", "tokenize", "tokenize_joined"]

_END = r"(?![A-Za-z0-9_@])(?![.\-][A-Za-z0-9._\-]*@)"
"""After a word-like token: not glued to a word, and not the local part of an address."""
_NUM_END = _END + r"(?!\*)(?!\.\d)(?!,\d{1,3}(?!\d))"
"""After a number, also: not glued to a mask (``602931******2200``), not a decimal or an
amount (``1,50,000``)."""
_PHONE10 = r"\d{10}|\d{5}[ \-]\d{5}|\d{3}[ \-]\d{3}[ \-]\d{4}"
_MONTH = r"jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
_HEX = r"[0-9A-Fa-f]"

STATE_CODES = frozenset((
    "AN", "AP", "AR", "AS", "BR", "CG", "CH", "DD", "DL", "DN", "GA", "GJ", "HP", "HR", "JH",
    "JK", "KA", "KL", "LA", "LD", "MH", "ML", "MN", "MP", "MZ", "NL", "OD", "OR", "PB", "PY",
    "RJ", "SK", "TN", "TR", "TS", "TG", "UK", "UA", "UP", "WB",
))
"""State and union-territory codes used on plates and driving licences (incl. old OR, UA)."""
_STATE = "(?i:" + "|".join(sorted(STATE_CODES)) + ")"

# Each alternative is a named group; the first character (the anchor) is consumed before it.
# The anchor is classified first by four look-behinds ('@', '+', a digit after a letter, a digit
# starting a word), so a digit inside a number fails after four checks. Within a class the
# alternatives are tried in order: the order is the precedence between shapes.
_GRAMMAR = rf"""
[0-9@+]
(?:
  (?<=@)(?P<at>[A-Za-z0-9](?:[A-Za-z0-9\-]*(?:\.[A-Za-z0-9\-]*[A-Za-z0-9])+|[A-Za-z0-9]*))
| (?<=\+)(?P<plus>91[ \-]?(?:{_PHONE10})){_NUM_END}
# letter-led: the anchor is the first digit after letters that start a word
| (?<=[A-Za-z]\d)(?:
      (?<=(?<![A-Za-z0-9])[A-Za-z]{{5}}\d)(?P<pan>\d{{3}}[A-Za-z]){_END}
    | (?<=(?<![A-Za-z0-9])[A-Za-z]{{4}}0)(?P<ifsc>[A-Za-z0-9]{{6}}){_END}
    | (?<=(?<![A-Za-z0-9])[A-Za-z]{{3}}\d)(?P<epic>\d{{6}}){_END}
    | (?<=(?<![A-Za-z0-9])[A-Za-z]\d)(?P<passport>\d{{6}}){_END}
    | (?<=(?<![A-Za-z0-9]){_STATE}\d)(?:
          (?P<dl>\d?[ \-]?(?:19|20)\d{{2}}[ \-]?\d{{7}})
        | (?P<plate>\d?[ \-]?(?:[A-Za-z]{{1,3}}[ \-]?)?\d{{4}})
      ){_END}
    # hex after letters: letter-led device IDs (16/32 hex, UUIDs, MACs) and IPv6 addresses
    | (?P<lword>{_HEX}{{7,}}
        | {_HEX}*(?:[:\-]{_HEX}+){{2,}}(?:::(?:{_HEX}+(?::{_HEX}+)*)?)?
        | {_HEX}*::(?:{_HEX}+(?::{_HEX}+)*)?){_END}
  )
# digit-led: the anchor starts a word and is not the tail of a decimal or a masked number
| (?<=\d)(?<![A-Za-z0-9_*]\d)(?<!\d[.,]\d)(?:
    # a state code and a separator before the anchor: "MH 12 AB 1234", "MH-12-2011-0012345"
      (?<=(?<![A-Za-z0-9]){_STATE}[ \-]\d)(?:
          (?P<dl_sp>\d?[ \-]?(?:19|20)\d{{2}}[ \-]?\d{{7}})
        | (?P<plate_sp>\d?(?:[ \-]?[A-Za-z]{{1,3}}[ \-]?|[ \-])\d{{4}})
      ){_END}
    | (?P<uuid>{_HEX}{{7}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}){_END}
    | (?P<num>\d{{5,18}}){_NUM_END}
    | (?P<g4444>\d{{3}}(?:[ \-]\d{{4}}){{3}}(?:[ \-]\d{{3}})?){_NUM_END}
    | (?P<g465>\d{{3}}[ \-]\d{{6}}[ \-]\d{{5}}){_NUM_END}
    | (?P<g444>\d{{3}}[ \-]\d{{4}}[ \-]\d{{4}}){_NUM_END}
    | (?P<g55>\d{{4}}[ \-]\d{{5}}){_NUM_END}
    | (?P<g334>\d{{2}}[ \-]\d{{3}}[ \-]\d{{4}}){_NUM_END}
    | (?P<g433>\d{{3}}[ \-]\d{{3}}[ \-]\d{{3}}){_NUM_END}
    | (?P<g0>(?<=0)[ \-](?:{_PHONE10})){_NUM_END}
    | (?P<g91>(?<=9)1[ \-](?:{_PHONE10})){_NUM_END}
    | (?P<g33>\d{{2}}[ \-]\d{{3}}){_NUM_END}
    | (?P<ipv4>\d{{0,2}}(?:\.\d{{1,3}}){{3}})(?!\d|\.\d)
    | (?P<geo>\d{{0,2}}\.\d{{4,}}°?\s?[NSns]?\s?,\s?-?\d{{1,3}}\.\d{{4,}}°?
        (?:\s?[EWew](?![A-Za-z]))?)
    | (?P<date>\d?(?P<dsep>[/.\-])\d{{1,2}}(?P=dsep)(?:\d{{4}}|\d{{2}})(?![\d/\-]|\.\d)
        | \d{{3}}(?P<isep>[/.\-])\d{{1,2}}(?P=isep)\d{{1,2}}(?![\d/\-]|\.\d)
        | \d?(?:st|nd|rd|th)?[ \-](?i:(?:{_MONTH})[a-z]*)\.?,?[ \-]\d{{4}}(?!\d))
    | (?P<gstin>\d[A-Za-z]{{5}}\d{{4}}[A-Za-z][A-Za-z0-9][A-Za-z][A-Za-z0-9]){_END}
    | (?P<bh>\d[ \-]?[Bb][Hh][ \-]?\d{{4}}[ \-]?[A-Za-z]{{1,2}}){_END}
    | (?P<mac>{_HEX}(?:[:\-]{_HEX}{{2}}){{5}})(?![A-Za-z0-9:\-])
    | (?P<hexcolon>{_HEX}{{0,3}}(?:::?{_HEX}{{1,4}}){{2,7}}(?:::)?)(?![A-Za-z0-9:])
    | (?P<decimal>\d{{0,2}}\.\d{{4,}})(?![\d.])
    | (?P<dword>(?=\d*[A-Fa-f]){_HEX}{{11,31}}){_END}
  )
)
"""
_PATTERN = re.compile(_GRAMMAR, re.VERBOSE)

_PREFIX = {"pan": 5, "ifsc": 4, "epic": 3, "passport": 1, "dl": 2, "plate": 2,
           "dl_sp": 3, "plate_sp": 3}
"""Letters (and separator) before the anchor digit, for kinds with a fixed prefix."""
_LOCAL_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-"
_HEX_CHARS = "0123456789ABCDEFabcdef"
_SPECIAL_START = frozenset(_PREFIX) | {"at", "lword", "geo", "decimal"}
_UNCLAIMED = frozenset({"dword", "lword", "decimal", "hexcolon"})
"""Kinds that are often not identifiers: they do not hide earlier labels from later values."""
_NUM_KINDS = {n: f"n{n}" for n in range(6, 20)}
"""A plain digit run's kind says its length (``n12``), so only scorers for that length run."""

KINDS = (frozenset(_PATTERN.groupindex) - {"dsep", "isep", "num"}) | set(_NUM_KINDS.values())
"""Every token kind the grammar produces."""


def _start(text: str, kind: str, anchor: int) -> int:
    """Where a token anchored at ``anchor`` begins (letter prefixes, local parts, signs)."""
    prefix = _PREFIX.get(kind)
    if prefix is not None:
        return anchor - prefix
    if kind == "at":  # the local part of a VPA or e-mail address, back from the '@'
        head = text[max(0, anchor - 64) : anchor]
        local = head[len(head.rstrip(_LOCAL_CHARS)) :].lstrip("._%+-")
        # "UPI-NAME-vpa@psp": a dash-separated upper-case field is not part of the VPA
        while "-" in local and (field := local.partition("-")[0]).isalpha() and field.isupper():
            local = local.partition("-")[2]
        return anchor - len(local)
    if kind == "lword":
        head = text[max(0, anchor - 32) : anchor]
        return anchor - (len(head) - len(head.rstrip(_HEX_CHARS)))
    if text[anchor - 1 : anchor] == "-":  # a negative latitude or longitude
        return anchor - 1
    return anchor


def tokenize(text: str) -> list[tuple[str, int, int, int]]:
    """``(kind, start, end, floor)`` of the identifier-shaped tokens of ``text``, in order and
    not overlapping; ``floor`` is where the previous token ended (a label before ``floor``
    describes that token, not this one)."""
    return tokenize_joined(text, [0])[0]


def tokenize_joined(joined: str, starts: list[int]) -> list[list[tuple[str, int, int, int]]]:
    """:func:`tokenize` of each text of a batch joined by :func:`.joined.join` (``starts`` are
    the texts' offsets), in one regex pass."""
    per_text: list[list[tuple[str, int, int, int]]] = [[] for _ in starts]
    tokens, base, floor = per_text[0], 0, 0
    cursor = Cursor(starts)
    for match in _PATTERN.finditer(joined):
        start, end = match.span()
        if start >= cursor.bound:
            i = cursor.seek(start)
            tokens, base, floor = per_text[i], starts[i], 0
        kind = match.lastgroup
        if kind == "num":
            kind = _NUM_KINDS[end - start]
        elif kind in _SPECIAL_START:
            start = _start(joined, kind, start)
        tokens.append((kind, start - base, end - base, floor))
        if kind not in _UNCLAIMED:
            floor = end - base
    return per_text

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
from collections.abc import Sequence
from typing import Final

from anonymize.detection.recognizers.context import Labels
from anonymize.detection.recognizers.joined import Cursor

__all__ = ["KINDS", "STATE_CODES", "Token", "tokenize"]

_GLUED = r"[.\-][A-Za-z0-9._\-]*+@"
"""The rest of an address's local part: a dot or dash, more local-part characters, the '@'."""
_END = rf"(?![A-Za-z0-9_@]|{_GLUED})"
"""After a word-like token: not glued to a word, and not the local part of an address."""
_NUM_END = rf"(?![A-Za-z0-9_@*]|\.\d|,\d{{1,3}}+(?!\d)|{_GLUED})"
"""After a number, also: not glued to a mask (``602931******2200``), not a decimal or an
amount (``1,50,000``). One look-ahead with alternatives, not one look-ahead per condition: the
alternatives that start with another character are skipped after one check."""
_PHONE10 = r"\d{10}|\d{5}[ \-]\d{5}|\d{3}[ \-]\d{3}[ \-]\d{4}"
_MONTH = r"jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
_HEX = r"[0-9A-Fa-f]"

STATE_CODES = frozenset((
    "AN", "AP", "AR", "AS", "BR", "CG", "CH", "DD", "DL", "DN", "GA", "GJ", "HP", "HR", "JH",
    "JK", "KA", "KL", "LA", "LD", "MH", "ML", "MN", "MP", "MZ", "NL", "OD", "OR", "PB", "PY",
    "RJ", "SK", "TN", "TR", "TS", "TG", "UK", "UA", "UP", "WB",
))
"""State and union-territory codes used on plates and driving licences (incl. old OR, UA)."""


def _state_regex() -> str:
    # "M[HhLlNnPpZz]|m[HhLlNnPpZz]|...": each alternative starts with a literal, which the regex
    # engine compares without entering the alternative (a "[Mm]" class costs a call per
    # alternative, and a "(?i:MH|ML|...)" alternation enters all forty), for every number after
    # a space or a letter.
    by_initial: dict[str, str] = {}
    for code in sorted(STATE_CODES):
        by_initial[code[0]] = by_initial.get(code[0], "") + code[1] + code[1].lower()
    return "(?:" + "|".join(
        f"{initial}[{rest}]" for a, rest in by_initial.items() for initial in (a, a.lower())
    ) + ")"


_STATE = _state_regex()

# The first character (the anchor) is consumed first; a digit right after a digit fails at
# once (no token starts inside a number). The anchor is then classified by look-behinds (a digit
# starting a word, a digit after letters, '@', '+': exclusive classes). Within a class the
# alternatives are tried in order: the order is the precedence between shapes that can match the
# same text; shapes that cannot (they differ in the digits after the anchor or in the character
# after those) are ordered by what is cheapest over the text.
#
# What costs in Python's backtracking engine is entering a group: every look-around and every
# alternative tried pushes a frame, many times the cost of matching a character. Hence:
# - each alternative ends with an empty group named after its kind (``match.lastgroup``) rather
#   than being wrapped in it, and starts with a character (class) where it can: the engine skips
#   an alternative whose first character does not fit after one check, instead of entering it (a
#   wrapping group or a repeat hides the first character; ``\d\d{{4,17}}`` is ``\d{{5,18}}``);
# - one look-ahead after the digit-led anchor rejects what no shape continues (short numbers
#   followed by a word or a comma, amounts, times), and look-aheads in front of the grouped
#   numbers and of the letter shapes skip each set at once;
# - shapes that share a start share it (``\d{{0,2}}+\.`` of ipv4, geo and decimal);
# - a quantifier is possessive (``*+``, ``{{1,2}}+``) where giving characters back can never let
#   the rest match (what follows cannot start with what it consumes), so a failure does not
#   retry each shorter count. ``\d`` is any Unicode digit and ``[A-Za-z0-9]`` is not, so a
#   ``\d`` run followed by an ASCII-only check stays greedy (a number may end before a
#   non-ASCII digit).
_GRAMMAR = rf"""
[0-9@+](?<![0-9][0-9])
(?:
# digit-led: the anchor starts a word (ASCII \b: not after a letter, digit or '_'), is not glued
# to a mask ("******2200") and is not the tail of a decimal ("1.50", but "Rs.500" is a number)
  (?<=(?a:\b)\d)(?<!\*\d|[.,](?<=\d[.,])\d)
  # what any shape below continues the anchor with: five more digits; at most one digit, then a
  # separator, ':' or a letter; at most four digits, then a separator and a digit, ':', a hex
  # letter, a dotted part of a date, address or decimal, or a slash. The commonest numbers of
  # the text (amounts "1,250.00", "12.50", years and counts before a word) fail here, before
  # trying each alternative
  (?=\d\d\d\d\d|\d?+[ \-:A-Za-z]|\d{{0,4}}+(?:[ \-]\d|[:A-Fa-f]|\.(?:\d{{1,3}}\.|\d{{4}})|/\d))(?:
    # a state code and a separator before the anchor: "MH 12 AB 1234", "MH-12-2011-0012345"
      (?<=(?<![A-Za-z0-9]){_STATE}[ \-]\d)(?:
          \d?[ \-]?(?:19|20)\d{{2}}[ \-]?\d{{7}}(?P<dl_sp>)
        | \d?+(?:[ \-]?+[A-Za-z]{{1,3}}+[ \-]?+|[ \-])\d{{4}}(?P<plate_sp>)
      ){_END}
    | {_HEX}{{7}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}{_END}(?P<uuid>)
    | \d\d{{4,17}}{_NUM_END}(?P<num>)
    | (?:\d?+(?P<dsep>[/.\-])\d{{1,2}}+(?P=dsep)(?:\d{{4}}|\d{{2}})(?![\d/\-]|\.\d)
        | \d{{3}}(?P<isep>[/.\-])\d{{1,2}}+(?P=isep)\d{{1,2}}+(?![\d/\-]|\.\d)
        | \d?+(?:st|nd|rd|th)?+[ \-](?i:(?:{_MONTH})[a-z]*+)\.?,?[ \-]\d{{4}}(?!\d))(?P<date>)
    # grouped numbers: at most four more digits, a space or dash, three digits; groupings with
    # the same first group share it
    | (?=\d{{0,4}}+[ \-]\d{{3}})(?:
          \d\d\d[ \-](?:
              \d{{4}}[ \-]\d{{4}}[ \-]\d{{4}}(?:[ \-]\d{{3}})?{_NUM_END}(?P<g4444>)
            | \d{{6}}[ \-]\d{{5}}{_NUM_END}(?P<g465>)
            | \d{{4}}[ \-]\d{{4}}{_NUM_END}(?P<g444>)
            | \d{{3}}[ \-]\d{{3}}{_NUM_END}(?P<g433>))
        | \d{{4}}[ \-]\d{{5}}{_NUM_END}(?P<g55>)
        | \d\d[ \-]\d{{3}}(?:[ \-]\d{{4}}{_NUM_END}(?P<g334>)|{_NUM_END}(?P<g33>))
        | [ \-](?<=0[ \-])(?:{_PHONE10}){_NUM_END}(?P<g0>)
        | 1(?<=91)[ \-](?:{_PHONE10}){_NUM_END}(?P<g91>)
      )
    | \d{{0,2}}+\.(?:
          \d{{1,3}}+\.\d{{1,3}}+\.\d{{1,3}}+(?!\d|\.\d)(?P<ipv4>)
        | \d{{4,}}+°?\s?[NSns]?\s?,\s?-?\d{{1,3}}\.\d{{4,}}°?(?:\s?[EWew](?![A-Za-z]))?(?P<geo>)
        | \d{{4,}}+(?![\d.])(?P<decimal>))
    # letters and hex: at most one more digit then a separator or a letter, or digits then ':'
    # or a hex letter
    | (?=\d?+[ \-A-Za-z]|\d*+[:A-Fa-f])(?:
          \d[A-Za-z]{{5}}\d{{4}}[A-Za-z][A-Za-z0-9][A-Za-z][A-Za-z0-9]{_END}(?P<gstin>)
        | \d[ \-]?+[Bb][Hh][ \-]?+\d{{4}}[ \-]?+[A-Za-z]{{1,2}}+{_END}(?P<bh>)
        | {_HEX}[:\-]{_HEX}{{2}}(?:[:\-]{_HEX}{{2}}){{4}}(?![A-Za-z0-9:\-])(?P<mac>)
        | {_HEX}{{0,3}}+(?:::?+{_HEX}{{1,4}}+){{2,7}}(?:::)?(?![A-Za-z0-9:])(?P<hexcolon>)
        | (?=\d*+[A-Fa-f]){_HEX}{{11,31}}+{_END}(?P<dword>))
  )
# letter-led: the anchor is the first digit after letters that start a word
| (?<=[A-Za-z]\d)(?:
      (?<=(?<![A-Za-z0-9])[A-Za-z]{{5}}\d)\d{{3}}[A-Za-z]{_END}(?P<pan>)
    | (?<=(?<![A-Za-z0-9])[A-Za-z]{{4}}0)[A-Za-z0-9]{{6}}{_END}(?P<ifsc>)
    | (?<=(?<![A-Za-z0-9])[A-Za-z]{{3}}\d)\d{{6}}{_END}(?P<epic>)
    | (?<=(?<![A-Za-z0-9])[A-Za-z]\d)\d{{6}}{_END}(?P<passport>)
    | (?<=(?<![A-Za-z0-9]){_STATE}\d)(?:
          \d?[ \-]?(?:19|20)\d{{2}}[ \-]?\d{{7}}(?P<dl>)
        | \d?[ \-]?(?:[A-Za-z]{{1,3}}[ \-]?)?\d{{4}}(?P<plate>)
      ){_END}
    # hex after letters: letter-led device IDs (16/32 hex, UUIDs, MACs) and IPv6 addresses
    | (?:{_HEX}{{7,}}+
        | {_HEX}*+(?:[:\-]{_HEX}++(?:[:\-]{_HEX}++)+(?:::(?:{_HEX}+(?::{_HEX}+)*)?)?
                  | ::(?:{_HEX}+(?::{_HEX}+)*)?)){_END}(?P<lword>)
  )
| (?<=@)[A-Za-z0-9](?:[A-Za-z0-9\-]*+(?:\.[A-Za-z0-9\-]*[A-Za-z0-9])+|[A-Za-z0-9]*)(?P<at>)
| (?<=\+)91[ \-]?+(?:{_PHONE10}){_NUM_END}(?P<plus>)
)
"""
_PATTERN: Final = re.compile(_GRAMMAR, re.VERBOSE)

_PREFIX: Final = {"pan": 5, "ifsc": 4, "epic": 3, "passport": 1, "dl": 2, "plate": 2,
           "dl_sp": 3, "plate_sp": 3}
"""Letters (and separator) before the anchor digit, for kinds with a fixed prefix."""
_LOCAL_CHARS: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-"
_HEX_CHARS: Final = "0123456789ABCDEFabcdef"
_SPECIAL_START: Final = frozenset(_PREFIX) | {"at", "lword", "geo", "decimal"}
_UNCLAIMED: Final = frozenset({"dword", "lword", "decimal", "hexcolon"})
"""Kinds that are often not identifiers: they do not hide earlier labels from later values."""
_NUM_KINDS: Final = {n: f"n{n}" for n in range(6, 20)}
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


class Token:
    """An identifier-shaped span of the text, with the label that describes it.

    A plain class, not a named tuple: compiled (see ..compiled), it is built and read as a C
    struct, and every token of a batch is built once and read by several scorers."""

    __slots__ = ("end", "kind", "label", "raw", "start")

    def __init__(self, kind: str, start: int, end: int, raw: str, label: str | None) -> None:
        self.kind = kind
        """One of :data:`KINDS`."""
        self.start = start
        self.end = end
        self.raw = raw
        """The token's text."""
        self.label = label
        """The context category describing the token: its narration slot, else the nearest
        label before it (see :mod:`.context`)."""

    def with_label(self, label: str | None) -> Token:
        """The same token under another label."""
        return Token(self.kind, self.start, self.end, self.raw, label)

    def __repr__(self) -> str:  # without the raw text: it may be personal data
        return f"Token({self.kind!r}, {self.start}, {self.end}, label={self.label!r})"


def tokenize(
    text: str, starts: Sequence[int] = (0,), labels: Labels | None = None
) -> list[Token]:
    """The identifier-shaped tokens of ``text``, in order and not overlapping, each labelled
    by the nearest of ``labels`` (the text's, see :mod:`.context`) that ends before it and after
    the previous token of its text (that label describes the previous token, not this one).

    ``text`` may be a batch joined by :func:`.joined.join` (``starts``: the texts' offsets): one
    regex pass serves the batch, positions stay in the joined text, and only the label window
    needs to know where a text begins.
    """
    tokens: list[Token] = []
    floor = 0  # where the previous token of the text ended, or where the text starts
    cursor = Cursor(starts)
    for match in _PATTERN.finditer(text):
        start, end = match.span()
        if start >= cursor.bound:
            cursor.seek(start)
            floor = cursor.start
        kind: str = match.lastgroup  # type: ignore[assignment]  # every alternative names its kind
        if kind == "num":
            kind = _NUM_KINDS[end - start]
        elif kind in _SPECIAL_START:
            start = _start(text, kind, start)
        label = labels.before(start, floor) if labels is not None else None
        tokens.append(Token(kind, start, end, text[start:end], label))
        if kind not in _UNCLAIMED:
            floor = end
    return tokens

"""PERSON without a downloaded model: name lists, cues and narration name slots.

Three sources, merged into one span per name:

* known names: words the name lists (:mod:`.names`) hold, in Title or UPPER case
  (``Aarav Sharma``, ``RAMESH KUMAR``); adjacent ones form one name, and a known first name takes
  one unknown capitalised word after it as its surname. A surname followed by a street word
  ("Patel Nagar", "Tara Chowk") is an address, not a person;
* cues: an honorific or a "name" label right before (Mr, Smt, Shri, Dr, "name:",
  "beneficiary", "mera naam ... hai", "my name is") makes capitalised words a name even when no
  list knows them, and a known name after such a cue counts in any case; a weak cue ("to",
  "from", "Dear", "Regards,") raises a known name's score;
* the name field of structured narrations (:mod:`.narration`).

Known names are found by one regex built from the lists (:mod:`.names`; it runs as part of
the :class:`~.base.Scan`), so the Python code only sees actual names. When a spaCy NER model
is installed, Presidio's own ``SpacyRecognizer`` adds model-based PERSON results next to
these (see :func:`anonymize.detection.recognizers.nijta_recognizers`).
"""

from __future__ import annotations

import re

from anonymize.detection.recognizers.base import Hit, NijtaRecognizer, Scan
from anonymize.detection.recognizers.context import PERSON_CUE, PERSON_NAME_CUE, word_set
from anonymize.detection.recognizers.names import (
    is_first_name,
    is_name_word,
    is_stop_word,
)

__all__ = ["PersonRecognizer", "find_persons"]


_NEXT_WORD = re.compile(r" ([A-Z][A-Za-z'’]*)(?![A-Za-z'’])")
_AFTER_CUE = re.compile(r"[ .:,\-]{0,3}([A-Za-z][A-Za-z'’]*)(?: ([A-Za-z][A-Za-z'’]*))?"
                        r"(?: ([A-Za-z][A-Za-z'’]*))?")
_CUE_GAP = 4
"""A cue label must end at most this many characters before the name."""
_GAP = " .:,\n"
"""What may stand between a cue and the name ("DR-ICIC..." is a debit, not a doctor)."""
_STREET_WORDS = word_set(
    "nagar zila street ganj road path marg chowk circle lane colony layout sector block "
    "society apartments enclave vihar puram peth wadi halli pally"
)
"""Words after a surname that make it a street name (Faker's en_IN streets: "Tara Chowk")."""

_KNOWN_PAIR, _KNOWN_AND_OTHER, _CUED_UNKNOWN = 0.85, 0.7, 0.7
_FIRST_ONLY = {PERSON_NAME_CUE: 0.85, PERSON_CUE: 0.75, None: 0.6}
_SURNAME_ONLY = {PERSON_NAME_CUE: 0.8, PERSON_CUE: 0.6, None: 0.35}
_NARRATION_KNOWN, _NARRATION_OTHER = 0.85, 0.55


def _cue(scan: Scan, start: int) -> str | None:
    """The person cue (category) right before ``start``, if any."""
    found = scan.labels.last_before(start)
    if found is None:
        return None
    end, category = found
    if category not in (PERSON_CUE, PERSON_NAME_CUE) or start - end > _CUE_GAP:
        return None
    return None if scan.text[end:start].strip(_GAP) else category


def _score(words: list[str], cue: str | None) -> float:
    if len(words) >= 2:
        if cue or is_first_name(words[0]) or sum(map(is_name_word, words)) >= 2:
            return _KNOWN_PAIR
        return _KNOWN_AND_OTHER
    if is_first_name(words[0]):
        return _FIRST_ONLY[cue] if len(words[0]) >= 4 or cue else _SURNAME_ONLY[None]
    return _SURNAME_ONLY[cue]


def _is_street(words: list[str], next_word: str | None) -> bool:
    """"Tara Chowk", "Borra Nagar": a family name and a street word; but "Karan Nagar" (a
    given name first) is a person whose surname is also a street word."""
    if next_word is not None and next_word.lower() in _STREET_WORDS:
        return True
    return words[-1].lower() in _STREET_WORDS and not (len(words) > 1 and is_first_name(words[0]))


def _known_runs(scan: Scan) -> list[tuple[int, int, list[str]]]:
    """Adjacent known names (one space apart, found as one run) as ``(start, end, words)``."""
    text = scan.text
    return [(start, end, text[start:end].split(" ")) for start, end in scan.names]


def _next_word(text: str, end: int) -> re.Match[str] | None:
    """The capitalised word one space after ``end``, if any."""
    return _NEXT_WORD.match(text, end) if text[end + 1 : end + 2].isupper() else None


def _from_known_names(scan: Scan) -> list[Hit]:
    hits: list[Hit] = []
    text = scan.text
    for start, end, words in _known_runs(scan):
        following = _next_word(text, end)
        next_word = following.group(1) if following else None
        if (next_word and len(words) == 1 and is_first_name(words[0]) and len(next_word) > 1
                and next_word.isalpha() and not is_stop_word(next_word)
                and next_word.lower() not in _STREET_WORDS):
            words, end = [*words, next_word], following.end()
            following = _next_word(text, end)
            next_word = following.group(1) if following else None
        if not _is_street(words, next_word):
            hits.append((start, end, _score(words, _cue(scan, start))))
    return hits


def _after_name_cues(scan: Scan) -> list[Hit]:
    """Names right after "Mr", "name:", "mera naam", ...: capitalised words no list knows, and
    known names in any case (``mera naam ravi hai``)."""
    hits: list[Hit] = []
    text = scan.text
    for end in scan.labels.name_cue_ends:
        match = _AFTER_CUE.match(text, end)
        if not match or _cue(scan, match.start(1)) != PERSON_NAME_CUE:
            continue
        taken = 0
        for group in (1, 2, 3):
            word = match.group(group)
            if (not word or len(word) < 2 or is_stop_word(word)
                    or not (word[0].isupper() or is_name_word(word))):
                break
            taken = group
        if taken:
            known = is_name_word(match.group(1))
            score = _FIRST_ONLY[PERSON_NAME_CUE] if known else _CUED_UNKNOWN
            hits.append((match.start(1), match.end(taken), score))
    return hits


def _from_narrations(scan: Scan) -> list[Hit]:
    hits: list[Hit] = []
    for narration in scan.narrations:
        for start, end in narration.names:
            words = scan.text[start:end].split()
            if any(is_name_word(w) for w in words):
                hits.append((start, end, _NARRATION_KNOWN))
            elif len(words) >= 2:  # a one-word unknown field is more often a brand
                hits.append((start, end, _NARRATION_OTHER))
    return hits


def _merge(hits: list[Hit]) -> list[Hit]:
    """One hit per name: overlapping hits become their union with the best score."""
    merged: list[Hit] = []
    for start, end, score in sorted(hits):
        if merged and start < merged[-1][1]:
            last_start, last_end, last_score = merged[-1]
            merged[-1] = (last_start, max(end, last_end), max(score, last_score))
        else:
            merged.append((start, end, score))
    return merged


def find_persons(scan: Scan) -> list[Hit]:
    """Every PERSON span of the scanned text, with its score."""
    hits = _from_known_names(scan)
    if scan.narrations:
        hits.extend(_from_narrations(scan))
    hits.extend(_after_name_cues(scan))
    return _merge(hits) if len(hits) > 1 else hits


class PersonRecognizer(NijtaRecognizer):
    """PERSON: people's names, from name lists, cues and narration fields (no model needed)."""

    ENTITY = "PERSON"
    CONTEXT = (PERSON_NAME_CUE, PERSON_CUE)

    def find(self, scan: Scan) -> list[Hit]:
        return find_persons(scan)

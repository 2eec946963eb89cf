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

from mypy_extensions import mypyc_attr

from anonymize.detection.recognizers.base import Hit, NijtaRecognizer, Scan
from anonymize.detection.recognizers.context import PERSON_CUE, PERSON_NAME_CUE, word_set
from anonymize.detection.recognizers.names import FIRST_NAMES, is_name_word, is_stop_word

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
    if found is None or start - found[0] > _CUE_GAP:  # most names: no label that close
        return None
    end, category = found
    if category not in (PERSON_CUE, PERSON_NAME_CUE):
        return None
    return None if scan.text[end:start].strip(_GAP) else category


def _score(scan: Scan, start: int, words: list[str], first: bool) -> float:
    """The score of the known name ``words`` at ``start`` (``first``: its first word is a known
    given name). The cue before it is looked up only where it counts."""
    if len(words) >= 2:
        if first or sum(map(is_name_word, words)) >= 2 or _cue(scan, start):
            return _KNOWN_PAIR
        return _KNOWN_AND_OTHER
    cue = _cue(scan, start)
    if first:
        return _FIRST_ONLY[cue] if len(words[0]) >= 4 or cue else _SURNAME_ONLY[None]
    return _SURNAME_ONLY[cue]


def _next_word(text: str, end: int) -> str | None:
    """The capitalised word one space after ``end``, if any."""
    if not text[end + 1 : end + 2].isupper():
        return None
    match = _NEXT_WORD.match(text, end)
    return match.group(1) if match else None


def _from_known_names(scan: Scan) -> list[Hit]:
    """Runs of known names (:attr:`.Scan.names`): a known first name takes the capitalised word
    after it as its surname, and a surname before a street word is a street. The words are
    lowered once per run for the name and street sets (names keep their length in lower case).
    """
    hits: list[Hit] = []
    text = scan.text
    for start, end in scan.names:
        words = text[start:end].lower().split(" ")
        first = words[0] in FIRST_NAMES
        next_word = _next_word(text, end)
        if (next_word and first and len(words) == 1 and len(next_word) > 1
                and next_word.isalpha() and not is_stop_word(next_word)
                and next_word.lower() not in _STREET_WORDS):
            words.append(next_word.lower())
            end += 1 + len(next_word)
            next_word = _next_word(text, end)
        if next_word is not None and next_word.lower() in _STREET_WORDS:
            continue  # "Tara Chowk", "Borra Nagar": a street
        if words[-1] in _STREET_WORDS and not (first and len(words) > 1):
            continue  # but "Karan Nagar" (a given name first) is a person
        hits.append((start, end, _score(scan, start, words, first)))
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
        words = match.groups()
        taken = 0
        for word in words:
            if (not word or len(word) < 2 or is_stop_word(word)
                    or not (word[0].isupper() or is_name_word(word))):
                break
            taken += 1
        if taken:
            score = _FIRST_ONLY[PERSON_NAME_CUE] if is_name_word(words[0]) else _CUED_UNKNOWN
            hits.append((match.start(1), match.end(taken), score))
    return hits


def _from_narrations(scan: Scan) -> list[Hit]:
    hits: list[Hit] = []
    text = scan.text
    for narration in scan.narrations:
        for start, end in narration.names:
            words = text[start:end].split()
            if any(map(is_name_word, words)):
                hits.append((start, end, _NARRATION_KNOWN))
            elif len(words) >= 2:  # a one-word unknown field is more often a brand
                hits.append((start, end, _NARRATION_OTHER))
    return hits


def _merge(hits: list[Hit]) -> list[Hit]:
    """One hit per name: overlapping hits become their union with the best score (``hits``, two
    or more, are sorted in place)."""
    hits.sort()
    merged: list[Hit] = []
    rest = iter(hits)
    last_start, last_end, last_score = next(rest)
    for start, end, score in rest:
        if start < last_end:
            last_end = max(end, last_end)
            last_score = max(score, last_score)
        else:
            merged.append((last_start, last_end, last_score))
            last_start, last_end, last_score = start, end, score
    merged.append((last_start, last_end, last_score))
    return merged


def find_persons(scan: Scan) -> list[Hit]:
    """Every PERSON span of the scanned text, with its score."""
    hits = _from_known_names(scan)
    if scan.narrations:
        hits.extend(_from_narrations(scan))
    hits.extend(_after_name_cues(scan))
    return _merge(hits) if len(hits) > 1 else hits


@mypyc_attr(native_class=False)
class PersonRecognizer(NijtaRecognizer):
    """PERSON: people's names, from name lists, cues and narration fields (no model needed)."""

    ENTITY = "PERSON"
    CONTEXT = (PERSON_NAME_CUE, PERSON_CUE)

    def find(self, scan: Scan) -> list[Hit]:
        return find_persons(scan)

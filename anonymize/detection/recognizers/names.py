"""Indian first names and surnames, derived at import from Faker's ``en_IN`` provider data.

Without a downloaded NER model, a capitalised word is a name when a list says so. Faker ships
the lists inside the installed package (no download, no personal data: they are common given
names and surnames). Words that are also fintech or everyday words ("Bank", "Date") are kept
out, and cities and states from Faker's address data that no list holds are stop words.

Usage::

    is_first_name("Aarav"), is_surname("SHARMA"), is_name_word("kumar")
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from itertools import groupby
from operator import itemgetter

from faker.providers.address.en_IN import Provider as _Address
from faker.providers.person.en_IN import Provider as _Person

from anonymize.detection.recognizers.context import trie_regex, word_set

__all__ = [
    "FIRST_NAMES",
    "NOT_NAMES",
    "SPELLINGS",
    "SURNAMES",
    "find_known_names",
    "holds_name_word",
    "is_first_name",
    "is_name_word",
    "is_stop_word",
    "is_surname",
    "known_names_regex",
]

NOT_NAMES = word_set(
    """
    date zila street ganj road path marg chowk circle lane colony layout sector block
    society apartments enclave vihar bank upi neft imps rtgs atm pos pan aadhaar aadhar ifsc gst
    gstin kyc otp pin emi loan
    account payment paid pay payee payer transfer sent received refund credit debit card cash
    rent salary bill dear sir madam hi hello thanks thank regards team customer support
    india indian mr mrs ms dr shri smt sri via from to the and for with your our this that
    please kindly note mobile phone email address name dob ref txn order id number today
    tomorrow yesterday ok yes no sent received pending failed success successful done
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    state national union central federal city
    ltd limited pvt private services store shop mart enterprises traders company
    google amazon flipkart swiggy zomato paytm phonepe gpay bhim jio airtel vodafone tata
    reliance irctc myntra dmart apollo
    """
)
"""Lower-case words never taken as a name, even when a name list holds them."""


def _places() -> frozenset[str]:
    words: set[str] = set()
    for place in (*_Address.cities, *_Address.states):
        words.update(place.lower().split())
    return frozenset(words)


_PLACES = _places()


def _clean(names: tuple[str, ...] | list[str]) -> frozenset[str]:
    return frozenset(lowered for name in names if (lowered := name.lower()) not in NOT_NAMES)


FIRST_NAMES = _clean([*_Person.first_names_male, *_Person.first_names_female])
"""Lower-case given names."""
SURNAMES = _clean(_Person.last_names)
"""Lower-case surnames."""
_ALL = FIRST_NAMES | SURNAMES
SPELLINGS = frozenset(
    name for name in (*_Person.first_names_male, *_Person.first_names_female, *_Person.last_names)
    if name.lower() in _ALL
)
"""The names as Faker spells them (``D’Alia``), for patterns that need the case."""


def is_first_name(word: str) -> bool:
    """Whether ``word`` (any case) is a known given name."""
    return word.lower() in FIRST_NAMES


def is_surname(word: str) -> bool:
    """Whether ``word`` (any case) is a known surname."""
    return word.lower() in SURNAMES


def is_name_word(word: str) -> bool:
    """Whether ``word`` (any case) is a known given name or surname."""
    return word.lower() in _ALL


def holds_name_word(text: str) -> bool:
    """Whether a whitespace-separated word of ``text`` is a known given name or surname."""
    return not _ALL.isdisjoint(text.lower().split())


def is_stop_word(word: str) -> bool:
    """Whether ``word`` (any case) is never part of a name (places, fintech and common words)."""
    lowered = word.lower()
    return lowered in NOT_NAMES or (lowered in _PLACES and lowered not in _ALL)


def known_names_regex(others: Sequence[str] = ()) -> re.Pattern[str]:
    """The regex whose matches are the runs of known names (see :func:`find_known_names`).

    ``others``: more alternatives for the same pass, each starting with a literal capital letter
    that starts a word and ending with a character no name ends with (narration heads end with
    their separator): tried where no name of their initial matches, and never continued as a
    run. A match is one of them when its last character is not a letter or an apostrophe.
    """
    # One alternative per initial, each starting with that literal letter, so the regex engine
    # only stops at capital letters. One look-behind then rejects a capital inside a word for all
    # the alternatives of its initial (many capitals are: UPI, HDFC0001234); the rest of a name
    # is a trie in lower or upper case.
    tails: dict[str, list[str]] = defaultdict(list)
    for initial, group in groupby(sorted(SPELLINGS), key=itemgetter(0)):
        rests = {name[1:] for name in group}
        tails[initial].append(trie_regex(rests | {rest.upper() for rest in rests}) + _WORD_END)
    names = [re.escape(initial) + _one_of(rests) for initial, rests in tails.items()]
    for other in others:
        tails[other[0]].append(other[1:])
    first = [f"{re.escape(initial)}(?<![A-Za-z]{re.escape(initial)}){_one_of(rests)}"
             for initial, rests in sorted(tails.items())]
    # A run of names one space apart is one match: the person finder reads a run as one name,
    # and the regex engine joins them faster than Python can. A name never ends in a shorter
    # alternative to let the next one match (the repeat may always stop), so the runs hold
    # exactly the names a search for single names finds.
    return re.compile(f"{_one_of(first)}(?:(?<=[A-Za-z'’])(?: {_one_of(names)})*)?")


def _one_of(alternatives: Sequence[str]) -> str:
    return alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"


_WORD_END = "(?![A-Za-z'’])"
_KNOWN = known_names_regex()
_SPAN = re.Match.span


def find_known_names(text: str) -> list[tuple[int, int]]:
    """Spans of the runs of known names in ``text`` (one name, or several one space apart:
    ``Aarav``, ``SHARMA``, ``Aarav Sharma``) written in Title or UPPER case, in order
    (``text`` may be a batch joined by :func:`.joined.join`)."""
    return list(map(_SPAN, _KNOWN.finditer(text)))

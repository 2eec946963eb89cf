"""Dates of birth: a date is personal data when a label says it is a birth date.

Statements are full of dates (value dates, transaction dates); only the one labelled "DOB",
"date of birth", "born on", "janm tithi", ... identifies a person.
"""

from __future__ import annotations

import re
from types import MappingProxyType

from mypy_extensions import mypyc_attr

from anonymize.detection.recognizers.base import Scan, Token, TokenRecognizer

__all__ = ["DateOfBirthRecognizer"]

_CONFIRMED = 0.9
_DOB = frozenset({"dob"})
_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")
"""The year: the first four digits standing alone (a two-digit year, ``08-02-68``, is taken as
it is, never out of range)."""


def score_date_of_birth(scan: Scan, token: Token) -> float | None:
    """A date under a birth-date label, with a plausible year."""
    if token.label not in _DOB:  # statements are full of dates; only labelled ones are births
        return None
    year = _YEAR.search(token.raw)
    if year is not None and not 1900 <= int(year[0]) <= 2030:
        return None
    return _CONFIRMED


@mypyc_attr(native_class=False)
class DateOfBirthRecognizer(TokenRecognizer):
    """DATE_OF_BIRTH: dates labelled as birth dates."""

    ENTITY = "DATE_OF_BIRTH"
    CONTEXT = ("dob",)
    LABELS_NEEDED = _DOB
    SCORERS = MappingProxyType({"date": score_date_of_birth})

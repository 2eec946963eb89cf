"""Vehicle registration numbers: state series (``MH 12 AB 1234``) and Bharat series
(``22 BH 1234 AB``).

A registration has no check digit, so the state code carries the weight: two letters that are
not a state or union-territory code are not a plate. Plates without series letters
(``MH121234``, older issues) look like many other codes and need a vehicle label.
"""

from __future__ import annotations

import re
from types import MappingProxyType

from mypy_extensions import mypyc_attr

from anonymize.detection.recognizers.base import Scan, Token, TokenRecognizer
from anonymize.detection.recognizers.context import REFERENCE, decide
from anonymize.detection.recognizers.shapes import STATE_CODES

__all__ = ["STATE_CODES", "VehicleRegistrationRecognizer"]


_PLATE = re.compile(r"([A-Za-z]{2})[ \-]?(\d{1,2})[ \-]?([A-Za-z]{1,3})?[ \-]?(\d{4})")
_BH = re.compile(r"(\d{2})[ \-]?[Bb][Hh][ \-]?(\d{4})[ \-]?([A-Za-z]{1,2})")
_VEHICLE = frozenset({"vehicle"})
_AGAINST = frozenset({REFERENCE})


def score_plate(scan: Scan, token: Token) -> float | None:
    """A state-series plate: state code, RTO number, optional series letters, 0001-9999."""
    match = _PLATE.fullmatch(token.raw)
    if not match or match.group(1).upper() not in STATE_CODES:
        return None
    if int(match.group(2)) == 0 or match.group(4) == "0000":
        return None
    series = match.group(3)
    base = (0.8 if series.isupper() else 0.5) if series else 0.4
    return decide(token.label, _VEHICLE, _AGAINST, base=base)


def score_bharat_series(scan: Scan, token: Token) -> float | None:
    """A BH-series plate: year, ``BH``, four digits, one or two letters."""
    match = _BH.fullmatch(token.raw)
    if not match or match.group(2) == "0000" or int(match.group(1)) < 21:
        return None
    return decide(token.label, _VEHICLE, _AGAINST, base=0.9)


@mypyc_attr(native_class=False)
class VehicleRegistrationRecognizer(TokenRecognizer):
    """VEHICLE_REG_IN: Indian vehicle registration numbers, incl. the BH series."""

    ENTITY = "VEHICLE_REG_IN"
    COUNTRY_CODE = "in"
    CONTEXT = ("vehicle",)
    LABELS_AGAINST = _AGAINST
    SCORERS = MappingProxyType(
        {"plate": score_plate, "plate_sp": score_plate, "bh": score_bharat_series}
    )

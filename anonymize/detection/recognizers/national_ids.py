"""Government identifiers: Aadhaar, Aadhaar VID, PAN, GSTIN, voter ID (EPIC), passport, DL.

Checksums and component rules come only from python-stdnum (``stdnum.in_``): Verhoeff for
Aadhaar and VID, the holder-type letter for PAN, state code + embedded PAN + mod-36 check for
GSTIN, Luhn over the serial for EPIC. Formats without a published check (passport, driving
licence) lean on context and on state codes and years.

Context can rule a valid number out: about 1 in 10 random 12-digit numbers pass Verhoeff, so a
UPI RRN, a UTR or an account number would otherwise be reported as an Aadhaar.

Speed: each stdnum ``is_valid`` starts by cleaning its input character by character (Unicode
dashes and digits to ASCII), which costs more than the check itself (PAN cleans twice, GSTIN
four times). A token made only of ASCII letters and digits is already clean, so for those the
``is_valid_*`` functions below apply stdnum's own parts to the value as it is (its pattern, its
Verhoeff or Luhn function, the PAN holder types stdnum accepts); anything else goes through the
full ``is_valid``. ``tests/anonymize/detection/test_national_ids.py`` checks that both agree.
Once the pattern has matched, the value is non-empty and in the check's alphabet, so they call
stdnum's ``checksum(...) == 0``: the test that ``verhoeff``/``luhn.is_valid`` makes, without its
two extra calls and exception handling.
"""

from __future__ import annotations

import re
from types import MappingProxyType

from mypy_extensions import mypyc_attr
from stdnum import luhn, verhoeff
from stdnum.in_ import aadhaar, epic, gstin, pan, vid

from anonymize.detection.recognizers.banking import is_luhn_valid
from anonymize.detection.recognizers.base import Scan, Token, TokenRecognizer, digits_of
from anonymize.detection.recognizers.context import AMOUNT, REFERENCE, decide, word_set
from anonymize.detection.recognizers.shapes import STATE_CODES

__all__ = [
    "AadhaarRecognizer",
    "AadhaarVidRecognizer",
    "DrivingLicenceRecognizer",
    "GstinRecognizer",
    "PanRecognizer",
    "PassportRecognizer",
    "VoterIdRecognizer",
]

_NUMBER_AGAINST = frozenset({REFERENCE, AMOUNT, "account", "card", "phone", "device", "pincode"})
"""Labels under which a long number is something else."""
_AADHAAR = frozenset({"aadhaar"})
_VID = frozenset({"vid"})
_VID_AGAINST = _NUMBER_AGAINST | _AADHAAR
_ONLY_REFERENCE = frozenset({REFERENCE})
_NOTHING: frozenset[str] = frozenset()
_PAN = frozenset({"pan"})
_GSTIN = frozenset({"gstin"})
_VOTER = frozenset({"voter"})
_VOTER_AGAINST = frozenset({REFERENCE, AMOUNT, "account"})
_PASSPORT = frozenset({"passport"})
_DL_LABEL = frozenset({"dl"})


def _is_clean(value: str) -> bool:
    """Only ASCII letters and digits: stdnum's clean-up would leave ``value`` as it is."""
    return value.isascii() and value.isalnum()


def is_valid_aadhaar(number: str) -> bool:
    """``stdnum.in_.aadhaar.is_valid``."""
    if not _is_clean(number):
        return aadhaar.is_valid(number)
    return (aadhaar.aadhaar_re.match(number) is not None and number != number[::-1]
            and verhoeff.checksum(number) == 0)


_VID_PATTERN = re.compile(r"[2-9][0-9]{15}")
"""``stdnum.in_.vid``'s pattern (private there)."""


def is_valid_vid(number: str) -> bool:
    """``stdnum.in_.vid.is_valid``."""
    if not _is_clean(number):
        return vid.is_valid(number)
    return (_VID_PATTERN.fullmatch(number) is not None and number != number[::-1]
            and verhoeff.checksum(number) == 0)


_PAN_PATTERN = re.compile(r"[A-Z]{5}[0-9]{4}[A-Z]")
"""``stdnum.in_.pan``'s pattern (private there)."""
# Made-up shapes, not real identifiers: probes that ask stdnum which letters and codes it accepts.
_PAN_HOLDER_TYPES = frozenset(
    letter for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if pan.is_valid(f"AAA{letter}A1234A")
)
"""The fourth letters (holder types) that ``stdnum.in_.pan`` accepts, asked once at import."""


def _pan_components_valid(number: str) -> bool:
    """The checks of ``stdnum.in_.pan`` after its pattern: holder type and a non-zero serial."""
    return number[3] in _PAN_HOLDER_TYPES and number[5:9] != "0000"


def is_valid_pan(number: str) -> bool:
    """``stdnum.in_.pan.is_valid``."""
    if not _is_clean(number):
        return pan.is_valid(number)
    number = number.upper()
    return _PAN_PATTERN.fullmatch(number) is not None and _pan_components_valid(number)


_EPIC_PATTERN = re.compile(r"[A-Z]{3}[0-9]{7}")
"""``stdnum.in_.epic``'s pattern (private there)."""


def is_valid_epic(number: str) -> bool:
    """``stdnum.in_.epic.is_valid``: Luhn over the seven digits."""
    if not _is_clean(number):
        return epic.is_valid(number)
    return _EPIC_PATTERN.fullmatch(number.upper()) is not None and luhn.checksum(number[3:]) == 0


_GSTIN_PATTERN = re.compile(r"[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][0-9A-Z]Z[0-9A-Z]")
"""``stdnum.in_.gstin``'s pattern (private there), with its 'Z' in the 14th place; its third to
twelfth characters match the PAN pattern."""
_GSTIN_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
"""The alphabet of the GSTIN's mod-36 (Luhn) check character."""


def _gstin_state_codes() -> frozenset[str]:
    """The state codes ``stdnum.in_.gstin`` accepts (its table is private): asked once at
    import, with a GSTIN that is valid in every other way for each two-digit code."""
    codes = []
    for code in (f"{n:02d}" for n in range(100)):
        # Not real identifiers: python-stdnum's documented examples or made-up shapes.
        number = f"{code}AAAPA1234A1Z"
        if gstin.is_valid(number + luhn.calc_check_digit(number, _GSTIN_ALPHABET)):
            codes.append(code)
    return frozenset(codes)


_GSTIN_STATE_CODES = _gstin_state_codes()


def is_valid_gstin(number: str) -> bool:
    """``stdnum.in_.gstin.is_valid``: state code, embedded PAN, mod-36 check character."""
    if not _is_clean(number):
        return gstin.is_valid(number)
    number = number.upper()
    return (_GSTIN_PATTERN.fullmatch(number) is not None and number[:2] in _GSTIN_STATE_CODES
            and number[12] != "0" and _pan_components_valid(number[2:12])
            and luhn.checksum(number, _GSTIN_ALPHABET) == 0)


def score_aadhaar(scan: Scan, token: Token) -> float | None:
    """12 digits, plain or 4-4-4, valid per ``stdnum.in_.aadhaar`` (Verhoeff, no palindrome)."""
    digits = digits_of(token.raw)
    label = token.label
    # "91" + a mobile number is a phone unless a label says Aadhaar.
    base = None if digits[:2] == "91" and digits[2] in "6789" else 0.85
    score = decide(label, _AADHAAR, _NUMBER_AGAINST, base=base)
    return score if score and is_valid_aadhaar(digits) else None


def score_vid(scan: Scan, token: Token) -> float | None:
    """16 digits, plain or 4-4-4-4 (``g4444`` also holds 19-digit cards), valid per
    ``stdnum.in_.vid``; without a VID label, a card number if it also passes Luhn with a card
    prefix."""
    digits = digits_of(token.raw)
    if len(digits) != 16:
        return None
    label = token.label
    score = decide(label, _VID, _VID_AGAINST, base=0.6)
    if not score or not is_valid_vid(digits):
        return None
    if label is None and digits[0] in "3456" and is_luhn_valid(digits):
        return None
    return score


@mypyc_attr(native_class=False)
class AadhaarRecognizer(TokenRecognizer):
    """AADHAAR: 12-digit Aadhaar numbers (plain, spaced or dashed)."""

    ENTITY = "AADHAAR"
    COUNTRY_CODE = "in"
    CONTEXT = ("aadhaar",)
    LABELS_AGAINST = _NUMBER_AGAINST
    SCORERS = MappingProxyType({"n12": score_aadhaar, "g444": score_aadhaar})


@mypyc_attr(native_class=False)
class AadhaarVidRecognizer(TokenRecognizer):
    """AADHAAR_VID: 16-digit Aadhaar virtual IDs."""

    ENTITY = "AADHAAR_VID"
    COUNTRY_CODE = "in"
    CONTEXT = ("vid",)
    LABELS_AGAINST = _VID_AGAINST
    SCORERS = MappingProxyType({"n16": score_vid, "g4444": score_vid})


def _case_base(raw: str, upper: float, other: float) -> float:
    return upper if raw.isupper() else other


def score_pan(scan: Scan, token: Token) -> float | None:
    # Not real identifiers: python-stdnum's documented examples or made-up shapes.
    """``AAAPA9999A`` with a valid holder-type letter and serial (``stdnum.in_.pan``)."""
    raw = token.raw
    base = _case_base(raw, 0.85, 0.6)
    score = decide(token.label, _PAN, _ONLY_REFERENCE, base=base)
    return score if score and is_valid_pan(raw) else None


def score_gstin(scan: Scan, token: Token) -> float | None:
    """15-character GSTIN: state code, embedded PAN, mod-36 check (``stdnum.in_.gstin``)."""
    if not is_valid_gstin(token.raw):
        return None
    return decide(token.label, _GSTIN, _NOTHING, base=0.95)


_NOT_EPIC_PREFIXES = word_set(
    "TXN REF ORD INV UTR TKT RRN SRN CRN REQ PNR AWB BIL EMI LAN CIF MID TID ACK APP CUS USR "
    "UID PAY UPI IMP NEF RTG OTP SMS TRN TRX SRV INC CAS CMP DOC BKG SHP CHQ POL CLM"
)


def score_voter_id(scan: Scan, token: Token) -> float | None:
    """EPIC: three letters and seven digits, Luhn over the digits (``stdnum.in_.epic``)."""
    raw = token.raw
    label = token.label
    base = None if raw[:3].upper() in _NOT_EPIC_PREFIXES else _case_base(raw, 0.7, 0.4)
    score = decide(label, _VOTER, _VOTER_AGAINST, base=base)
    return score if score and is_valid_epic(raw) else None


def score_passport(scan: Scan, token: Token) -> float | None:
    """A letter and seven digits (no published check): needs a passport label to pass 0.5."""
    raw = token.raw
    if raw[1] == "0" or raw[0].upper() in "QXZ":
        return None
    base = _case_base(raw, 0.4, 0.2)
    return decide(token.label, _PASSPORT, _ONLY_REFERENCE, base=base)


_DL = re.compile(r"([A-Za-z]{2})[ \-]?(\d{1,2})[ \-]?((?:19|20)\d{2})[ \-]?(\d{7})")


def score_driving_licence(scan: Scan, token: Token) -> float | None:
    """State code, RTO code, year of issue, serial: ``MH12 20110012345``."""
    match = _DL.fullmatch(token.raw)
    if not match or match.group(1).upper() not in STATE_CODES:
        return None
    if int(match.group(2)) == 0 or not 1950 <= int(match.group(3)) <= 2035:
        return None
    return decide(token.label, _DL_LABEL, _ONLY_REFERENCE, base=0.85)


@mypyc_attr(native_class=False)
class PanRecognizer(TokenRecognizer):
    """PAN: Permanent Account Numbers."""

    ENTITY = "PAN"
    COUNTRY_CODE = "in"
    CONTEXT = ("pan",)
    LABELS_AGAINST = _ONLY_REFERENCE
    SCORERS = MappingProxyType({"pan": score_pan})


@mypyc_attr(native_class=False)
class GstinRecognizer(TokenRecognizer):
    """GSTIN: GST identification numbers."""

    ENTITY = "GSTIN"
    COUNTRY_CODE = "in"
    CONTEXT = ("gstin",)
    SCORERS = MappingProxyType({"gstin": score_gstin})


@mypyc_attr(native_class=False)
class VoterIdRecognizer(TokenRecognizer):
    """VOTER_ID: Electoral Photo Identity Card (EPIC) numbers."""

    ENTITY = "VOTER_ID"
    COUNTRY_CODE = "in"
    CONTEXT = ("voter",)
    LABELS_AGAINST = _VOTER_AGAINST
    SCORERS = MappingProxyType({"epic": score_voter_id})


@mypyc_attr(native_class=False)
class PassportRecognizer(TokenRecognizer):
    """PASSPORT_IN: Indian passport numbers."""

    ENTITY = "PASSPORT_IN"
    COUNTRY_CODE = "in"
    CONTEXT = ("passport",)
    LABELS_AGAINST = _ONLY_REFERENCE
    SCORERS = MappingProxyType({"passport": score_passport})


@mypyc_attr(native_class=False)
class DrivingLicenceRecognizer(TokenRecognizer):
    """DRIVING_LICENCE_IN: 15-character driving licence numbers."""

    ENTITY = "DRIVING_LICENCE_IN"
    COUNTRY_CODE = "in"
    CONTEXT = ("dl",)
    LABELS_AGAINST = _ONLY_REFERENCE
    SCORERS = MappingProxyType({"dl": score_driving_licence, "dl_sp": score_driving_licence})

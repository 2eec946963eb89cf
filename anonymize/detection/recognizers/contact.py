"""Contact and device identifiers: mobile numbers, e-mail, PIN codes, IPs, device IDs, locations.

PHONE_IN is an Indian mobile number: ten digits starting 6-9, optionally led by ``+91``, ``91``
or ``0``, written plain, spaced or dashed; the digits of ``98...@paytm`` belong to the VPA (the
tokenizer gives them to it). E-mail is a pattern of our own: Presidio's recognizer calls
``tldextract``, which may fetch the public-suffix list over the network.
"""

from __future__ import annotations

import ipaddress
import re
from types import MappingProxyType

from mypy_extensions import mypyc_attr
from stdnum import imei

from anonymize.detection.recognizers.base import Scan, Token, TokenRecognizer, digits_of
from anonymize.detection.recognizers.context import AMOUNT, REFERENCE, decide

__all__ = [
    "DeviceIdRecognizer",
    "EmailRecognizer",
    "GeoLocationRecognizer",
    "IpAddressRecognizer",
    "PhoneRecognizer",
    "PincodeRecognizer",
]

_PHONE = frozenset({"phone"})
_PHONE_AGAINST = frozenset({REFERENCE, AMOUNT, "account", "card", "pincode", "device"})
_PREFIXED_PHONE_AGAINST = _PHONE_AGAINST | {"aadhaar"}


def score_phone(scan: Scan, token: Token) -> float | None:
    """A mobile number: ``[+91|91|0]`` and ten digits starting 6-9."""
    raw = token.raw
    digits = digits_of(raw)
    length = len(digits)
    if (length == 12 and digits[:2] != "91") or (length == 11 and digits[0] != "0"):
        return None
    if digits[-10] not in "6789":
        return None
    against = _PREFIXED_PHONE_AGAINST if length == 12 else _PHONE_AGAINST
    base = 0.9 if raw[0] == "+" else 0.75
    return decide(token.label, _PHONE, against, base=base)


@mypyc_attr(native_class=False)
class PhoneRecognizer(TokenRecognizer):
    """PHONE_IN: Indian mobile numbers."""

    ENTITY = "PHONE_IN"
    COUNTRY_CODE = "in"
    CONTEXT = ("phone",)
    LABELS_AGAINST = _PHONE_AGAINST
    SCORERS = MappingProxyType({
        kind: score_phone for kind in ("n10", "n11", "n12", "g55", "g334", "g433", "g0", "g91",
                                       "plus")
    })


_ADDRESS = re.compile(r"[^@]+@(?:[A-Za-z0-9]++(?:-++[A-Za-z0-9]++)*+\.)++[A-Za-z]{2,24}")
"""A local part (anything up to the first ``@``) and a domain: labels of letters and digits, with
dashes inside, each followed by a dot, then an alphabetic top-level label. One regex call rather
than splitting the token; the possessive repeats make a VPA handle (no dot) fail without
backtracking (each has one way to match, so they accept what greedy ones would)."""
_EMAIL = frozenset({"email"})
_NOTHING: frozenset[str] = frozenset()


def score_email(scan: Scan, token: Token) -> float | None:
    """``local@domain.tld``: a dotted domain ending in an alphabetic top-level label."""
    if _ADDRESS.fullmatch(token.raw) is None:
        return None
    return decide(token.label, _EMAIL, _NOTHING, base=0.95)


@mypyc_attr(native_class=False)
class EmailRecognizer(TokenRecognizer):
    """EMAIL: e-mail addresses, without tldextract or any network access."""

    ENTITY = "EMAIL"
    CONTEXT = ("email",)
    SCORERS = MappingProxyType({"at": score_email})


_PINCODE = frozenset({"pincode"})
_PINCODE_AGAINST = frozenset(
    {REFERENCE, AMOUNT, "account", "phone", "aadhaar", "dob", "device"}
)
_PLACE_BEFORE = re.compile(r"[A-Z][A-Za-z]+\.?\s?[,\-]?\s?\Z")


def score_pincode(scan: Scan, token: Token) -> float | None:
    """Six digits, first 1-8: under a PIN label, or right after a place name (``Pune 411001``)."""
    if token.raw[0] not in "12345678":
        return None
    label = token.label
    # Under a PIN label the place name does not matter: look for it only otherwise.
    after_place = label not in _PINCODE and _PLACE_BEFORE.search(
        scan.text, max(0, token.start - 24), token.start)
    return decide(label, _PINCODE, _PINCODE_AGAINST, base=0.6 if after_place else None,
                  confirmed=0.9)


@mypyc_attr(native_class=False)
class PincodeRecognizer(TokenRecognizer):
    """PINCODE: six-digit Indian postal codes."""

    ENTITY = "PINCODE"
    COUNTRY_CODE = "in"
    CONTEXT = ("pincode",)
    LABELS_AGAINST = _PINCODE_AGAINST
    SCORERS = MappingProxyType({"n6": score_pincode, "g33": score_pincode})


_IP = frozenset({"ip"})
_ONLY_REFERENCE = frozenset({REFERENCE})


def score_ip(scan: Scan, token: Token) -> float | None:
    """A valid IPv4 or IPv6 address (``ipaddress``)."""
    raw = token.raw
    # What ``ipaddress.ip_address`` accepts, without trying IPv4 (and raising) on an IPv6
    # address first: an address with a colon can only be IPv6, one without only IPv4.
    if ":" in raw:
        parse: type[ipaddress.IPv4Address | ipaddress.IPv6Address] = ipaddress.IPv6Address
    elif token.kind == "ipv4":
        parse = ipaddress.IPv4Address
    else:
        return None
    try:
        parse(raw)
    except ValueError:
        return None
    return decide(token.label, _IP, _ONLY_REFERENCE, base=0.85)


@mypyc_attr(native_class=False)
class IpAddressRecognizer(TokenRecognizer):
    """IP_ADDRESS: IPv4 and IPv6 addresses."""

    ENTITY = "IP_ADDRESS"
    CONTEXT = ("ip",)
    LABELS_AGAINST = _ONLY_REFERENCE
    SCORERS = MappingProxyType({"ipv4": score_ip, "hexcolon": score_ip, "lword": score_ip})


_DEVICE = frozenset({"device"})
_DEVICE_SHAPE = re.compile(
    r"(?P<uuid>[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})"
    r"|(?P<mac>[0-9A-Fa-f]{2}(?:(?P<sep>[:\-])[0-9A-Fa-f]{2})(?:(?P=sep)[0-9A-Fa-f]{2}){4})"
    r"|(?P<hex>[0-9A-Fa-f]{16}|[0-9A-Fa-f]{32})"
)
"""A UUID, a MAC address or a 16/32-hex ID, in that order of precedence: one regex call tells
which (``lastgroup``) an ``lword`` token is; a ``dword`` is hex digits only (its shape), so only
the last can match it."""
_SHAPE_BASE = MappingProxyType({"uuid": 0.6, "mac": 0.85, "hex": None})
"""Score of each device-ID shape without a label (``None``: needs one)."""


def score_device_id(scan: Scan, token: Token) -> float | None:
    """Device identifiers: UUIDs, MAC addresses, 16/32-hex IDs and IMEIs (``stdnum.imei``)."""
    kind = token.kind
    if kind == "n15":  # mostly account numbers: the label rules them out before the check
        if token.label != "device" or not imei.is_valid(token.raw):
            return None
        base = None
    elif kind == "uuid" or kind == "mac":
        base = _SHAPE_BASE[kind]
    else:
        shape = _DEVICE_SHAPE.fullmatch(token.raw)
        if shape is None:
            return None
        base = _SHAPE_BASE[shape.lastgroup]  # type: ignore[index]  # every shape is a named group
    return decide(token.label, _DEVICE, _ONLY_REFERENCE, base=base, confirmed=0.95)


@mypyc_attr(native_class=False)
class DeviceIdRecognizer(TokenRecognizer):
    """DEVICE_ID: device identifiers from app telemetry."""

    ENTITY = "DEVICE_ID"
    CONTEXT = ("device",)
    LABELS_AGAINST = _ONLY_REFERENCE
    SCORERS = MappingProxyType(
        {kind: score_device_id for kind in ("uuid", "mac", "lword", "dword", "n15")}
    )


_GEO = frozenset({"geo"})
_GEO_AGAINST = frozenset({REFERENCE, AMOUNT})
_COORDINATE = re.compile(r"-?\d{1,3}\.\d+")


def score_geo(scan: Scan, token: Token) -> float | None:
    """A latitude, longitude pair with four or more decimals; a lone coordinate needs a label."""
    values = [float(v) for v in _COORDINATE.findall(token.raw)]
    if abs(values[0]) > 90 or (len(values) > 1 and abs(values[1]) > 180):
        return None
    base = 0.85 if len(values) > 1 else None
    return decide(token.label, _GEO, _GEO_AGAINST, base=base)


@mypyc_attr(native_class=False)
class GeoLocationRecognizer(TokenRecognizer):
    """GEO_LOCATION: latitude/longitude coordinates."""

    ENTITY = "GEO_LOCATION"
    CONTEXT = ("geo",)
    LABELS_AGAINST = _GEO_AGAINST
    SCORERS = MappingProxyType({"geo": score_geo, "decimal": score_geo})

"""A seeded, labelled corpus of Indian fintech text: what PII detectors are measured on.

Why generate it: no public corpus has bank SMS alerts, UPI/NEFT/IMPS narrations, KYC notes
and Hinglish support chats with identifier labels, and real ones are personal data. Every value
here is synthetic, yet valid for its format and checksum (``stdnum`` where it has a validator:
Verhoeff for Aadhaar and VID, mod-36 Luhn for GSTIN, Luhn for cards and EPIC). Faker's own
``aadhaar_id()`` is Luhn-checked and mostly fails Verhoeff, so it is not used.

Each text also carries *hard negatives*: look-alikes a detector must leave alone. UPI RRNs are
random 12-digit numbers, so about one in ten passes Verhoeff like an Aadhaar; in RRN/UTR context
they are still references, not Aadhaar numbers. UANs, order, policy and ticket ids, amounts,
transaction dates and masked values (``XXXX XXXX 1234``) are hard negatives too.

Spans are exact by construction: a template is filled slot by slot and each slot's offsets are
recorded as it is written. No two spans overlap.

Usage::

    corpus = generate_corpus(3000, seed=20261128)
    write_jsonl(corpus, "pii-corpus.jsonl")
    assert read_jsonl("pii-corpus.jsonl") == corpus
"""

from __future__ import annotations

import json
import random
import re
import string
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

from faker import Faker
from stdnum import luhn, verhoeff

__all__ = [
    "DEFAULT_SEED",
    "DEFAULT_SIZE",
    "HARD_NEGATIVE_KINDS",
    "HardNegative",
    "LabelledSpan",
    "LabelledText",
    "corpus_stats",
    "generate_corpus",
    "read_jsonl",
    "write_jsonl",
]

DEFAULT_SEED = 20261128
DEFAULT_SIZE = 3000

HARD_NEGATIVE_KINDS = (
    "RRN", "UTR", "UAN", "ORDER_ID", "POLICY_NO", "TICKET", "TXN_ID", "MANDATE_ID", "ATM_ID",
    "OTP", "CHEQUE_NO", "HELPLINE", "AMOUNT", "DATE", "MASKED_AADHAAR", "MASKED_ACCOUNT",
    "MASKED_CARD", "MASKED_PAN",
)
"""Kinds of look-alike values that are not personal data."""


@dataclass(frozen=True)
class LabelledSpan:
    """``text[start:end]`` is personal data of ``type`` (one of ``ENTITY_TYPES``)."""

    start: int
    end: int
    type: str


@dataclass(frozen=True)
class HardNegative:
    """``text[start:end]`` looks like an identifier but is not personal data."""

    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class LabelledText:
    """One line of text with its ground truth."""

    id: str
    text: str
    spans: tuple[LabelledSpan, ...]
    hard_negatives: tuple[HardNegative, ...]


# --- template slots ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Slot:
    """A template slot's value: personal data of ``type``, a hard negative of ``kind``, or text."""

    value: str
    type: str | None = None
    kind: str | None = None


def _pii(value: str, entity_type: str) -> _Slot:
    return _Slot(value, type=entity_type)


def _neg(value: str, kind: str) -> _Slot:
    return _Slot(value, kind=kind)


_Slots = Mapping[str, "_Slot | str"]
_FORMATTER = string.Formatter()
_GSTIN_ALPHABET = string.digits + string.ascii_uppercase


def _fill(template: str, slots: _Slots) -> tuple[str, list[LabelledSpan], list[HardNegative]]:
    """Write ``template`` with its ``{slot}``s filled, recording each labelled slot's offsets."""
    parts: list[str] = []
    spans: list[LabelledSpan] = []
    negatives: list[HardNegative] = []
    position = 0
    for literal, field, _spec, _conversion in _FORMATTER.parse(template):
        parts.append(literal)
        position += len(literal)
        if field is None:
            continue
        slot = slots[field]
        slot = _Slot(slot) if isinstance(slot, str) else slot
        end = position + len(slot.value)
        if slot.type:
            spans.append(LabelledSpan(position, end, slot.type))
        elif slot.kind:
            negatives.append(HardNegative(position, end, slot.kind))
        parts.append(slot.value)
        position = end
    return "".join(parts), spans, negatives


# --- reference tables -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Bank:
    code: str  # IFSC prefix
    short: str  # as printed in narrations
    account_digits: int


_BANKS = (
    _Bank("SBIN", "SBI", 11), _Bank("HDFC", "HDFC", 14), _Bank("ICIC", "ICICI", 12),
    _Bank("UTIB", "AXIS", 15), _Bank("KKBK", "KOTAK", 10), _Bank("PUNB", "PNB", 16),
    _Bank("BARB", "BOB", 14), _Bank("CNRB", "CANARA", 13), _Bank("UBIN", "UNION", 15),
    _Bank("YESB", "YES", 15), _Bank("IDIB", "INDIAN", 10), _Bank("FDRL", "FEDERAL", 14),
    _Bank("INDB", "INDUSIND", 12), _Bank("IDFB", "IDFC", 11), _Bank("BKID", "BOI", 15),
)
_PSP_HANDLES = (
    "okicici", "okhdfcbank", "oksbi", "okaxis", "ybl", "ibl", "axl", "paytm", "ptyes", "ptsbi",
    "apl", "upi", "axisbank", "icici", "sbi", "hdfcbank", "kotak", "yesbank", "airtel", "jio",
    "freecharge", "fam", "superyes", "naviaxis", "waicici", "waaxis",
)
_MAIL_DOMAINS = (
    "gmail.com", "gmail.com", "gmail.com", "yahoo.co.in", "yahoo.com", "outlook.com",
    "rediffmail.com", "hotmail.com", "icloud.com", "protonmail.com", "zohomail.in",
)
# (state, lowest RTO, highest RTO) for driving licences and number plates.
_RTO_RANGES = (
    ("MH", 1, 50), ("KA", 1, 65), ("TN", 1, 90), ("GJ", 1, 36), ("UP", 11, 90), ("RJ", 1, 50),
    ("DL", 1, 13), ("TS", 7, 36), ("KL", 1, 80), ("WB", 1, 90), ("HR", 1, 90), ("MP", 4, 70),
    ("AP", 1, 39), ("PB", 1, 90),
)
_CARD_PREFIXES = ("4", "4", "4", "51", "52", "53", "54", "55", "2", "60", "65", "81", "82", "508")
_MERCHANTS = (
    "AMAZON PAY INDIA", "FLIPKART INTERNET", "SWIGGY", "ZOMATO LTD", "RELIANCE RETAIL",
    "BIG BAZAAR", "DMART AVENUE", "IRCTC", "MAKEMYTRIP", "BHARAT PETROLEUM", "APOLLO PHARMACY",
    "TATA CLIQ", "MYNTRA DESIGNS", "BOOKMYSHOW", "JIO PREPAID",
)
_ATM_PLACES = (
    "MUMBAI ANDHERI E", "PUNE KOTHRUD", "BANGALORE KORAMANGALA", "CHENNAI T NAGAR",
    "HYDERABAD AMEERPET", "DELHI KAROL BAGH", "KOLKATA SALT LAKE", "JAIPUR MALVIYA NGR",
    "LUCKNOW HAZRATGANJ", "AHMEDABAD NAVRANGPURA",
)
_NOTES = (
    "Payment from Ph", "rent", "groceries", "electricity bill", "dinner", "NA", "fees",
    "UPI", "gift", "loan repay", "milk", "petrol", "chit fund", "school fees",
)
_TXN_DATE_FORMATS = ("%d-%m-%y", "%d/%m/%Y", "%d-%b-%y", "%d%b%y", "%Y-%m-%d", "%d %b %Y")
_DOB_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d %b %Y", "%d.%m.%Y", "%d-%b-%Y")

_T = TypeVar("_T")


@dataclass(frozen=True)
class _Person:
    first: str
    last: str
    female: bool

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"


def _ascii_lower(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower()) or "user"


def _indian_grouping(rupees: int) -> str:
    """12,34,567: the last three digits, then groups of two."""
    digits = str(rupees)
    head, tail = digits[:-3], digits[-3:]
    groups = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    return ",".join(([head] if head else []) + groups + [tail])


# --- values -----------------------------------------------------------------------------------


class _Values:
    """Draws synthetic values from one seeded generator, so a seed fixes the whole corpus."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self._faker = Faker("en_IN")
        self._faker.seed_instance(seed)

    def pick(self, options: Sequence[_T]) -> _T:
        return self.rng.choice(options)

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def digits(self, n: int, first: str = string.digits) -> str:
        return self.rng.choice(first) + "".join(self.rng.choices(string.digits, k=n - 1))

    def letters(self, n: int) -> str:
        return "".join(self.rng.choices(string.ascii_uppercase, k=n))

    def bank(self) -> _Bank:
        return self.pick(_BANKS)

    # people

    def person(self) -> _Person:
        female = self.chance(0.5)
        first = self._faker.first_name_female() if female else self._faker.first_name_male()
        return _Person(first, self._faker.last_name(), female)

    def name(self, person: _Person, *, upper: bool = False, truncate: bool = False) -> _Slot:
        """The person's name; narrations print it upper-case and sometimes cut at 12 chars."""
        name = person.full.upper() if upper else person.full
        if truncate and len(name) > 12 and self.chance(0.3):
            name = name[:12].rstrip()
        return _pii(name, "PERSON")

    def honorific(self, person: _Person) -> str:
        return self.pick(("Ms", "Smt", "Mrs", "Ms.")) if person.female else self.pick(
            ("Mr", "Shri", "Mr.", "Sri"))

    def address(self) -> _Slot:
        lines = [*self._faker.street_address().split("\n"), self._faker.city()]
        return _pii(", ".join(line.strip() for line in lines), "ADDRESS")

    def pincode(self) -> _Slot:
        number = self.digits(6, "12345678")
        return _pii(f"{number[:3]} {number[3:]}" if self.chance(0.1) else number, "PINCODE")

    def dob(self) -> _Slot:
        born = date(1955, 1, 1) + timedelta(days=self.rng.randrange(19000))
        return _pii(born.strftime(self.pick(_DOB_FORMATS)), "DATE_OF_BIRTH")

    # contact points

    def mobile(self) -> str:
        return self.digits(10, "6789")

    def phone(self, mobile: str | None = None) -> _Slot:
        m = mobile or self.mobile()
        return _pii(self.pick((
            f"+91 {m[:5]} {m[5:]}", f"+91-{m}", f"+91{m}", f"+91 {m}", f"0{m}", f"{m[:5]}-{m[5:]}",
            f"{m[:5]} {m[5:]}", m, m, m,
        )), "PHONE_IN")

    def vpa(self, person: _Person | None = None) -> _Slot:
        """A VPA: name-style, handle with digits, or a mobile number; always one UPI_VPA span."""
        handle = self.pick(_PSP_HANDLES)
        if person is None or self.chance(0.25):
            local = self.pick((self.mobile(), f"{self.mobile()}-{self.rng.randint(1, 3)}"))
        else:
            first, last = _ascii_lower(person.first), _ascii_lower(person.last)
            local = self.pick((
                f"{first}.{last[0]}", f"{first}{last}", f"{last}.{first}",
                f"{first}.{last}{self.rng.randint(1, 99)}", f"{first}{last[0]}{self.digits(4)}",
                f"{first}_{last}", f"{first}{self.rng.randint(70, 99)}",
            ))
        return _pii(f"{local}@{handle}", "UPI_VPA")

    def merchant_vpa(self) -> _Slot:
        return _pii(self.pick((
            f"bharatpe.{self.digits(10, '6789')}@fbpe", f"paytmqr{self.digits(12)}@paytm",
            f"q{self.digits(9)}@ybl", f"gpay-{self.digits(11, '1')}@okbizaxis",
        )), "UPI_VPA")

    def email(self, person: _Person) -> _Slot:
        first, last = _ascii_lower(person.first), _ascii_lower(person.last)
        local = self.pick((
            f"{first}.{last}", f"{first}{last}{self.rng.randint(1, 99)}", f"{first[0]}{last}",
            f"{first}_{last[0]}", f"{last}.{first}", f"{first}.{last}.{self.rng.randint(80, 99)}",
        ))
        domain = self.pick((*_MAIL_DOMAINS, f"{last}traders.in", f"{last}-associates.co.in"))
        return _pii(f"{local}@{domain}", "EMAIL")

    # government identifiers

    def aadhaar_number(self) -> str:
        while True:
            body = self.digits(11, "23456789")
            number = body + verhoeff.calc_check_digit(body)
            if number != number[::-1]:
                return number

    def aadhaar(self) -> _Slot:
        n = self.aadhaar_number()
        return _pii(self.pick((" ", " ", "-", "")).join((n[:4], n[4:8], n[8:])), "AADHAAR")

    def vid(self) -> _Slot:
        body = self.digits(15, "23456789")
        n = body + verhoeff.calc_check_digit(body)
        return _pii(" ".join((n[:4], n[4:8], n[8:12], n[12:])) if self.chance(0.6) else n,
                    "AADHAAR_VID")

    def pan_number(self, holder: str = "P", initial: str | None = None) -> str:
        serial = f"{self.rng.randint(1, 9999):04d}"
        return self.letters(3) + holder + (initial or self.letters(1)) + serial + self.letters(1)

    def pan(self, person: _Person | None = None) -> _Slot:
        if person is None:
            return _pii(self.pan_number(self.pick("CFHATP")), "PAN")
        initial = _ascii_lower(person.last)[0].upper()
        return _pii(self.pan_number("P", initial), "PAN")

    def gstin(self) -> _Slot:
        body = f"{self.rng.randint(1, 37):02d}{self.pan_number(self.pick('CFPHC'))}"
        body += self.pick("1111123") + "Z"
        return _pii(body + luhn.calc_check_digit(body, _GSTIN_ALPHABET), "GSTIN")

    def epic(self) -> _Slot:
        serial = self.digits(6)
        return _pii(self.letters(3) + serial + luhn.calc_check_digit(serial), "VOTER_ID")

    def passport(self) -> _Slot:
        return _pii(self.pick("ABCJKLMNPRSTUVW") + self.digits(7, "123456789"), "PASSPORT_IN")

    def driving_licence(self) -> _Slot:
        state, low, high = self.pick(_RTO_RANGES)
        year = self.rng.randint(1990, 2025)
        sep = self.pick(("", "", " ", "-"))
        return _pii(f"{state}{self.rng.randint(low, high):02d}{sep}{year}{self.digits(7)}",
                    "DRIVING_LICENCE_IN")

    def vehicle_reg(self) -> _Slot:
        if self.chance(0.15):  # Bharat series: year, BH, 4 digits, letters without I and O
            suffix = "".join(self.rng.choices("ABCDEFGHJKLMNPQRSTUVWXYZ", k=2))
            return _pii(f"{self.rng.randint(21, 26)}BH{self.rng.randint(1, 9999):04d}{suffix}",
                        "VEHICLE_REG_IN")
        state, low, high = self.pick(_RTO_RANGES)
        rto = self.rng.randint(low, high)
        parts = (state, str(rto) if state == "DL" else f"{rto:02d}",
                 self.letters(self.pick((1, 2, 2, 2))), f"{self.rng.randint(1, 9999):04d}")
        return _pii(self.pick(("", "", " ", "-")).join(parts), "VEHICLE_REG_IN")

    # financial identifiers

    def ifsc(self, bank: _Bank) -> _Slot:
        branch = self.digits(6) if self.chance(0.85) else self.letters(2) + self.digits(4)
        return _pii(f"{bank.code}0{branch}", "IFSC")

    def bank_account(self, bank: _Bank) -> _Slot:
        length = bank.account_digits if self.chance(0.85) else self.rng.randint(9, 18)
        return _pii(self.digits(length, "123456789"), "BANK_ACCOUNT")

    def card_number(self) -> str:
        prefix = self.pick(_CARD_PREFIXES)
        if prefix == "2":  # Mastercard 2-series BINs
            prefix = str(self.rng.randint(2221, 2720))
        body = prefix + self.digits(15 - len(prefix))
        return body + luhn.calc_check_digit(body)

    def card(self) -> _Slot:
        n = self.card_number()
        sep = self.pick((" ", " ", "", "-"))
        return _pii(sep.join((n[:4], n[4:8], n[8:12], n[12:])), "CARD_NUMBER")

    # devices and places

    def ip_address(self) -> _Slot:
        if self.chance(0.15):
            groups = ["2409", f"40{self.rng.randint(0, 0xff):02x}"]
            groups += [f"{self.rng.randint(0, 0xffff):x}" for _ in range(6)]
            return _pii(":".join(groups), "IP_ADDRESS")
        first = self.pick((49, 103, 106, 117, 122, 157, 182, 223, 27, 42))
        rest = (self.rng.randint(0, 255), self.rng.randint(0, 255), self.rng.randint(1, 254))
        return _pii(".".join(map(str, (first, *rest))), "IP_ADDRESS")

    def device_id(self) -> _Slot:
        kind = self.pick(("android", "imei", "gaid"))
        if kind == "android":
            return _pii(f"{self.rng.getrandbits(64):016x}", "DEVICE_ID")
        if kind == "imei":
            body = self.pick(("35", "86")) + self.digits(12)
            return _pii(body + luhn.calc_check_digit(body), "DEVICE_ID")
        return _pii(str(uuid.UUID(int=self.rng.getrandbits(128), version=4)), "DEVICE_ID")

    def geo(self) -> _Slot:
        places = self.pick((4, 5, 6))
        lat, lon = self.rng.uniform(8.1, 34.5), self.rng.uniform(68.5, 96.5)
        sep = self.pick((", ", ","))
        return _pii(f"{lat:.{places}f}{sep}{lon:.{places}f}", "GEO_LOCATION")

    # hard negatives

    def rrn(self, *, verhoeff_valid: bool | None = None) -> _Slot:
        """A UPI/IMPS RRN: year digit, day of year, hour, serial. About 1 in 10 passes Verhoeff."""
        valid = self.chance(0.1) if verhoeff_valid is None else verhoeff_valid
        while True:
            body = (self.pick("56") + f"{self.rng.randint(1, 365):03d}"
                    + f"{self.rng.randint(0, 23):02d}" + self.digits(5))
            number = body + (verhoeff.calc_check_digit(body) if valid else self.digits(1))
            if verhoeff.is_valid(number) == valid:
                return _neg(number, "RRN")

    def neft_utr(self, bank: _Bank) -> _Slot:
        if self.chance(0.5):
            return _neg(f"{bank.code}{self.digits(12)}", "UTR")
        return _neg(f"{bank.code}N{self.pick(('25', '26'))}{self.rng.randint(1, 365):03d}"
                    f"{self.digits(6)}", "UTR")

    def rtgs_utr(self, bank: _Bank) -> _Slot:
        return _neg(f"{bank.code}R{self.pick('56')}{self.txn_day():%Y%m%d}{self.digits(8)}", "UTR")

    def uan(self) -> _Slot:
        return _neg(self.pick(("100", "101")) + self.digits(9), "UAN")

    def order_id(self) -> _Slot:
        return _neg(self.pick((
            f"OD{self.digits(18, '34')}",
            f"{self.rng.randint(402, 408)}-{self.digits(7)}-{self.digits(7)}",
            f"ORD{self.digits(10)}", f"{self.digits(13, '1')}",
        )), "ORDER_ID")

    def policy_no(self) -> _Slot:
        return _neg(self.pick((
            self.digits(9, "123456789"), f"POL/{self.rng.randint(2019, 2026)}/{self.digits(8)}",
            f"3005/{self.digits(9)}/00/000", f"OG-{self.rng.randint(20, 26)}-{self.digits(4)}-"
            f"{self.digits(4)}-{self.digits(8)}",
        )), "POLICY_NO")

    def ticket(self) -> _Slot:
        return _neg(self.pick((
            f"SR{self.digits(8)}", f"TKT-2026-{self.digits(6)}", f"INC{self.digits(7)}",
            f"CMP{self.digits(10)}", f"2026{self.digits(9)}",
        )), "TICKET")

    def txn_id(self) -> _Slot:
        alnum = string.ascii_uppercase + string.digits
        return _neg(self.pick((
            self.pick(("YBL", "AXL", "ICI", "HDF", "PTM")) + "".join(self.rng.choices(alnum, k=32)),
            f"TXN{self.digits(7)}", f"T{self.digits(22, '2')}",
        )), "TXN_ID")

    def mandate_id(self, bank: _Bank) -> _Slot:
        return _neg(f"{bank.code}7{self.digits(15)}", "MANDATE_ID")

    def atm_id(self) -> _Slot:
        return _neg(self.pick(("S1AW", "S1BW", "S5NA", "SPCN", "DCAN")) + self.digits(6), "ATM_ID")

    def otp(self) -> _Slot:
        return _neg(self.digits(6), "OTP")

    def cheque_no(self) -> _Slot:
        return _neg(f"{self.rng.randint(1, 999999):06d}", "CHEQUE_NO")

    def helpline(self) -> _Slot:
        return _neg(self.pick((f"1800{self.digits(7)}", f"1800-{self.digits(3)}-{self.digits(4)}",
                               f"1800 {self.digits(3)} {self.digits(4)}")), "HELPLINE")

    def amount(self, *, currency: bool = True) -> _Slot:
        rupees = min(max(int(self.rng.lognormvariate(7.2, 1.5)), 10), 50_00_000)  # median ~1,300
        paise = self.pick(("", f".{self.rng.randint(0, 99):02d}", ".00"))
        grouped = _indian_grouping(rupees) if self.chance(0.8) else str(rupees)
        if not currency:
            return _neg(f"{grouped}.{self.rng.randint(0, 99):02d}", "AMOUNT")
        symbol = self.pick(("Rs ", "Rs.", "Rs. ", "INR ", "₹ ", "₹"))
        return _neg(f"{symbol}{grouped}{paise}", "AMOUNT")

    def txn_day(self) -> date:
        return date(2025, 1, 1) + timedelta(days=self.rng.randrange(696))

    def txn_date(self) -> _Slot:
        return _neg(self.txn_day().strftime(self.pick(_TXN_DATE_FORMATS)), "DATE")

    def masked_aadhaar(self) -> _Slot:
        last4 = self.aadhaar_number()[-4:]
        return _neg(self.pick((f"XXXX XXXX {last4}", f"xxxx xxxx {last4}", f"XXXX-XXXX-{last4}",
                               f"********{last4}")), "MASKED_AADHAAR")

    def masked_account(self) -> _Slot:
        last4 = self.digits(4)
        return _neg(self.pick((f"XX{last4}", f"XXXXXXXX{last4}", f"*{last4}", f"xxxxxx{last4}",
                               f"XXXXXXXXXX{last4}")), "MASKED_ACCOUNT")

    def masked_card(self) -> _Slot:
        n = self.card_number()
        return _neg(self.pick((f"XXXX XXXX XXXX {n[12:]}", f"{n[:4]}XXXXXXXX{n[12:]}",
                               f"{n[:6]}******{n[12:]}", f"XX{n[12:]}")), "MASKED_CARD")

    def masked_pan(self) -> _Slot:
        pan = self.pan_number()
        return _neg(self.pick((f"{pan[:5]}XXXX{pan[9]}", f"{pan[:4]}XXXX{pan[8:]}")), "MASKED_PAN")

    def note(self) -> str:
        return self.pick(_NOTES)


# --- templates: bank SMS alerts ---------------------------------------------------------------

_Template = Callable[[_Values], tuple[str, _Slots]]


def _sms_upi_debit(v: _Values) -> tuple[str, _Slots]:
    payee = v.person()
    slots = {"amt": v.amount(), "acct": v.masked_account(), "date": v.txn_date(), "rrn": v.rrn(),
             "vpa": v.vpa(payee), "name": v.name(payee, upper=True), "bank": v.bank().short,
             "help": v.helpline()}
    return v.pick((
        "{amt} debited from A/c {acct} on {date} to VPA {vpa} UPI Ref {rrn}. Not you? Call {help}"
        " -{bank}",
        "Dear Customer, {amt} debited from A/c {acct} on {date} trf to {name} Refno {rrn}."
        " If not u? call {help}. -{bank}",
        "Sent {amt} From {bank} Bank A/C {acct} To {name} On {date} Ref {rrn} Not You?"
        " Call {help}",
        "Your {bank} a/c {acct} is debited for {amt} on {date}; {vpa} credited. UPI Ref No {rrn}",
    )), slots


def _sms_upi_credit(v: _Values) -> tuple[str, _Slots]:
    payer = v.person()
    slots = {"amt": v.amount(), "acct": v.masked_account(), "date": v.txn_date(), "rrn": v.rrn(),
             "vpa": v.vpa(payer), "name": v.name(payer, upper=v.chance(0.5)),
             "bank": v.bank().short, "bal": v.amount()}
    return v.pick((
        "Your A/c {acct} credited with {amt} on {date} by VPA {vpa} (UPI Ref No {rrn}) -{bank}",
        "Dear Customer, {amt} credited to a/c {acct} on {date} by a/c linked to VPA {vpa}"
        " (UPI Ref no {rrn}). Avl Bal {bal}",
        "{amt} received from {name} ({vpa}) in your {bank} A/c {acct} on {date}. RRN {rrn}",
    )), slots


def _sms_neft_credit(v: _Values) -> tuple[str, _Slots]:
    payer, bank = v.person(), v.bank()
    slots = {"amt": v.amount(), "acct": v.masked_account(), "date": v.txn_date(),
             "utr": v.neft_utr(bank), "name": v.name(payer, upper=True), "bal": v.amount(),
             "note": v.pick(("salary", "rent", "refund", "invoice", "reimbursement"))}
    return v.pick((
        "{amt} credited to A/c no. {acct} on {date} through NEFT with UTR {utr} by {name},"
        " INFO: {note}. Avl Bal {bal}",
        "NEFT credit of {amt} from {name} received in a/c {acct} on {date}. UTR {utr}",
    )), slots


def _sms_imps_debit(v: _Values) -> tuple[str, _Slots]:
    bank, payee = v.bank(), v.person()
    slots = {"amt": v.amount(), "acct": v.masked_account(), "to": v.bank_account(bank),
             "ifsc": v.ifsc(bank), "rrn": v.rrn(), "date": v.txn_date(),
             "name": v.name(payee, upper=v.chance(0.5))}
    return v.pick((
        "IMPS of {amt} from A/c {acct} to A/c {to} (IFSC {ifsc}) Ref {rrn} done on {date}.",
        "{amt} transferred via IMPS to beneficiary {name}, a/c no {to}, IFSC {ifsc}."
        " IMPS Ref No {rrn}",
    )), slots


def _sms_card_spend(v: _Values) -> tuple[str, _Slots]:
    slots = {"amt": v.amount(), "card": v.masked_card(), "date": v.txn_date(),
             "merchant": v.pick(_MERCHANTS), "limit": v.amount(), "otp": v.otp(),
             "bank": v.bank().short}
    return v.pick((
        "{amt} spent on your {bank} Bank Card {card} at {merchant} on {date}. Avl Lmt: {limit}",
        "{otp} is the OTP for txn of {amt} at {merchant} on card {card}. Valid for 10 mins."
        " Do not share it with anyone. -{bank}",
    )), slots


def _sms_atm(v: _Values) -> tuple[str, _Slots]:
    slots = {"amt": v.amount(), "atm": v.atm_id(), "acct": v.masked_account(),
             "date": v.txn_date(), "bal": v.amount(), "card": v.masked_card()}
    return v.pick((
        "{amt} withdrawn at ATM {atm} from A/c {acct} on {date}. Avl bal {bal}",
        "Cash withdrawal of {amt} using card {card} at {atm} on {date}. Not you? Block card now",
    )), slots


def _sms_wallet(v: _Values) -> tuple[str, _Slots]:
    payee = v.person()
    slots = {"amt": v.amount(), "merchant": v.pick(_MERCHANTS).title(), "txn": v.txn_id(),
             "bal": v.amount(), "name": v.name(payee), "phone": v.phone(), "date": v.txn_date()}
    return v.pick((
        "Paid {amt} to {merchant} from Paytm Wallet. Txn ID: {txn}. Updated balance: {bal}",
        "{amt} sent to {name} ({phone}) from your wallet on {date}. Transaction ID {txn}",
        "Refund of {amt} for txn {txn} is credited to your wallet linked to {phone}",
    )), slots


def _sms_premium(v: _Values) -> tuple[str, _Slots]:
    holder = v.person()
    slots = {"amt": v.amount(), "policy": v.policy_no(), "date": v.txn_date(),
             "title": v.honorific(holder), "name": v.name(holder),
             "mandate": v.mandate_id(v.bank())}
    return v.pick((
        "Premium of {amt} for policy {policy} received on {date}. Thank you, {title} {name}.",
        "Dear {title} {name}, auto-debit of {amt} (UMRN {mandate}) for policy no {policy}"
        " is due on {date}.",
    )), slots


# --- templates: statement narrations ----------------------------------------------------------


def _statement_row(v: _Values, narration: str, slots: _Slots) -> tuple[str, _Slots]:
    """A narration as exported statement rows carry it: with date, amount and balance, or bare."""
    row = v.pick((
        "{row_date} {narration} {row_amt} Dr {row_bal}",
        "{row_date} | {narration} | {row_amt} | Bal {row_bal}",
        "Txn dt {row_date}: {narration} amt {row_amt}",
        "{narration}",
    ))
    row_slots = {"row_date": v.txn_date(), "row_amt": v.amount(currency=False),
                 "row_bal": v.amount(currency=False)}
    return row.replace("{narration}", narration), {**slots, **row_slots}


def _narr_upi(v: _Values) -> tuple[str, _Slots]:
    party, bank = v.person(), v.bank()
    slots = {"rrn": v.rrn(), "name": v.name(party, upper=True, truncate=True),
             "bank": bank.short, "vpa": v.vpa(party), "note": v.note(), "ifsc": v.ifsc(bank),
             "dir": v.pick(("DR", "CR"))}
    return _statement_row(v, v.pick((
        "UPI/{dir}/{rrn}/{name}/{bank}/{vpa}/{note}",
        "UPI/{rrn}/{name}/{vpa}/{bank}/{note}",
        "UPI-{name}-{vpa}-{ifsc}-{rrn}-{note}",
        "UPI/P2A/{rrn}/{name}/{bank}/{note}",
    )), slots)


def _narr_upi_merchant(v: _Values) -> tuple[str, _Slots]:
    slots = {"rrn": v.rrn(), "merchant": v.pick(_MERCHANTS), "vpa": v.merchant_vpa(),
             "bank": v.bank().short, "order": v.order_id()}
    return _statement_row(v, v.pick((
        "UPI/P2M/{rrn}/{merchant}/{bank}/{vpa}/Order {order}",
        "UPI/DR/{rrn}/{merchant}/{bank}/{vpa}/UPI",
    )), slots)


def _narr_neft(v: _Values) -> tuple[str, _Slots]:
    party, bank = v.person(), v.bank()
    slots = {"utr": v.neft_utr(bank), "name": v.name(party, upper=True, truncate=True),
             "bank": bank.short, "ifsc": v.ifsc(bank), "note": v.note().upper()}
    return _statement_row(v, v.pick((
        "NEFT/{utr}/{name}/{bank}",
        "NEFT CR-{ifsc}-{name}-{note}-{utr}",
        "NEFT DR-{ifsc}-{name}-NETBANK, MUM-{utr}-{note}",
        "BY TRANSFER-NEFT*{ifsc}*{utr}*{name}",
    )), slots)


def _narr_imps(v: _Values) -> tuple[str, _Slots]:
    party, bank = v.person(), v.bank()
    slots = {"rrn": v.rrn(), "name": v.name(party, upper=True, truncate=True),
             "bank": bank.short, "ifsc": v.ifsc(bank), "acct": v.masked_account(),
             "note": v.note()}
    return _statement_row(v, v.pick((
        "IMPS/P2A/{rrn}/{name}/{bank}/{acct}/{note}",
        "MMT/IMPS/{rrn}/{name}/{ifsc}",
        "IMPS-{rrn}-{name}-{bank}-{acct}-{note}",
    )), slots)


def _narr_rtgs(v: _Values) -> tuple[str, _Slots]:
    party, bank = v.person(), v.bank()
    slots = {"utr": v.rtgs_utr(bank), "name": v.name(party, upper=True, truncate=True),
             "ifsc": v.ifsc(bank)}
    return _statement_row(v, v.pick(("RTGS/{utr}/{name}", "RTGS CR-{ifsc}-{name}-{utr}")), slots)


def _narr_atm_pos(v: _Values) -> tuple[str, _Slots]:
    slots = {"place": v.pick(_ATM_PLACES), "atm": v.atm_id(), "card": v.masked_card(),
             "merchant": v.pick(_MERCHANTS), "date": v.txn_date()}
    return _statement_row(v, v.pick((
        "ATM/CASH WDL/{place}/{atm}",
        "ATW-{card}-{atm}-{place}",
        "POS/{merchant}/{card}",
        "POS {card} {merchant} {date}",
    )), slots)


def _narr_transfer(v: _Values) -> tuple[str, _Slots]:
    party, bank = v.person(), v.bank()
    slots = {"acct": v.bank_account(bank), "name": v.name(party, upper=True),
             "cheque": v.cheque_no(), "mandate": v.mandate_id(bank),
             "lender": v.pick(("BAJAJ FINANCE LTD", "HDB FINANCIAL", "TATA CAPITAL LTD"))}
    return _statement_row(v, v.pick((
        "IB FUNDS TRANSFER DR-A/C {acct}-{name}",
        "INB TRF TO A/C {acct} {name}",
        "CHQ DEP/{cheque}/{name}/CTS CLG",
        "TO CLG CHQ NO {cheque} {name}",
        "ACH D- {lender}-{mandate}",
    )), slots)


# --- templates: KYC notes ---------------------------------------------------------------------


def _kyc_individual(v: _Values) -> tuple[str, _Slots]:
    person = v.person()
    slots = {"name": v.name(person), "pan": v.pan(person), "aadhaar": v.aadhaar(),
             "dob": v.dob(), "phone": v.phone(), "title": v.honorific(person)}
    return v.pick((
        "KYC verified: name: {name}, PAN {pan}, Aadhaar {aadhaar}, DOB {dob}, mobile {phone}",
        "eKYC done for {title} {name} (DOB: {dob}); aadhaar no. {aadhaar} matched, PAN {pan}"
        " linked",
        "Customer {name} | PAN: {pan} | UID: {aadhaar} | Date of birth: {dob} | Mob: {phone}",
    )), slots


def _kyc_address(v: _Values) -> tuple[str, _Slots]:
    person = v.person()
    slots = {"epic": v.epic(), "addr": v.address(), "pin": v.pincode(), "dob": v.dob(),
             "name": v.name(person), "date": v.txn_date()}
    return v.pick((
        "Address proof: Voter ID {epic}; address: {addr} - {pin}; DOB {dob}",
        "OVD collected on {date} for {name}: EPIC no {epic}, residing at {addr}, PIN {pin}",
        "Name: {name}, voter id card {epic}, born on {dob}, address {addr} {pin}",
    )), slots


def _kyc_vid(v: _Values) -> tuple[str, _Slots]:
    person = v.person()
    slots = {"vid": v.vid(), "masked": v.masked_aadhaar(), "name": v.name(person),
             "date": v.txn_date(), "ticket": v.ticket()}
    return v.pick((
        "Customer shared Aadhaar VID {vid} instead of the number for eKYC; masked Aadhaar"
        " {masked} on record",
        "Offline eKYC for {name} on {date}: VID {vid}, stored reference {masked} only",
        "Ticket {ticket}: {name} wants to use Virtual ID {vid} for re-KYC, Aadhaar on file"
        " {masked}",
    )), slots


def _kyc_business(v: _Values) -> tuple[str, _Slots]:
    owner, bank = v.person(), v.bank()
    slots = {"gstin": v.gstin(), "title": v.honorific(owner), "name": v.name(owner),
             "pan": v.pan(owner), "ifsc": v.ifsc(bank), "acct": v.bank_account(bank),
             "email": v.email(owner)}
    return v.pick((
        "GST registration: GSTIN {gstin}, proprietor {title} {name}, PAN {pan}, IFSC {ifsc},"
        " current a/c {acct}",
        "Merchant onboarding - GSTIN {gstin}; settlement account no {acct} ({ifsc});"
        " contact {email}",
        "Current account opened for {name}, GST no {gstin}, proprietor PAN {pan}, A/c {acct}",
    )), slots


def _kyc_travel_docs(v: _Values) -> tuple[str, _Slots]:
    person = v.person()
    slots = {"passport": v.passport(), "dl": v.driving_licence(), "dob": v.dob(),
             "name": v.name(person), "title": v.honorific(person),
             "expiry": _neg(str(v.rng.randint(2027, 2036)), "DATE")}
    return v.pick((
        "NRI KYC: passport {passport} (exp {expiry}), driving licence {dl}, born on {dob}",
        "{title} {name} submitted passport no. {passport} and DL no {dl}; date of birth {dob}",
        "Name: {name} | Passport: {passport} | DL: {dl} | DOB: {dob}",
    )), slots


def _kyc_vehicle(v: _Values) -> tuple[str, _Slots]:
    owner = v.person()
    slots = {"reg": v.vehicle_reg(), "title": v.honorific(owner), "name": v.name(owner),
             "policy": v.policy_no(), "emi": v.amount(), "phone": v.phone(),
             "dl": v.driving_licence()}
    return v.pick((
        "Vehicle loan: reg no {reg}, borrower {title} {name}, insurance policy {policy},"
        " EMI {emi}",
        "RC verified for {reg} (owner {name}), owner's DL {dl}",
        "FASTag KYC: vehicle {reg}, mobile {phone}, customer {name}",
    )), slots


def _kyc_payroll(v: _Values) -> tuple[str, _Slots]:
    employee, bank = v.person(), v.bank()
    slots = {"uan": v.uan(), "name": v.name(employee), "acct": v.bank_account(bank),
             "ifsc": v.ifsc(bank), "pan": v.pan(employee), "amt": v.amount()}
    return v.pick((
        "Salary account KYC: UAN {uan}, employee name: {name}, a/c no {acct}, IFSC {ifsc}",
        "EPF withdrawal for UAN {uan}: member {name}, PAN {pan}, bank account number {acct}"
        " ({ifsc}), amount {amt}",
    )), slots


def _kyc_card_dispute(v: _Values) -> tuple[str, _Slots]:
    holder = v.person()
    slots = {"card": v.card(), "amt": v.amount(), "date": v.txn_date(),
             "title": v.honorific(holder), "name": v.name(holder), "email": v.email(holder),
             "ticket": v.ticket(), "merchant": v.pick(_MERCHANTS)}
    return v.pick((
        "Dispute raised for card {card} txn of {amt} on {date}; cardholder {title} {name},"
        " email {email}",
        "Chargeback {ticket}: debit card no {card}, {amt} at {merchant}, customer {name}",
        "Card replacement request: old card number {card}, holder {name}, ref {ticket}",
    )), slots


def _kyc_insurance(v: _Values) -> tuple[str, _Slots]:
    insured, nominee, bank = v.person(), v.person(), v.bank()
    slots = {"policy": v.policy_no(), "title": v.honorific(insured), "name": v.name(insured),
             "dob": v.dob(), "nominee": v.name(nominee), "ntitle": v.honorific(nominee),
             "acct": v.bank_account(bank), "ifsc": v.ifsc(bank), "amt": v.amount()}
    return v.pick((
        "Claim for policy no {policy}, insured {title} {name}, DOB {dob}, nominee {ntitle}"
        " {nominee}, payout a/c {acct} IFSC {ifsc}",
        "Maturity {amt} for policy {policy} to be credited to account no. {acct} ({ifsc}) of"
        " {name}",
    )), slots


# --- templates: support chats and e-mail ------------------------------------------------------


def _chat_wrong_transfer(v: _Values) -> tuple[str, _Slots]:
    me, other, bank = v.person(), v.person(), v.bank()
    slots = {"amt": v.amount(), "vpa": v.vpa(other), "rrn": v.rrn(), "acct": v.bank_account(bank),
             "date": v.txn_date(), "ticket": v.ticket(), "name": v.name(me)}
    return v.pick((
        "Customer: I paid {amt} to wrong UPI id {vpa}, ref no {rrn}. please refund to my"
        " a/c {acct}",
        "Agent: complaint {ticket} logged for {amt} sent on {date} to {vpa} (RRN {rrn})",
        "Hi, this is {name}. Money {amt} debited on {date} but {vpa} did not get it. UTR {rrn}",
    )), slots


def _chat_contact_update(v: _Values) -> tuple[str, _Slots]:
    person = v.person()
    slots = {"old": v.phone(), "new": v.phone(), "email": v.email(person),
             "name": v.name(person), "ticket": v.ticket()}
    return v.pick((
        "Please update my mobile from {old} to {new}, registered email {email}",
        "Customer {name} requests mobile number change to {new}; OTP sent to {email}",
        "Ticket {ticket}: email id changed to {email} for {name}, mobile {new} verified",
    )), slots


def _chat_card_delivery(v: _Values) -> tuple[str, _Slots]:
    person = v.person()
    slots = {"card": v.masked_card(), "addr": v.address(), "pin": v.pincode(),
             "name": v.name(person), "phone": v.phone(), "title": v.honorific(person)}
    return v.pick((
        "Agent: blocked card ending {card}. Customer asked to send new card to {addr},"
        " PIN {pin}",
        "Deliver replacement card to {title} {name}, {addr} - {pin}, contact {phone}",
        "Courier returned card {card}: address {addr} {pin} incomplete, call {phone}",
    )), slots


def _chat_security(v: _Values) -> tuple[str, _Slots]:
    person = v.person()
    slots = {"device": v.device_id(), "ip": v.ip_address(), "geo": v.geo(),
             "email": v.email(person), "date": v.txn_date(), "name": v.name(person)}
    return v.pick((
        "Login from new device: device id {device}, IP {ip}, location {geo} for user {email}",
        "Risk alert on {date}: device {device} at lat,long {geo} from IP {ip} for {name}",
        "App fraud report: IMEI/device id {device}, IP {ip}, GPS {geo}",
    )), slots


def _chat_hinglish_upi(v: _Values) -> tuple[str, _Slots]:
    me, other = v.person(), v.person()
    slots = {"vpa": v.vpa(me), "amt": v.amount(), "phone": v.phone(), "rrn": v.rrn(),
             "name": v.name(other), "other_vpa": v.vpa(other)}
    return v.pick((
        "mera UPI id hai {vpa}, usme {amt} bhej do",
        "bhaiya maine {amt} galat number {phone} pe bhej diye UPI se, UTR {rrn}, wapas kara do",
        "{name} ko {other_vpa} pe {amt} bheje the, ref no {rrn}, abhi tak nahi pahunche",
        "sir mera upi {vpa} block ho gaya hai, mobile {phone} se link tha",
    )), slots


def _chat_hinglish_account(v: _Values) -> tuple[str, _Slots]:
    bank = v.bank()
    slots = {"acct": v.bank_account(bank), "ifsc": v.ifsc(bank), "rrn": v.rrn(),
             "amt": v.amount(), "date": v.txn_date()}
    return v.pick((
        "khata number {acct} hai aur IFSC {ifsc}, paise abhi tak nahi aaye, ref no {rrn}",
        "mera account no {acct} hai {bank} mein, {date} ko {amt} kat gaye",
        "refund isi khate mein daalo: {acct}, IFSC code {ifsc}",
    )), {**slots, "bank": bank.short}


def _chat_hinglish_kyc(v: _Values) -> tuple[str, _Slots]:
    person = v.person()
    slots = {"aadhaar": v.aadhaar(), "pan": v.pan(person), "dob": v.dob(), "name": v.name(person),
             "phone": v.phone(), "masked": v.masked_pan()}
    return v.pick((
        "aadhaar number {aadhaar} hai mera, KYC pending kyu dikha raha hai?",
        "PAN card {pan} ka KYC update karna hai, janam tithi {dob}",
        "mera naam {name} hai, mobile {phone} pe OTP nahi aa raha",
        "mera naam {name} hai aur PAN {pan} hai, app mein {masked} dikh raha hai",
        "aadhar {aadhaar} se link karna hai, DOB {dob}, naam {name}",
    )), slots


def _chat_hinglish_card(v: _Values) -> tuple[str, _Slots]:
    slots = {"card": v.card(), "amt": v.amount(), "masked": v.masked_card(),
             "order": v.order_id(), "merchant": v.pick(_MERCHANTS).title()}
    return v.pick((
        "mera card {card} se {amt} kat gaye, order {order} cancel hua tha",
        "card ending {masked} block kar do please, {merchant} pe {amt} ka fraud hua",
        "naya card no {card} activate nahi ho raha",
    )), slots


def _email_kyc(v: _Values) -> tuple[str, _Slots]:
    person = v.person()
    slots = {"email": v.email(person), "pan": v.pan(person), "passport": v.passport(),
             "name": v.name(person), "phone": v.phone(), "aadhaar": v.aadhaar(), "epic": v.epic()}
    return v.pick((
        "From: {email} | Subject: KYC docs | Hi, PFA my PAN {pan} and passport {passport}."
        " Regards, {name}, {phone}",
        "From: {email} | Subject: Re: address update | Aadhaar {aadhaar} and voter id {epic}"
        " attached. Thanks, {name}",
    )), slots


def _email_order(v: _Values) -> tuple[str, _Slots]:
    person = v.person()
    slots = {"order": v.order_id(), "title": v.honorific(person), "name": v.name(person),
             "addr": v.address(), "pin": v.pincode(), "phone": v.phone(), "amt": v.amount(),
             "email": v.email(person), "date": v.txn_date()}
    return v.pick((
        "Order {order} shipped to {title} {name}, {addr} {pin}, ph {phone}",
        "Invoice for order {order}: {amt} paid on {date} by {email}. Ship to {addr}, {pin}",
    )), slots


def _email_statement(v: _Values) -> tuple[str, _Slots]:
    person, bank = v.person(), v.bank()
    slots = {"title": v.honorific(person), "name": v.name(person), "acct": v.bank_account(bank),
             "month": v.pick(("Jul 2026", "Aug 2026", "Sep 2026", "Oct 2026")),
             "masked": v.masked_account(), "email": v.email(person), "bal": v.amount()}
    return v.pick((
        "Dear {title} {name}, your statement for a/c no {acct} for {month} is attached.",
        "Statement of account {masked} for {month} sent to {email}. Closing balance {bal}",
    )), slots


_TEMPLATES: tuple[tuple[_Template, int], ...] = (
    (_sms_upi_debit, 3), (_sms_upi_credit, 3), (_sms_neft_credit, 2), (_sms_imps_debit, 2),
    (_sms_card_spend, 1), (_sms_atm, 1), (_sms_wallet, 1), (_sms_premium, 1),
    (_narr_upi, 5), (_narr_upi_merchant, 2), (_narr_neft, 3), (_narr_imps, 2), (_narr_rtgs, 1),
    (_narr_atm_pos, 1), (_narr_transfer, 2),
    (_kyc_individual, 2), (_kyc_address, 2), (_kyc_vid, 2), (_kyc_business, 2),
    (_kyc_travel_docs, 2), (_kyc_vehicle, 2), (_kyc_payroll, 1), (_kyc_card_dispute, 2),
    (_kyc_insurance, 1),
    (_chat_wrong_transfer, 2), (_chat_contact_update, 2), (_chat_card_delivery, 2),
    (_chat_security, 2), (_chat_hinglish_upi, 2), (_chat_hinglish_account, 2),
    (_chat_hinglish_kyc, 2), (_chat_hinglish_card, 2),
    (_email_kyc, 1), (_email_order, 1), (_email_statement, 1),
)
"""Templates and their relative frequency: narrations and alerts dominate real bank text."""


# --- public API -------------------------------------------------------------------------------


def generate_corpus(n: int = DEFAULT_SIZE, *, seed: int = DEFAULT_SEED) -> list[LabelledText]:
    """``n`` labelled texts, the same for the same ``seed`` (and Faker version)."""
    values = _Values(seed)
    templates = [template for template, _ in _TEMPLATES]
    weights = [weight for _, weight in _TEMPLATES]
    corpus = []
    for i in range(n):
        template = values.rng.choices(templates, weights)[0]
        pattern, slots = template(values)
        text, spans, negatives = _fill(pattern, slots)
        corpus.append(LabelledText(f"{i:05d}{template.__name__}", text, tuple(spans),
                                   tuple(negatives)))
    return corpus


def write_jsonl(corpus: Iterable[LabelledText], path: str | Path) -> None:
    """One JSON object per line: ``{"id", "text", "spans": [...], "hard_negatives": [...]}``."""
    with Path(path).open("w", encoding="utf-8") as out:
        for item in corpus:
            out.write(json.dumps(asdict(item), ensure_ascii=False) + "\n")


def read_jsonl(path: str | Path) -> list[LabelledText]:
    """The corpus :func:`write_jsonl` wrote."""
    with Path(path).open(encoding="utf-8") as lines:
        return [_from_dict(json.loads(line)) for line in lines if line.strip()]


def _from_dict(record: dict[str, Any]) -> LabelledText:
    return LabelledText(
        id=record["id"], text=record["text"],
        spans=tuple(LabelledSpan(**span) for span in record["spans"]),
        hard_negatives=tuple(HardNegative(**neg) for neg in record["hard_negatives"]),
    )


def corpus_stats(corpus: Sequence[LabelledText]) -> dict[str, Any]:
    """Counts for reports: texts, characters, spans per type, hard negatives per kind."""
    lengths = [len(item.text) for item in corpus]
    spans = Counter(span.type for item in corpus for span in item.spans)
    negatives = Counter(neg.kind for item in corpus for neg in item.hard_negatives)
    return {
        "texts": len(corpus),
        "chars": {"min": min(lengths, default=0), "max": max(lengths, default=0),
                  "mean": round(sum(lengths) / len(lengths), 1) if lengths else 0.0},
        "spans": dict(sorted(spans.items())),
        "hard_negatives": dict(sorted(negatives.items())),
    }

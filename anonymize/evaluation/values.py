"""Synthetic values for the PII corpus: identifiers valid for their format and checksum.

One seeded :class:`Values` draws every value, so a seed fixes the whole corpus. Each value comes
as a :class:`Slot`: personal data of a type, a hard negative of a kind, or plain text.
"""

from __future__ import annotations

import random
import re
import string
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

from faker import Faker
from stdnum import luhn, verhoeff

__all__ = ["ATM_PLACES", "MERCHANTS", "Slot", "Slots", "Values", "neg", "pii"]

# --- template slots ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """A template slot's value: personal data of ``type``, a hard negative of ``kind``, or text."""

    value: str
    type: str | None = None
    kind: str | None = None


def pii(value: str, entity_type: str) -> Slot:
    return Slot(value, type=entity_type)


def neg(value: str, kind: str) -> Slot:
    return Slot(value, kind=kind)


Slots = Mapping[str, "Slot | str"]
_GSTIN_ALPHABET = string.digits + string.ascii_uppercase


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
MERCHANTS = (
    "AMAZON PAY INDIA", "FLIPKART INTERNET", "SWIGGY", "ZOMATO LTD", "RELIANCE RETAIL",
    "BIG BAZAAR", "DMART AVENUE", "IRCTC", "MAKEMYTRIP", "BHARAT PETROLEUM", "APOLLO PHARMACY",
    "TATA CLIQ", "MYNTRA DESIGNS", "BOOKMYSHOW", "JIO PREPAID",
)
ATM_PLACES = (
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


class Values:
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

    def name(self, person: _Person, *, upper: bool = False, truncate: bool = False) -> Slot:
        """The person's name; narrations print it upper-case and sometimes cut at 12 chars."""
        name = person.full.upper() if upper else person.full
        if truncate and len(name) > 12 and self.chance(0.3):
            name = name[:12].rstrip()
        return pii(name, "PERSON")

    def honorific(self, person: _Person) -> str:
        return self.pick(("Ms", "Smt", "Mrs", "Ms.")) if person.female else self.pick(
            ("Mr", "Shri", "Mr.", "Sri"))

    def address(self) -> Slot:
        lines = [*self._faker.street_address().split("\n"), self._faker.city()]
        return pii(", ".join(line.strip() for line in lines), "ADDRESS")

    def pincode(self) -> Slot:
        number = self.digits(6, "12345678")
        return pii(f"{number[:3]} {number[3:]}" if self.chance(0.1) else number, "PINCODE")

    def dob(self) -> Slot:
        born = date(1955, 1, 1) + timedelta(days=self.rng.randrange(19000))
        return pii(born.strftime(self.pick(_DOB_FORMATS)), "DATE_OF_BIRTH")

    # contact points

    def mobile(self) -> str:
        return self.digits(10, "6789")

    def phone(self, mobile: str | None = None) -> Slot:
        m = mobile or self.mobile()
        return pii(self.pick((
            f"+91 {m[:5]} {m[5:]}", f"+91-{m}", f"+91{m}", f"+91 {m}", f"0{m}", f"{m[:5]}-{m[5:]}",
            f"{m[:5]} {m[5:]}", m, m, m,
        )), "PHONE_IN")

    def vpa(self, person: _Person | None = None) -> Slot:
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
        return pii(f"{local}@{handle}", "UPI_VPA")

    def merchant_vpa(self) -> Slot:
        return pii(self.pick((
            f"bharatpe.{self.digits(10, '6789')}@fbpe", f"paytmqr{self.digits(12)}@paytm",
            f"q{self.digits(9)}@ybl", f"gpay-{self.digits(11, '1')}@okbizaxis",
        )), "UPI_VPA")

    def email(self, person: _Person) -> Slot:
        first, last = _ascii_lower(person.first), _ascii_lower(person.last)
        local = self.pick((
            f"{first}.{last}", f"{first}{last}{self.rng.randint(1, 99)}", f"{first[0]}{last}",
            f"{first}_{last[0]}", f"{last}.{first}", f"{first}.{last}.{self.rng.randint(80, 99)}",
        ))
        domain = self.pick((*_MAIL_DOMAINS, f"{last}traders.in", f"{last}-associates.co.in"))
        return pii(f"{local}@{domain}", "EMAIL")

    # government identifiers

    def aadhaar_number(self) -> str:
        while True:
            body = self.digits(11, "23456789")
            number = body + verhoeff.calc_check_digit(body)
            if number != number[::-1]:
                return number

    def aadhaar(self) -> Slot:
        n = self.aadhaar_number()
        return pii(self.pick((" ", " ", "-", "")).join((n[:4], n[4:8], n[8:])), "AADHAAR")

    def vid(self) -> Slot:
        body = self.digits(15, "23456789")
        n = body + verhoeff.calc_check_digit(body)
        return pii(" ".join((n[:4], n[4:8], n[8:12], n[12:])) if self.chance(0.6) else n,
                    "AADHAAR_VID")

    def pan_number(self, holder: str = "P", initial: str | None = None) -> str:
        serial = f"{self.rng.randint(1, 9999):04d}"
        return self.letters(3) + holder + (initial or self.letters(1)) + serial + self.letters(1)

    def pan(self, person: _Person | None = None) -> Slot:
        if person is None:
            return pii(self.pan_number(self.pick("CFHATP")), "PAN")
        initial = _ascii_lower(person.last)[0].upper()
        return pii(self.pan_number("P", initial), "PAN")

    def gstin(self) -> Slot:
        body = f"{self.rng.randint(1, 37):02d}{self.pan_number(self.pick('CFPHC'))}"
        body += self.pick("1111123") + "Z"
        return pii(body + luhn.calc_check_digit(body, _GSTIN_ALPHABET), "GSTIN")

    def epic(self) -> Slot:
        serial = self.digits(6)
        return pii(self.letters(3) + serial + luhn.calc_check_digit(serial), "VOTER_ID")

    def passport(self) -> Slot:
        return pii(self.pick("ABCJKLMNPRSTUVW") + self.digits(7, "123456789"), "PASSPORT_IN")

    def driving_licence(self) -> Slot:
        state, low, high = self.pick(_RTO_RANGES)
        year = self.rng.randint(1990, 2025)
        sep = self.pick(("", "", " ", "-"))
        return pii(f"{state}{self.rng.randint(low, high):02d}{sep}{year}{self.digits(7)}",
                    "DRIVING_LICENCE_IN")

    def vehicle_reg(self) -> Slot:
        if self.chance(0.15):  # Bharat series: year, BH, 4 digits, letters without I and O
            suffix = "".join(self.rng.choices("ABCDEFGHJKLMNPQRSTUVWXYZ", k=2))
            return pii(f"{self.rng.randint(21, 26)}BH{self.rng.randint(1, 9999):04d}{suffix}",
                        "VEHICLE_REG_IN")
        state, low, high = self.pick(_RTO_RANGES)
        rto = self.rng.randint(low, high)
        parts = (state, str(rto) if state == "DL" else f"{rto:02d}",
                 self.letters(self.pick((1, 2, 2, 2))), f"{self.rng.randint(1, 9999):04d}")
        return pii(self.pick(("", "", " ", "-")).join(parts), "VEHICLE_REG_IN")

    # financial identifiers

    def ifsc(self, bank: _Bank) -> Slot:
        branch = self.digits(6) if self.chance(0.85) else self.letters(2) + self.digits(4)
        return pii(f"{bank.code}0{branch}", "IFSC")

    def bank_account(self, bank: _Bank) -> Slot:
        length = bank.account_digits if self.chance(0.85) else self.rng.randint(9, 18)
        return pii(self.digits(length, "123456789"), "BANK_ACCOUNT")

    def card_number(self) -> str:
        prefix = self.pick(_CARD_PREFIXES)
        if prefix == "2":  # Mastercard 2-series BINs
            prefix = str(self.rng.randint(2221, 2720))
        body = prefix + self.digits(15 - len(prefix))
        return body + luhn.calc_check_digit(body)

    def card(self) -> Slot:
        n = self.card_number()
        sep = self.pick((" ", " ", "", "-"))
        return pii(sep.join((n[:4], n[4:8], n[8:12], n[12:])), "CARD_NUMBER")

    # devices and places

    def ip_address(self) -> Slot:
        if self.chance(0.15):
            groups = ["2409", f"40{self.rng.randint(0, 0xff):02x}"]
            groups += [f"{self.rng.randint(0, 0xffff):x}" for _ in range(6)]
            return pii(":".join(groups), "IP_ADDRESS")
        first = self.pick((49, 103, 106, 117, 122, 157, 182, 223, 27, 42))
        rest = (self.rng.randint(0, 255), self.rng.randint(0, 255), self.rng.randint(1, 254))
        return pii(".".join(map(str, (first, *rest))), "IP_ADDRESS")

    def device_id(self) -> Slot:
        kind = self.pick(("android", "imei", "gaid"))
        if kind == "android":
            return pii(f"{self.rng.getrandbits(64):016x}", "DEVICE_ID")
        if kind == "imei":
            body = self.pick(("35", "86")) + self.digits(12)
            return pii(body + luhn.calc_check_digit(body), "DEVICE_ID")
        return pii(str(uuid.UUID(int=self.rng.getrandbits(128), version=4)), "DEVICE_ID")

    def geo(self) -> Slot:
        places = self.pick((4, 5, 6))
        lat, lon = self.rng.uniform(8.1, 34.5), self.rng.uniform(68.5, 96.5)
        sep = self.pick((", ", ","))
        return pii(f"{lat:.{places}f}{sep}{lon:.{places}f}", "GEO_LOCATION")

    # hard negatives

    def rrn(self, *, verhoeff_valid: bool | None = None) -> Slot:
        """A UPI/IMPS RRN: year digit, day of year, hour, serial. About 1 in 10 passes Verhoeff."""
        valid = self.chance(0.1) if verhoeff_valid is None else verhoeff_valid
        while True:
            body = (self.pick("56") + f"{self.rng.randint(1, 365):03d}"
                    + f"{self.rng.randint(0, 23):02d}" + self.digits(5))
            number = body + (verhoeff.calc_check_digit(body) if valid else self.digits(1))
            if verhoeff.is_valid(number) == valid:
                return neg(number, "RRN")

    def neft_utr(self, bank: _Bank) -> Slot:
        if self.chance(0.5):
            return neg(f"{bank.code}{self.digits(12)}", "UTR")
        return neg(f"{bank.code}N{self.pick(('25', '26'))}{self.rng.randint(1, 365):03d}"
                    f"{self.digits(6)}", "UTR")

    def rtgs_utr(self, bank: _Bank) -> Slot:
        return neg(f"{bank.code}R{self.pick('56')}{self.txn_day():%Y%m%d}{self.digits(8)}", "UTR")

    def uan(self) -> Slot:
        return neg(self.pick(("100", "101")) + self.digits(9), "UAN")

    def order_id(self) -> Slot:
        return neg(self.pick((
            f"OD{self.digits(18, '34')}",
            f"{self.rng.randint(402, 408)}-{self.digits(7)}-{self.digits(7)}",
            f"ORD{self.digits(10)}", f"{self.digits(13, '1')}",
        )), "ORDER_ID")

    def policy_no(self) -> Slot:
        return neg(self.pick((
            self.digits(9, "123456789"), f"POL/{self.rng.randint(2019, 2026)}/{self.digits(8)}",
            f"3005/{self.digits(9)}/00/000", f"OG-{self.rng.randint(20, 26)}-{self.digits(4)}-"
            f"{self.digits(4)}-{self.digits(8)}",
        )), "POLICY_NO")

    def ticket(self) -> Slot:
        return neg(self.pick((
            f"SR{self.digits(8)}", f"TKT-2026-{self.digits(6)}", f"INC{self.digits(7)}",
            f"CMP{self.digits(10)}", f"2026{self.digits(9)}",
        )), "TICKET")

    def txn_id(self) -> Slot:
        alnum = string.ascii_uppercase + string.digits
        return neg(self.pick((
            self.pick(("YBL", "AXL", "ICI", "HDF", "PTM")) + "".join(self.rng.choices(alnum, k=32)),
            f"TXN{self.digits(7)}", f"T{self.digits(22, '2')}",
        )), "TXN_ID")

    def mandate_id(self, bank: _Bank) -> Slot:
        return neg(f"{bank.code}7{self.digits(15)}", "MANDATE_ID")

    def atm_id(self) -> Slot:
        return neg(self.pick(("S1AW", "S1BW", "S5NA", "SPCN", "DCAN")) + self.digits(6), "ATM_ID")

    def otp(self) -> Slot:
        return neg(self.digits(6), "OTP")

    def cheque_no(self) -> Slot:
        return neg(f"{self.rng.randint(1, 999999):06d}", "CHEQUE_NO")

    def helpline(self) -> Slot:
        return neg(self.pick((f"1800{self.digits(7)}", f"1800-{self.digits(3)}-{self.digits(4)}",
                               f"1800 {self.digits(3)} {self.digits(4)}")), "HELPLINE")

    def amount(self, *, currency: bool = True) -> Slot:
        rupees = min(max(int(self.rng.lognormvariate(7.2, 1.5)), 10), 50_00_000)  # median ~1,300
        paise = self.pick(("", f".{self.rng.randint(0, 99):02d}", ".00"))
        grouped = _indian_grouping(rupees) if self.chance(0.8) else str(rupees)
        if not currency:
            return neg(f"{grouped}.{self.rng.randint(0, 99):02d}", "AMOUNT")
        symbol = self.pick(("Rs ", "Rs.", "Rs. ", "INR ", "₹ ", "₹"))
        return neg(f"{symbol}{grouped}{paise}", "AMOUNT")

    def txn_day(self) -> date:
        return date(2025, 1, 1) + timedelta(days=self.rng.randrange(696))

    def txn_date(self) -> Slot:
        return neg(self.txn_day().strftime(self.pick(_TXN_DATE_FORMATS)), "DATE")

    def masked_aadhaar(self) -> Slot:
        last4 = self.aadhaar_number()[-4:]
        return neg(self.pick((f"XXXX XXXX {last4}", f"xxxx xxxx {last4}", f"XXXX-XXXX-{last4}",
                               f"********{last4}")), "MASKED_AADHAAR")

    def masked_account(self) -> Slot:
        last4 = self.digits(4)
        return neg(self.pick((f"XX{last4}", f"XXXXXXXX{last4}", f"*{last4}", f"xxxxxx{last4}",
                               f"XXXXXXXXXX{last4}")), "MASKED_ACCOUNT")

    def masked_card(self) -> Slot:
        n = self.card_number()
        return neg(self.pick((f"XXXX XXXX XXXX {n[12:]}", f"{n[:4]}XXXXXXXX{n[12:]}",
                               f"{n[:6]}******{n[12:]}", f"XX{n[12:]}")), "MASKED_CARD")

    def masked_pan(self) -> Slot:
        pan = self.pan_number()
        return neg(self.pick((f"{pan[:5]}XXXX{pan[9]}", f"{pan[:4]}XXXX{pan[8:]}")), "MASKED_PAN")

    def note(self) -> str:
        return self.pick(_NOTES)



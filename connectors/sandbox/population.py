"""Seeded synthetic Indian population for the sandbox.

The platform's PII detection, tokenisation and consent checks need inputs that look exactly like
real Indian customer records (checksummed Aadhaar numbers, well-formed PANs, VPAs, IFSCs,
pincodes) without ever touching a real person. Everything here is drawn at run time from a seed,
so the same seed always yields the same people and no fixture with personal data is ever stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

import numpy as np
import pandas as pd
from faker import Faker
from stdnum import verhoeff
from stdnum.in_ import aadhaar

from connectors.sandbox.india_geo import APP_HANDLES, BANKS, CITIES

AGE_REFERENCE_DATE = date(2026, 1, 1)
"""Ages (12 to 80, about 6% minors) are measured at this date."""

_MINOR_SHARE = 0.06
_FEMALE_SHARE = 0.48
_OWN_BANK_HANDLE_SHARE = 0.85
_VPA_STYLES = ("dotted", "digits", "mobile", "initial")
_VPA_STYLE_WEIGHTS = (0.40, 0.25, 0.15, 0.20)
_LETTERS = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))

COLUMNS = (
    "customer_id", "name", "gender", "mobile", "aadhaar", "pan", "vpa", "bank_ifsc",
    "account_number", "state", "city", "pincode", "date_of_birth",
)


def generate_population(n_customers: int = 2000, *, seed: int = 20261128) -> pd.DataFrame:
    """Return `n_customers` synthetic Indian bank customers, identical for identical seeds.

    Columns are listed in `COLUMNS`; all are strings except `date_of_birth` (`datetime.date`).
    Mobile, Aadhaar, VPA and account number are unique across the population.
    """
    rng = np.random.default_rng(seed)
    fake = Faker("en_IN")
    fake.seed_instance(seed)
    genders = np.where(rng.random(n_customers) < _FEMALE_SHARE, "F", "M")
    first_names, surnames = _names(fake, genders)
    mobiles = _unique_numbers(lambda at: rng.integers(6 * 10**9, 10**10, len(at)), n_customers)
    banks = rng.choice(len(BANKS), n_customers, p=_weights(b.weight for b in BANKS))
    state, city, pincode = _residences(rng, n_customers)
    return pd.DataFrame({
        "customer_id": [f"C{i:06d}" for i in range(1, n_customers + 1)],
        "name": [f"{f} {s}" for f, s in zip(first_names, surnames, strict=True)],
        "gender": genders.astype(object),
        "mobile": mobiles.astype(str).astype(object),
        "aadhaar": _aadhaar_numbers(rng, n_customers),
        "pan": _pans(rng, surnames),
        "vpa": _vpas(rng, first_names, surnames, mobiles, banks),
        "bank_ifsc": _ifscs(rng, banks),
        "account_number": _account_numbers(rng, banks),
        "state": state,
        "city": city,
        "pincode": pincode,
        "date_of_birth": _dates_of_birth(rng, n_customers),
    }, columns=list(COLUMNS))


def _weights(values: Iterable[float]) -> np.ndarray:
    array = np.fromiter(values, dtype=float)
    return array / array.sum()


def _names(fake: Faker, genders: np.ndarray) -> tuple[list[str], list[str]]:
    """First names matching each gender, and surnames, from Faker's en_IN provider."""
    first = [fake.first_name_female() if g == "F" else fake.first_name_male() for g in genders]
    return first, [fake.last_name() for _ in genders]


def _unique_numbers(
    draw: Callable[[np.ndarray], np.ndarray],
    n: int,
    accept: Callable[[np.ndarray], np.ndarray] | None = None,
) -> np.ndarray:
    """Draw `n` distinct integers, redrawing duplicates and values `accept` rejects.

    `draw` receives the positions to (re)draw and returns one value per position.
    """
    values = draw(np.arange(n))
    while True:
        ok = np.zeros(n, dtype=bool)
        ok[np.unique(values, return_index=True)[1]] = True
        if accept is not None:
            ok &= accept(values)
        if ok.all():
            return values
        values[~ok] = draw(np.flatnonzero(~ok))


def _aadhaar_numbers(rng: np.random.Generator, n: int) -> list[str]:
    """12-digit Aadhaar numbers: 11 random digits led by 2-9, then the Verhoeff check digit;
    palindromes (which UIDAI never issues) are redrawn."""

    def draw(at: np.ndarray) -> np.ndarray:
        bodies = rng.integers(2 * 10**10, 10**11, len(at))
        return np.array([int(f"{b}{verhoeff.calc_check_digit(str(b))}") for b in bodies])

    def accept(values: np.ndarray) -> np.ndarray:
        return np.array([aadhaar.is_valid(str(v)) for v in values], dtype=bool)

    return [str(v) for v in _unique_numbers(draw, n, accept)]


def _pans(rng: np.random.Generator, surnames: list[str]) -> list[str]:
    """Individual PANs: three letters, 'P' (individual holder), surname initial, a serial
    0001-9999 and a final letter."""
    n = len(surnames)
    prefixes = rng.choice(_LETTERS, (n, 3))
    serials = rng.integers(1, 10_000, n)
    finals = rng.choice(_LETTERS, n)
    initials = [_ascii_letters(s)[:1].upper() or "X" for s in surnames]
    return [
        f"{''.join(p)}P{i}{s:04d}{f}"
        for p, i, s, f in zip(prefixes, initials, serials, finals, strict=True)
    ]


def _ascii_letters(text: str) -> str:
    return "".join(ch for ch in text if ch.isascii() and ch.isalpha())


def _vpas(
    rng: np.random.Generator,
    first_names: list[str],
    surnames: list[str],
    mobiles: np.ndarray,
    banks: np.ndarray,
) -> list[str]:
    """Lower-case VPAs in the styles UPI apps hand out, on the customer's own bank's handle
    most of the time and on a big app's handle otherwise; collisions get a numeric suffix."""
    n = len(first_names)
    styles = rng.choice(len(_VPA_STYLES), n, p=_VPA_STYLE_WEIGHTS)
    own_bank = rng.random(n) < _OWN_BANK_HANDLE_SHARE
    handle_picks = rng.integers(0, 1_000, n)
    digits = rng.integers(1, 10_000, n)
    taken: set[str] = set()
    vpas = []
    for i in range(n):
        handles = BANKS[banks[i]].vpa_handles if own_bank[i] else APP_HANDLES
        first, last = _ascii_letters(first_names[i]).lower(), _ascii_letters(surnames[i]).lower()
        local = {
            "dotted": f"{first}.{last}",
            "digits": f"{first}{digits[i] % 1000}",
            "mobile": str(mobiles[i]),
            "initial": f"{first}.{last[:1]}{digits[i] % 10}",
        }[_VPA_STYLES[styles[i]]]
        vpa, suffix = f"{local}@{handles[handle_picks[i] % len(handles)]}", 1
        while vpa in taken:
            suffix += 1
            vpa = f"{local}{suffix}@{handles[handle_picks[i] % len(handles)]}"
        taken.add(vpa)
        vpas.append(vpa)
    return vpas


def _ifscs(rng: np.random.Generator, banks: np.ndarray) -> list[str]:
    """IFSC: bank code, the reserved '0', and a six-character branch code (mostly numeric)."""
    codes = np.array([b.ifsc_code for b in BANKS])[banks]
    branch_numbers = rng.integers(1, 100_000, len(banks))
    lettered = rng.random(len(banks)) < 0.1
    letters = rng.choice(_LETTERS, len(banks))
    rows = zip(codes, branch_numbers, lettered, letters, strict=True)
    return [
        f"{code}0{letter}{num:05d}" if has_letter else f"{code}0{num:06d}"
        for code, num, has_letter, letter in rows
    ]


def _account_numbers(rng: np.random.Generator, banks: np.ndarray) -> list[str]:
    """Account numbers with each bank's usual length (10-16 digits), never starting with 0."""
    lengths = np.array([b.account_digits for b in BANKS])[banks]

    def draw(at: np.ndarray) -> np.ndarray:
        return rng.integers(10 ** (lengths[at] - 1), 10 ** lengths[at])

    return [str(v) for v in _unique_numbers(draw, len(banks))]


def _residences(rng: np.random.Generator, n: int) -> tuple[list[str], list[str], list[str]]:
    """State, city and a pincode from that city's delivery range, weighted by city size."""
    picks = rng.choice(len(CITIES), n, p=_weights(c.weight for c in CITIES))
    lows = np.array([c.pincode_low for c in CITIES])[picks]
    highs = np.array([c.pincode_high for c in CITIES])[picks]
    pincodes = rng.integers(lows, highs + 1)
    return (
        [CITIES[i].state for i in picks],
        [CITIES[i].name for i in picks],
        [str(p) for p in pincodes],
    )


def _dates_of_birth(rng: np.random.Generator, n: int) -> list[date]:
    """Birth dates giving ages 12-80 at `AGE_REFERENCE_DATE`: ~6% minors, adults skewed young."""
    minor = np.zeros(n, dtype=bool)
    minor[rng.permutation(n)[: round(_MINOR_SHARE * n)]] = True
    adult_ages = 18 + np.floor(63 * rng.beta(1.6, 2.6, n)).astype(int)
    ages = np.where(minor, rng.integers(12, 18, n), adult_ages)
    birth_years = AGE_REFERENCE_DATE.year - 1 - ages
    # Day 1..364 of the birth year: the birthday has passed by the reference date, so the
    # completed age there is exactly `ages`.
    year_starts = (birth_years - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    births = year_starts + rng.integers(1, 365, n).astype("timedelta64[D]")
    return list(births.astype(object))

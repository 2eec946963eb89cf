"""Seeded synthetic UPI payment stream with learnable account-takeover fraud.

The feature store and the fraud model need a realistic event stream to be built and tested
against, and real UPI data cannot leave a bank. This module fakes one from a synthetic
population (see `population.py`): each customer pays a habitual set of people and merchants at
a personal amount scale and mostly by day, while a few customers suffer account takeovers —
night-time bursts of payments to payees they never paid, at several times their usual amount.
The fraud label is therefore visible only through per-payer behavioural features (velocity,
amount z-score, night share, new payees), not through raw amounts, which is what the
downstream pipeline must prove it can learn. A small share of rows is deliberately corrupted so
the ingestion validator has something to reject.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import UTC, datetime

import numpy as np
import pandas as pd
from faker import Faker

from connectors.sandbox.india_geo import APP_HANDLES

IST_OFFSET_S = 19_800
"""India Standard Time is UTC+05:30; the night window below is in IST."""
NIGHT_HOURS_IST = (23, 0, 1, 2, 3, 4)
"""A payment is a night payment when its IST wall-clock hour is one of these."""
FIRST_FRAUD_DAY = 7
"""No takeover starts in the first week, so every victim has behavioural history."""
UPI_AMOUNT_LIMIT = 100_000.0
"""Per-transaction UPI limit in rupees for ordinary P2P/P2M payments."""

COLUMNS = (
    "txn_id", "rrn", "event_ts", "payer_vpa", "payer_name", "payer_mobile", "payer_account",
    "payer_ifsc", "payee_vpa", "payee_name", "payee_type", "mcc", "amount", "currency",
    "status", "remarks", "is_fraud",
)
MALFORMATIONS = (
    "non_positive_amount", "missing_payer_vpa", "payer_vpa_without_at", "foreign_currency",
    "missing_event_ts", "unparseable_event_ts",
)
"""Kinds of deliberate corruption, applied in this order, cycling."""

_DAY_S = 86_400
_N_MERCHANTS = 300
_VICTIM_SHARE = 0.04
_MULE_SHARE = 0.03
_SPREE_SHARE = 0.02
_MAX_HABITUAL = 15
# Merchant categories: MCC, share of merchants, remarks payers type, whether mules use it.
_MERCHANT_CATEGORIES = (
    ("5411", 0.20, ("groceries", "kirana", "monthly ration"), False),
    ("5812", 0.12, ("dinner", "lunch", "restaurant"), False),
    ("5814", 0.10, ("snacks", "tea and snacks", "coffee"), False),
    ("5541", 0.07, ("fuel", "petrol"), False),
    ("4121", 0.07, ("cab ride", "auto fare"), False),
    ("4900", 0.05, ("electricity bill", "water bill", "gas bill"), False),
    ("4814", 0.06, ("mobile recharge", "broadband bill", "dth recharge"), False),
    ("5912", 0.07, ("medicines", "pharmacy"), False),
    ("5651", 0.07, ("clothes", "shopping"), False),
    ("5732", 0.04, ("electronics", "phone accessories"), False),
    ("8299", 0.04, ("course fee", "coaching fee"), False),
    ("7832", 0.03, ("movie tickets",), False),
    ("5816", 0.03, ("game credits",), True),
    ("6540", 0.03, ("wallet top-up",), True),
    ("4829", 0.02, ("money transfer",), True),
)
_P2P_REMARKS = (
    "rent", "dinner split", "trip share", "loan return", "gift", "household expenses",
    "maid salary", "tuition fees", "thanks", "UPI",
)
# IST hour-of-day weights for legitimate payments.
_DAY_HOURS = np.arange(5, 23)
_DAY_HOUR_WEIGHTS = np.array(
    [0.3, 0.8, 1.5, 2.5, 3.5, 4.5, 5, 5, 5, 4.5, 4.5, 4.5, 5, 5.5, 6, 6, 5, 3.5]
)
_NIGHT_HOURS = np.array(NIGHT_HOURS_IST)
_NIGHT_HOUR_WEIGHTS = np.array([3, 2, 1.2, 0.7, 0.5, 0.6])


@dataclass(frozen=True)
class UpiDataset:
    """A generated UPI stream and the ids of the rows deliberately corrupted in it."""

    transactions: pd.DataFrame  # one row per UPI payment, columns `COLUMNS`, sorted by event_ts
    malformed_txn_ids: frozenset[str]  # txn_ids of rows a validator must reject


@dataclass(frozen=True)
class _Payees:
    """Everyone who can be paid: population customers first (index = row), then merchants."""

    vpa: np.ndarray
    name: np.ndarray
    is_merchant: np.ndarray
    mcc: np.ndarray
    remarks: np.ndarray  # (n_payees, 3) remark choices; persons get P2P remarks per row
    merchant_popularity: np.ndarray  # over merchants only, sums to 1
    mules: np.ndarray  # payee indices fraudsters cash out through


@dataclass(frozen=True)
class _Profiles:
    """Per-customer habits that drive legitimate behaviour."""

    activity: np.ndarray  # relative payment rate, heavy-tailed
    median_amount: np.ndarray  # personal typical payment in rupees
    night_rate: np.ndarray  # share of legitimate payments at night IST
    habitual_share: np.ndarray  # share of payments going to the habitual payees
    habitual_size: np.ndarray  # how many habitual payees each customer has (5-15)
    habitual: np.ndarray  # (n, _MAX_HABITUAL) payee indices; unused past the customer's set
    habitual_cum: np.ndarray  # (n, _MAX_HABITUAL) cumulative choice probabilities, 1.0 past it
    habitual_factor: np.ndarray  # (n, _MAX_HABITUAL) amount multiplier per habitual payee


@dataclass(frozen=True)
class _Payments:
    """Columnar payments before they become a DataFrame."""

    payer: np.ndarray
    payee: np.ndarray
    ts: np.ndarray  # epoch seconds
    amount: np.ndarray
    is_fraud: np.ndarray

    @staticmethod
    def concat(parts: list[_Payments]) -> _Payments:
        return _Payments(*(
            np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(_Payments)
        ))


@dataclass(frozen=True)
class _Bursts:
    """Planned bursts of payments: who pays and how many payments each burst holds."""

    payer: np.ndarray
    size: np.ndarray

    def sum(self) -> int:
        return int(self.size.sum())


@dataclass(frozen=True)
class _Window:
    """The generated time range, with helpers to place IST wall-clock times inside it."""

    start_s: int
    days: int

    @property
    def span_s(self) -> int:
        return self.days * _DAY_S

    def place(self, day: np.ndarray, ist_second: np.ndarray) -> np.ndarray:
        """Epoch seconds of IST `day` (0 = the IST day containing the start) at `ist_second`,
        wrapped into the window; wrapping by whole days keeps the IST time of day."""
        first_ist_midnight = self.start_s - (self.start_s + IST_OFFSET_S) % _DAY_S
        ts = first_ist_midnight + day * _DAY_S + ist_second
        return self.start_s + (ts - self.start_s) % self.span_s


def generate_upi_transactions(
    population: pd.DataFrame,
    *,
    n_transactions: int = 200_000,
    days: int = 90,
    start: datetime = datetime(2026, 8, 1, tzinfo=UTC),
    seed: int = 20261128,
    malformed_rate: float = 0.001,
) -> UpiDataset:
    """Generate about `n_transactions` UPI payments by `population` over `days` from `start`.

    About 4% of customers (those active enough to have history) suffer one or two
    account-takeover bursts after the first week; those rows carry `is_fraud=True`. A
    `malformed_rate` share of legitimate rows (at least one when the rate is positive and there
    are 1,000+ rows) is corrupted, cycling through `MALFORMATIONS`. Identical inputs and seed
    give an identical dataset. `start` must be timezone-aware.
    """
    if len(population) < 2 or days < 1 or n_transactions < 1 or start.tzinfo is None:
        raise ValueError("need 2+ customers, 1+ days, 1+ transactions and an aware start")
    rng = np.random.default_rng(seed)
    fake = Faker("en_IN")
    fake.seed_instance(seed)
    window = _Window(int(start.timestamp()), days)
    payees = _payee_directory(population, fake, rng)
    profiles = _customer_profiles(rng, len(population), payees)
    episodes = _plan_takeovers(rng, profiles, n_transactions, days)
    sprees = _plan_sprees(rng, profiles, n_transactions)
    n_everyday = max(n_transactions - int(episodes.sum()) - int(sprees.sum()), 0)
    legit = _Payments.concat([
        _everyday_payments(rng, profiles, payees, window, n_everyday),
        _spree_payments(rng, profiles, window, sprees),
    ])
    fraud = _takeover_payments(rng, profiles, payees, window, episodes, legit)
    payments = _Payments.concat([legit, fraud])
    frame = _to_frame(rng, population, payees, payments)
    return _corrupt(rng, frame, malformed_rate)


def _payee_directory(population: pd.DataFrame, fake: Faker, rng: np.random.Generator) -> _Payees:
    """Customers as PERSON payees plus `_N_MERCHANTS` Faker-named merchants with MCCs."""
    n_people = len(population)
    category = rng.choice(
        len(_MERCHANT_CATEGORIES), _N_MERCHANTS, p=[c[1] for c in _MERCHANT_CATEGORIES]
    )
    names = [fake.company() for _ in range(_N_MERCHANTS)]
    popularity = 1.0 / (rng.permutation(_N_MERCHANTS) + 5.0)
    risky = np.array([_MERCHANT_CATEGORIES[c][3] for c in category])
    popularity[risky] *= 0.3
    person_remarks = np.full((n_people, 3), "", dtype=object)
    merchant_remarks = np.array(
        [[_MERCHANT_CATEGORIES[c][2][j % len(_MERCHANT_CATEGORIES[c][2])] for j in range(3)]
         for c in category], dtype=object,
    )
    people_mules = rng.choice(n_people, max(1, round(_MULE_SHARE * n_people)), replace=False)
    return _Payees(
        vpa=np.concatenate([population["vpa"].to_numpy(dtype=object),
                            _merchant_vpas(rng, names, set(population["vpa"]))]),
        name=np.concatenate([population["name"].to_numpy(dtype=object),
                             np.array(names, dtype=object)]),
        is_merchant=np.arange(n_people + _N_MERCHANTS) >= n_people,
        mcc=np.concatenate([
            np.full(n_people, "0000", dtype=object),
            np.array([_MERCHANT_CATEGORIES[c][0] for c in category], dtype=object),
        ]),
        remarks=np.concatenate([person_remarks, merchant_remarks]),
        merchant_popularity=popularity / popularity.sum(),
        mules=np.concatenate([people_mules, n_people + np.flatnonzero(risky)]),
    )


def _merchant_vpas(rng: np.random.Generator, names: list[str], taken: set[str]) -> np.ndarray:
    """Merchant VPAs `shopname.12345@handle`, or the `q<digits>@ybl` style of QR stickers."""
    vpas = []
    for name in names:
        slug = "".join(ch for ch in name.split()[0].lower() if ch.isascii() and ch.isalpha())
        vpa = ""
        while not vpa or vpa in taken:
            if rng.random() < 0.25:
                vpa = f"q{rng.integers(10**8, 10**9)}@ybl"
            else:
                handle = APP_HANDLES[rng.integers(len(APP_HANDLES))]
                vpa = f"{slug[:12] or 'shop'}.{rng.integers(10**4, 10**5)}@{handle}"
        taken.add(vpa)
        vpas.append(vpa)
    return np.array(vpas, dtype=object)


def _customer_profiles(rng: np.random.Generator, n: int, payees: _Payees) -> _Profiles:
    """Draw each customer's habits. Richer customers (higher median amount) also pay more
    often, so large legitimate amounts are common and raw amount is a weak fraud signal."""
    log_median = np.clip(rng.normal(np.log(1000), 1.4, n), np.log(80), np.log(25_000))
    wealth = (log_median - log_median.mean()) / (log_median.std() or 1.0)
    activity = np.exp(0.9 * wealth + 0.5 * rng.standard_normal(n))
    sizes = rng.integers(5, _MAX_HABITUAL + 1, n)
    slots = np.arange(_MAX_HABITUAL)
    weights = np.where(slots < sizes[:, None], 1.0 / (slots + 1.0) ** 0.9, 0.0)
    cum = np.cumsum(weights, axis=1) / weights.sum(axis=1, keepdims=True)
    cum[slots >= sizes[:, None] - 1] = 1.0
    shape = (n, _MAX_HABITUAL)
    people = rng.integers(0, n - 1, shape)
    people += people >= np.arange(n)[:, None]  # never yourself
    merchants = n + rng.choice(_N_MERCHANTS, shape, p=payees.merchant_popularity)
    return _Profiles(
        activity=activity,
        median_amount=np.exp(log_median),
        night_rate=rng.beta(1.5, 28.5, n),
        habitual_share=rng.uniform(0.82, 0.93, n),
        habitual_size=sizes,
        habitual=np.where(rng.random(shape) < 0.7, merchants, people),
        habitual_cum=cum,
        habitual_factor=rng.lognormal(0.0, 0.5, shape),
    )


def _plan_takeovers(
    rng: np.random.Generator, profiles: _Profiles, n_transactions: int, days: int
) -> _Bursts:
    """Pick ~4% of customers with enough expected history as victims, 1-2 episodes each,
    3-10 payments per episode (larger bursts likelier)."""
    expected = profiles.activity / profiles.activity.sum() * n_transactions
    eligible = np.flatnonzero(expected >= 10)
    n_victims = min(round(_VICTIM_SHARE * len(expected)), len(eligible))
    if days <= FIRST_FRAUD_DAY + 1:
        n_victims = 0
    victims = rng.choice(eligible, n_victims, replace=False)
    payer = np.repeat(victims, 1 + (rng.random(n_victims) < 0.75))
    sizes = np.arange(3, 11)
    return _Bursts(payer, rng.choice(sizes, len(payer), p=sizes**2 / (sizes**2).sum()))


def _plan_sprees(rng: np.random.Generator, profiles: _Profiles, n_transactions: int) -> _Bursts:
    """Legitimate shopping sprees of 3-7 payments, about 2% of all rows, by the more active
    customers more often."""
    n_sprees = rng.poisson(_SPREE_SHARE * n_transactions / 5)
    share = profiles.activity / profiles.activity.sum()
    payer = rng.choice(len(share), n_sprees, p=share)
    return _Bursts(payer, rng.integers(3, 8, n_sprees))


def _everyday_payments(
    rng: np.random.Generator, profiles: _Profiles, payees: _Payees, window: _Window, n: int
) -> _Payments:
    """`n` ordinary payments spread over customers by activity, mostly to habitual payees."""
    counts = rng.multinomial(n, profiles.activity / profiles.activity.sum())
    payer = np.repeat(np.arange(len(counts)), counts)
    habitual = rng.random(n) < profiles.habitual_share[payer]
    slot = (rng.random(n)[:, None] > profiles.habitual_cum[payer]).sum(axis=1)
    occasional = _occasional_payees(rng, payees, payer)
    payee = np.where(habitual, profiles.habitual[payer, slot], occasional)
    factor = np.where(habitual, profiles.habitual_factor[payer, slot], rng.lognormal(0, 0.6, n))
    night = rng.random(n) < profiles.night_rate[payer]
    ts = window.place(rng.integers(0, window.days, n), _ist_seconds(rng, night))
    amount = _legit_amounts(rng, profiles.median_amount[payer] * factor, payees.is_merchant[payee])
    return _Payments(payer, payee, ts, amount, np.zeros(n, dtype=bool))


def _occasional_payees(rng: np.random.Generator, payees: _Payees, payer: np.ndarray) -> np.ndarray:
    """One-off payees: popular merchants 70% of the time, otherwise some other customer."""
    n_people = len(payees.vpa) - _N_MERCHANTS
    people = rng.integers(0, n_people - 1, len(payer))
    people += people >= payer
    merchants = n_people + rng.choice(_N_MERCHANTS, len(payer), p=payees.merchant_popularity)
    return np.where(rng.random(len(payer)) < 0.7, merchants, people)


def _ist_seconds(rng: np.random.Generator, night: np.ndarray) -> np.ndarray:
    """IST second of day: night hours where `night`, the daytime hour profile otherwise."""
    day_hours = rng.choice(_DAY_HOURS, len(night), p=_DAY_HOUR_WEIGHTS / _DAY_HOUR_WEIGHTS.sum())
    night_hours = rng.choice(
        _NIGHT_HOURS, len(night), p=_NIGHT_HOUR_WEIGHTS / _NIGHT_HOUR_WEIGHTS.sum()
    )
    return np.where(night, night_hours, day_hours) * 3600 + rng.integers(0, 3600, len(night))


def _legit_amounts(
    rng: np.random.Generator, typical: np.ndarray, to_merchant: np.ndarray
) -> np.ndarray:
    """Amounts around `typical`, with 3% legitimate big purchases at 3-15x; person-to-person
    payments are whole rupees, half of them rounded to tens."""
    amount = typical * rng.lognormal(0.0, 0.45, len(typical))
    amount *= np.where(rng.random(len(amount)) < 0.03, rng.uniform(3, 15, len(amount)), 1.0)
    to_tens = rng.random(len(amount)) < 0.5
    p2p = np.where(to_tens, np.round(amount, -1), np.round(amount))
    return np.clip(np.where(to_merchant, np.round(amount, 2), p2p), 1.0, UPI_AMOUNT_LIMIT)


def _burst_times(
    rng: np.random.Generator,
    window: _Window,
    bursts: _Bursts,
    start: np.ndarray,
    duration_s: np.ndarray,
) -> np.ndarray:
    """Epoch seconds for every payment of `bursts`: the first at the burst's start, the rest
    spread over its duration, all inside the window."""
    start = np.clip(start, window.start_s, window.start_s + window.span_s - duration_s - 1)
    burst = np.repeat(np.arange(len(bursts.size)), bursts.size)
    offset = (rng.random(len(burst)) * duration_s[burst]).astype(np.int64)
    offset[np.cumsum(bursts.size) - bursts.size] = 0
    return start[burst] + offset


def _spree_payments(
    rng: np.random.Generator, profiles: _Profiles, window: _Window, sprees: _Bursts
) -> _Payments:
    """Daytime shopping sprees: 3-7 payments in 20-90 minutes to the payer's habitual
    merchants (any habitual payee if they have no merchant), at ordinary amounts."""
    n_sprees, rows = len(sprees.size), sprees.sum()
    start = window.place(
        rng.integers(0, window.days, n_sprees), rng.integers(10 * 3600, 20 * 3600, n_sprees)
    )
    ts = _burst_times(rng, window, sprees, start, rng.integers(20 * 60, 90 * 60, n_sprees))
    payer = np.repeat(sprees.payer, sprees.size)
    in_set = np.arange(_MAX_HABITUAL) < profiles.habitual_size[payer][:, None]
    habitual = profiles.habitual[payer]
    merchant = habitual >= len(profiles.activity)
    slot = np.argmax(rng.random(habitual.shape) + merchant + 2 * in_set, axis=1)
    amount = _legit_amounts(
        rng, profiles.median_amount[payer] * profiles.habitual_factor[payer, slot],
        merchant[np.arange(rows), slot],
    )
    return _Payments(payer, habitual[np.arange(rows), slot], ts, amount, np.zeros(rows, bool))


def _takeover_payments(
    rng: np.random.Generator,
    profiles: _Profiles,
    payees: _Payees,
    window: _Window,
    episodes: _Bursts,
    legit: _Payments,
) -> _Payments:
    """Account-takeover bursts: 3-10 payments within 15-60 minutes after the first week, 70%
    starting at night IST, to payees the victim never paid, at 3-12x the victim's median."""
    n_episodes = len(episodes.size)
    night = rng.random(n_episodes) < 0.7
    ist_second = np.where(
        night,
        (23 * 3600 + rng.integers(0, 5 * 3600, n_episodes)) % _DAY_S,
        rng.integers(9 * 3600, 21 * 3600, n_episodes),
    )
    day = rng.integers(FIRST_FRAUD_DAY + 1, window.days, n_episodes)
    start = window.place(day, ist_second)
    ts = _burst_times(rng, window, episodes, start, rng.integers(15 * 60, 60 * 60 + 1, n_episodes))
    payer = np.repeat(episodes.payer, episodes.size)
    payee = _mule_payees(rng, payees, episodes, start, legit)
    amount = profiles.median_amount[payer] * rng.uniform(3, 12, len(payer))
    amount = np.where(amount > 2000, np.round(amount, -2), np.round(amount))
    amount = np.clip(amount, 1.0, UPI_AMOUNT_LIMIT)
    return _Payments(payer, payee, ts, amount, np.ones(len(payer), dtype=bool))


def _mule_payees(
    rng: np.random.Generator,
    payees: _Payees,
    episodes: _Bursts,
    start: np.ndarray,
    legit: _Payments,
) -> np.ndarray:
    """Payees for every takeover payment, episode by episode in time order: a few mule
    accounts (people or cash-out merchants) the victim has never paid, reused within a burst.
    Should a victim already have paid every mule, any payee they never paid stands in."""
    n_payees = len(payees.vpa)
    victim_rows = np.isin(legit.payer, episodes.payer)
    paid = set((legit.payer[victim_rows] * n_payees + legit.payee[victim_rows]).tolist())
    offsets = np.cumsum(episodes.size) - episodes.size
    payee = np.empty(episodes.sum(), dtype=np.int64)
    mules = payees.mules.tolist()
    for e in np.argsort(start, kind="stable"):
        victim, size = int(episodes.payer[e]), int(episodes.size[e])
        pool = _never_paid(victim, mules, paid, n_payees) or _never_paid(
            victim, range(n_payees), paid, n_payees
        )
        n_distinct = min(int(rng.integers((size + 1) // 2, size + 1)), len(pool))
        chosen = rng.choice(pool, n_distinct, replace=False)
        burst = np.concatenate([chosen, rng.choice(chosen, size - n_distinct)])
        payee[offsets[e] : offsets[e] + size] = burst
        paid.update((victim * n_payees + chosen).tolist())
    return payee


def _never_paid(victim: int, candidates: Iterable[int], paid: set[int], n_payees: int) -> list[int]:
    return [c for c in candidates if c != victim and victim * n_payees + c not in paid]


def _to_frame(
    rng: np.random.Generator, population: pd.DataFrame, payees: _Payees, payments: _Payments
) -> pd.DataFrame:
    """Materialise payments sorted by time, with payer details from `population`."""
    order = np.argsort(payments.ts, kind="stable")
    payer, payee, ts = payments.payer[order], payments.payee[order], payments.ts[order]
    n = len(order)

    def payer_column(name: str) -> np.ndarray:
        return population[name].to_numpy(dtype=object)[payer]

    remarks = np.where(
        payees.is_merchant[payee],
        payees.remarks[payee, rng.integers(0, payees.remarks.shape[1], n)],
        np.array(_P2P_REMARKS, dtype=object)[rng.integers(0, len(_P2P_REMARKS), n)],
    )
    return pd.DataFrame({
        "txn_id": _txn_ids(rng, n),
        "rrn": _rrns(rng, ts),
        "event_ts": np.char.add(np.datetime_as_string(ts.astype("datetime64[s]"), "s"), "Z")
        .astype(object),
        "payer_vpa": payer_column("vpa"),
        "payer_name": payer_column("name"),
        "payer_mobile": payer_column("mobile"),
        "payer_account": payer_column("account_number"),
        "payer_ifsc": payer_column("bank_ifsc"),
        "payee_vpa": payees.vpa[payee],
        "payee_name": payees.name[payee],
        "payee_type": np.where(payees.is_merchant[payee], "MERCHANT", "PERSON").astype(object),
        "mcc": payees.mcc[payee],
        "amount": payments.amount[order].astype(np.float64),
        "currency": np.full(n, "INR", dtype=object),
        "status": np.full(n, "SUCCESS", dtype=object),
        "remarks": remarks,
        "is_fraud": payments.is_fraud[order],
    }, columns=list(COLUMNS))


def _txn_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    """'NIJ' + 32 upper-case hex digits (128 random bits) per payment."""
    hex_digits = np.frombuffer(rng.bytes(16 * n).hex().upper().encode(), dtype="S32")
    return np.char.add("NIJ", hex_digits.astype(str)).astype(object)


def _rrns(rng: np.random.Generator, ts: np.ndarray) -> np.ndarray:
    """12-digit retrieval reference numbers in the NPCI shape YDDDHHNNNNNN: last digit of the
    year, day of year and hour (IST), then a serial unique within that hour. `ts` is sorted."""
    ist = (ts + IST_OFFSET_S).astype("datetime64[s]")
    year = ist.astype("datetime64[Y]")
    day_of_year = (ist.astype("datetime64[D]") - year.astype("datetime64[D]")).astype(int) + 1
    hour_bucket = (ts + IST_OFFSET_S) // 3600
    first_in_hour = np.searchsorted(hour_bucket, hour_bucket)
    buckets, bucket_index = np.unique(hour_bucket, return_inverse=True)
    serial = (rng.integers(0, 10**6, len(buckets))[bucket_index] + np.arange(len(ts))
              - first_in_hour) % 10**6
    rrn = ((year.astype(int) + 1970) % 10 * 10**11 + day_of_year * 10**8
           + hour_bucket % 24 * 10**6 + serial)
    return np.char.zfill(rrn.astype(str), 12).astype(object)


def _corrupt(rng: np.random.Generator, frame: pd.DataFrame, rate: float) -> UpiDataset:
    """Corrupt a `rate` share of legitimate rows, cycling through `MALFORMATIONS`."""
    n_bad = round(rate * len(frame))
    if rate > 0 and len(frame) >= 1000:
        n_bad = max(n_bad, 1)
    legit_rows = np.flatnonzero(~frame["is_fraud"].to_numpy())
    rows = rng.choice(legit_rows, min(n_bad, len(legit_rows)), replace=False)
    kinds = np.arange(len(rows)) % len(MALFORMATIONS)
    for kind, name in enumerate(MALFORMATIONS):
        _malform(frame, frame.index[rows[kinds == kind]], name)
    return UpiDataset(frame, frozenset(frame.loc[rows, "txn_id"]))


def _malform(frame: pd.DataFrame, at: pd.Index, kind: str) -> None:
    """Apply one kind of corruption in place to the rows `at`."""
    match kind:
        case "non_positive_amount":
            frame.loc[at, "amount"] = -frame.loc[at, "amount"]
        case "missing_payer_vpa":
            frame.loc[at, "payer_vpa"] = None
        case "payer_vpa_without_at":
            frame.loc[at, "payer_vpa"] = frame.loc[at, "payer_vpa"].str.replace("@", ".")
        case "foreign_currency":
            frame.loc[at, "currency"] = "USD"
        case "missing_event_ts":
            frame.loc[at, "event_ts"] = None
        case "unparseable_event_ts":
            frame.loc[at, "event_ts"] = "not-a-time"

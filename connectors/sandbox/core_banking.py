"""Seeded synthetic core-banking data: a Finacle-like HTD table and the EOD extracts a bank
hands over, for the same synthetic population as the AA and UPI sandboxes.

:func:`generate_htd` posts a few days of transactions on the population's accounts as HTD
legs: UPI and IMPS payments, NEFT salary credits, NEFT payments with charge and GST legs (six
legs), ATM withdrawals and cash deposits, each balanced against the bank's office (pool)
accounts or another customer. ``tran_id`` restarts every day, so ids repeat across dates. A
few payments are reversed the same or the next day by a transaction whose legs mirror the
original's and name it in ``orig_tran_date``/``orig_tran_id``/``orig_part_tran_srl_num``.
Narrations look like a passbook's (``UPI/DR/<RRN>/<name>/<VPA>``) and so carry personal data.

The writers turn the legs into what the connectors read, one file per business day, under a
workspace's ``sources/``: fixed-width extracts with header and trailer control totals
(layout :data:`connectors.core_banking.layout.FINACLE_EOD_V1`), pipe or CSV extracts, and an
``htd`` table in any SQLAlchemy database. Each can inject malformed lines (kinds cycle through
the writer's ``*_MALFORMATIONS``), and the fixed-width writer can corrupt a day's trailer.

Usage::

    population = generate_population(500)
    htd = generate_htd(population, start=date(2026, 1, 12), days=3)
    write_fixed_width_extracts(htd, ws.sources / "cbs" / "fixed_width", malformed_per_file=2)
    write_delimited_extracts(htd, ws.sources / "cbs" / "pipe")
    write_htd_table(htd, f"sqlite:///{ws.sources / 'cbs' / 'finacle.db'}")
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import groupby
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    create_engine,
    insert,
)

from connectors.core_banking.layout import FINACLE_EOD_V1, ControlTotals
from connectors.core_banking.records import (
    IST,
    TRANSACTION_FIELDS,
    TRANSACTION_KEY,
    TRANSACTION_SCHEMA,
    format_field,
)

__all__ = [
    "DELIMITED_MALFORMATIONS", "FIXED_WIDTH_MALFORMATIONS", "SQL_MALFORMATIONS",
    "generate_htd", "htd_table", "write_delimited_extracts", "write_fixed_width_extracts",
    "write_htd_table",
]

FIXED_WIDTH_MALFORMATIONS = (
    "bad_tran_date", "bad_indicator", "short_line", "long_line", "incomplete_reversal")
DELIMITED_MALFORMATIONS = (
    "bad_tran_date", "bad_indicator", "extra_field", "missing_field", "incomplete_reversal")
SQL_MALFORMATIONS = ("bad_indicator", "negative_amount", "incomplete_reversal")

NARRATION_LENGTH = 47
"""The fixed-width layout's narration width; every generated narration fits all three."""
_OFFICE_SOL = "000999"
_OFFICE = {  # office (pool and income) accounts the customer legs balance against
    "upi_out": "999UPIOUTPOOL", "upi_in": "999UPIINPOOL", "neft_in": "999NEFTINPOOL",
    "neft_out": "999NEFTOUTPOOL", "atm": "999ATMCASHGL", "cash": "999BRCASHGL",
    "fee": "999FEEINCOME", "gst": "999GSTPAYABLE",
}
_KINDS = ("upi_out", "upi_in", "imps", "neft_salary", "neft_out", "atm", "cash_deposit")
_KIND_WEIGHTS = np.array([0.38, 0.20, 0.12, 0.08, 0.07, 0.10, 0.05])
_EMPLOYERS = ("INFOSYS LTD", "TATA STEEL", "ACME LOGISTICS", "SUNRISE HOSPITAL", "CITY SCHOOL")
_NEFT_FEES = (Decimal("2.50"), Decimal("5.00"), Decimal("15.00"), Decimal("25.00"))
_PAISE = Decimal("0.01")


def generate_htd(population: pd.DataFrame, *, start: date, days: int = 1,
                 transactions_per_day: int = 200, reversal_share: float = 0.04,
                 seed: int = 20260115) -> pa.Table:
    """HTD legs for ``days`` business days from ``start``, sorted by the HTD key; identical
    for identical arguments. The table has :data:`TRANSACTION_SCHEMA`."""
    rng = np.random.default_rng(seed)
    customers = population.to_dict("records")
    legs: list[dict[str, Any]] = []
    reversible: list[list[dict[str, Any]]] = []
    for offset in range(days):
        day = _Day(start + timedelta(days=offset), rng, customers)
        todays = [day.post(kind) for kind in rng.choice(_KINDS, transactions_per_day,
                                                        p=_KIND_WEIGHTS)]
        candidates = reversible + [t for t in todays if t[0]["tran_sub_type"] == "CI"]
        n_reversals = min(len(candidates), round(reversal_share * transactions_per_day))
        picks = {int(i) for i in rng.choice(len(candidates), n_reversals, replace=False)}
        todays.extend(day.reverse(candidates[i]) for i in sorted(picks))
        day.stamp(todays)
        legs.extend(leg for tran in todays for leg in tran)
        # Today's payments not reversed yet may be reversed tomorrow.
        reversible = [t for i, t in enumerate(candidates)
                      if i >= len(reversible) and i not in picks]
    legs.sort(key=lambda leg: tuple(leg[name] for name in TRANSACTION_KEY))
    return pa.Table.from_pylist(legs, schema=TRANSACTION_SCHEMA)


class _Day:
    """Posts one business day's transactions; ``tran_id`` counts from 1 each day."""

    def __init__(self, day: date, rng: np.random.Generator,
                 customers: list[dict[str, Any]]) -> None:
        self.day, self._rng, self._customers, self._counter = day, rng, customers, 0

    def post(self, kind: str) -> list[dict[str, Any]]:
        payer, payee = (self._customers[i] for i in self._rng.choice(len(self._customers), 2,
                                                                    replace=False))
        rrn = f"{self._rng.integers(10**11, 10**12)}"
        utr = f"{payer['bank_ifsc'][:4]}N{self.day:%y%j}{self._rng.integers(10**6, 10**7)}"
        if kind == "upi_out":
            amount = self._amount(5.5, 1.2)
            return self._tran("M", "T", [
                self._leg("D", payer, amount, f"UPI/DR/{rrn}/{_first(payee)}/{payee['vpa']}"),
                self._office("C", "upi_out", amount)], ref=rrn)
        if kind == "upi_in":
            amount = self._amount(5.5, 1.2)
            return self._tran("M", "T", [
                self._leg("C", payer, amount, f"UPI/CR/{rrn}/{_first(payee)}/{payee['vpa']}"),
                self._office("D", "upi_in", amount)], ref=rrn)
        if kind == "imps":
            amount = self._amount(7.5, 1.0)
            return self._tran("M", "T", [
                self._leg("D", payer, amount, f"IMPS/P2A/{rrn}/{payee['name']}"),
                self._leg("C", payee, amount, f"IMPS/P2A/{rrn}/{payer['name']}")], ref=rrn)
        if kind == "neft_salary":
            amount = self._amount(10.8, 0.5)
            employer = _EMPLOYERS[self._rng.integers(len(_EMPLOYERS))]
            return self._tran("S", "T", [
                self._leg("C", payer, amount, f"NEFT-{utr}-{employer} SAL {self.day:%b, %Y}"),
                self._office("D", "neft_in", amount)], ref=utr)
        if kind == "neft_out":
            return self._neft_with_charges(payer, payee, utr)
        if kind == "atm":
            amount = Decimal(int(self._rng.integers(1, 100)) * 100)
            terminal = f"S1A{self._rng.integers(10**4, 10**5)}"
            return self._tran("S", "T", [
                self._leg("D", payer, amount, f"ATM WDL/{terminal}/{payer['city']}"),
                self._office("C", "atm", amount)], ref=terminal)
        amount = Decimal(int(self._rng.integers(5, 2000)) * 100)
        return self._tran("C", "C", [
            self._leg("C", payer, amount, f'CASH DEP "SELF"/{payer["city"]}'),
            self._office("D", "cash", amount)], ref=None)

    def _neft_with_charges(self, payer: dict[str, Any], payee: dict[str, Any],
                           utr: str) -> list[dict[str, Any]]:
        # Large amounts (crores) check that no float ever touches an amount.
        amount = self._amount(11.5, 1.8)
        fee = _NEFT_FEES[self._rng.integers(len(_NEFT_FEES))]
        gst = (fee * Decimal("0.18")).quantize(_PAISE)
        return self._tran("S", "T", [
            self._leg("D", payer, amount, f"NEFT-{utr}-{payee['name']}"),
            self._office("C", "neft_out", amount),
            self._leg("D", payer, fee, "NEFT CHGS"), self._office("C", "fee", fee),
            self._leg("D", payer, gst, "GST ON NEFT CHGS"), self._office("C", "gst", gst),
        ], ref=utr)

    def reverse(self, original: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """A transaction undoing ``original``: each leg mirrored, naming the leg it undoes."""
        legs = [{**leg, "part_tran_type": "C" if leg["part_tran_type"] == "D" else "D",
                 "tran_particular": _narration(f"REV/{leg['tran_particular'] or ''}"),
                 "orig_tran_date": leg["tran_date"], "orig_tran_id": leg["tran_id"],
                 "orig_part_tran_srl_num": leg["part_tran_srl_num"]} for leg in original]
        return self._tran("S", "T", legs, ref=original[0]["ref_num"], sub_type="BI")

    def stamp(self, trans: list[list[dict[str, Any]]]) -> None:
        """Posting times rising with tran_id over the banking day, IST."""
        seconds = np.sort(self._rng.integers(6 * 3600, 23 * 3600, len(trans)))
        for tran, second in zip(trans, seconds, strict=True):
            posted = datetime.combine(self.day, time(), IST) + timedelta(seconds=int(second))
            for leg in tran:
                leg["pstd_date"] = posted

    def _tran(self, prefix: str, tran_type: str, legs: list[dict[str, Any]], *,
              ref: str | None, sub_type: str = "CI") -> list[dict[str, Any]]:
        self._counter += 1
        tran_id = f"{prefix}{self._counter:07d}"
        value_date = self.day - timedelta(days=int(self._rng.random() < 0.03))
        return [{**leg, "tran_date": self.day, "tran_id": tran_id, "part_tran_srl_num": srl,
                 "tran_type": tran_type, "tran_sub_type": sub_type, "crncy_code": "INR",
                 "value_date": value_date, "ref_num": ref}
                for srl, leg in enumerate(legs, start=1)]

    def _leg(self, indicator: str, customer: dict[str, Any], amount: Decimal,
             narration: str) -> dict[str, Any]:
        return {"part_tran_type": indicator, "foracid": customer["account_number"],
                "sol_id": customer["bank_ifsc"][5:], "cust_id": customer["customer_id"],
                "tran_amt": amount, "tran_particular": _narration(narration),
                "orig_tran_date": None, "orig_tran_id": None, "orig_part_tran_srl_num": None}

    def _office(self, indicator: str, account: str, amount: Decimal) -> dict[str, Any]:
        return {"part_tran_type": indicator, "foracid": _OFFICE[account],
                "sol_id": _OFFICE_SOL, "cust_id": None, "tran_amt": amount,
                "tran_particular": None, "orig_tran_date": None, "orig_tran_id": None,
                "orig_part_tran_srl_num": None}

    def _amount(self, mean_log: float, sigma: float) -> Decimal:
        value = float(np.clip(self._rng.lognormal(mean_log, sigma), 1.0, 9.9e8))
        return Decimal(f"{value:.2f}")


def _narration(text: str) -> str:
    return text[:NARRATION_LENGTH].rstrip()


def _first(customer: dict[str, Any]) -> str:
    return str(customer["name"]).split(" ")[0].upper()


def _days(htd: pa.Table) -> Iterator[tuple[date, list[dict[str, str]]]]:
    """Each business day with its legs as extract text (DD-MM-YYYY dates, 2-decimal amounts)."""
    legs = [{name: format_field(name, value) for name, value in leg.items()}
            for leg in htd.to_pylist()]
    by_day = groupby(zip(htd.column("tran_date").to_pylist(), legs, strict=True),
                     key=lambda pair: pair[0])
    for day, pairs in by_day:
        yield day, [leg for _, leg in pairs]


def _malformed_lines(n_lines: int, count: int, rng: np.random.Generator) -> dict[int, int]:
    """Line index → index of the malformation kind, for ``count`` distinct lines."""
    picks = rng.choice(n_lines, min(count, n_lines), replace=False)
    return {int(line): kind for kind, line in enumerate(sorted(picks))}


def _break_fields(leg: dict[str, str], kind: str) -> dict[str, str]:
    """The malformations that live in a field's value, common to every writer."""
    if kind == "bad_tran_date":
        return {**leg, "tran_date": f"31-02-{leg['tran_date'][-4:]}"}
    if kind == "bad_indicator":
        return {**leg, "part_tran_type": "X"}
    if kind == "incomplete_reversal":
        return {**leg, "orig_tran_id": "M0000001", "orig_tran_date": "",
                "orig_part_tran_srl_num": ""}
    return leg


def write_fixed_width_extracts(htd: pa.Table, folder: Path, *, malformed_per_file: int = 0,
                               corrupt_trailer: Iterable[date] = (), seed: int = 7,
                               ) -> list[Path]:
    """One ``HTD_EOD_<yyyymmdd>.dat`` per business day; returns the paths in day order.

    ``malformed_per_file`` lines of each file get one of :data:`FIXED_WIDTH_MALFORMATIONS`
    (the trailer still counts them by the layout's rules, as the bank's program would);
    the trailers of the ``corrupt_trailer`` days claim one paisa more credit than written."""
    folder.mkdir(parents=True, exist_ok=True)
    rng, corrupt, layout, paths = np.random.default_rng(seed), set(corrupt_trailer), \
        FINACLE_EOD_V1, []
    for day, legs in _days(htd):
        broken = _malformed_lines(len(legs), malformed_per_file, rng)
        lines, totals = [], ControlTotals()
        for index, leg in enumerate(legs):
            kind = FIXED_WIDTH_MALFORMATIONS[broken[index] % len(FIXED_WIDTH_MALFORMATIONS)] \
                if index in broken else None
            leg = _break_fields(leg, kind) if kind else leg
            line = layout.detail.format(leg)
            if kind == "short_line":
                line = line[:layout.detail.length - 20]
            elif kind == "long_line":
                line += "EXTRA"
            totals.count(leg["part_tran_type"], leg["tran_amt"])
            lines.append(line)
        if day in corrupt:
            totals.credit_total += _PAISE
        header = layout.header.format({
            "extract_name": "FINACLE_HTD_EOD", "business_date": format_field("", day),
            "created_at": format_field("", datetime.combine(day + timedelta(days=1),
                                                            time(0, 30), IST))})
        trailer = layout.trailer.format({
            "record_count": str(totals.record_count),
            "debit_total": f"{totals.debit_total:.2f}",
            "credit_total": f"{totals.credit_total:.2f}"})
        path = folder / f"HTD_EOD_{day:%Y%m%d}.dat"
        path.write_text("\n".join([header, *lines, trailer]) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def write_delimited_extracts(htd: pa.Table, folder: Path, *, delimiter: str = "|",
                             malformed_per_file: int = 0, seed: int = 7) -> list[Path]:
    """One ``HTD_EOD_<yyyymmdd>.txt`` (``.csv`` when ``delimiter`` is a comma) per business
    day with an upper-case header row; ``malformed_per_file`` rows per file get one of
    :data:`DELIMITED_MALFORMATIONS`."""
    folder.mkdir(parents=True, exist_ok=True)
    rng, paths = np.random.default_rng(seed), []
    names = [f.name for f in TRANSACTION_FIELDS]
    suffix = ".csv" if delimiter == "," else ".txt"
    for day, legs in _days(htd):
        broken = _malformed_lines(len(legs), malformed_per_file, rng)
        path = folder / f"HTD_EOD_{day:%Y%m%d}{suffix}"
        with path.open("w", newline="", encoding="utf-8") as stream:
            writer = csv.writer(stream, delimiter=delimiter, lineterminator="\n")
            writer.writerow([name.upper() for name in names])
            for index, leg in enumerate(legs):
                kind = DELIMITED_MALFORMATIONS[broken[index] % len(DELIMITED_MALFORMATIONS)] \
                    if index in broken else None
                row = [_break_fields(leg, kind or "")[name] for name in names]
                if kind == "extra_field":
                    row.append("EXTRA")
                elif kind == "missing_field":
                    row.pop()
                writer.writerow(row)
        paths.append(path)
    return paths


def htd_table(metadata: MetaData, name: str = "htd") -> Table:
    """The sandbox's HTD table: Finacle's column types, keyed like HTD."""
    return Table(
        name, metadata,
        Column("tran_date", Date, primary_key=True),
        Column("tran_id", String(9), primary_key=True),
        Column("part_tran_srl_num", Integer, primary_key=True),
        Column("tran_type", String(1), nullable=False),
        Column("tran_sub_type", String(2)),
        Column("part_tran_type", String(1), nullable=False),
        Column("foracid", String(16), nullable=False),
        Column("sol_id", String(8), nullable=False),
        Column("cust_id", String(9)),
        Column("tran_amt", Numeric(20, 4), nullable=False),
        Column("crncy_code", String(3), nullable=False),
        Column("value_date", Date, nullable=False),
        Column("pstd_date", DateTime, nullable=False),
        Column("ref_num", String(20)),
        Column("tran_particular", String(50)),
        Column("orig_tran_date", Date),
        Column("orig_tran_id", String(9)),
        Column("orig_part_tran_srl_num", Integer),
    )


def write_htd_table(htd: pa.Table, url: str, *, table: str = "htd", malformed_rows: int = 0,
                    seed: int = 7) -> None:
    """Create ``table`` in the database at ``url`` and insert the legs; ``malformed_rows``
    rows get one of :data:`SQL_MALFORMATIONS` (what a database's types still let through)."""
    metadata = MetaData()
    target = htd_table(metadata, table)
    rows = [{**leg, "pstd_date": leg["pstd_date"].astimezone(IST).replace(tzinfo=None)}
            for leg in htd.to_pylist()]
    broken = _malformed_lines(len(rows), malformed_rows, np.random.default_rng(seed))
    for index, kind in broken.items():
        rows[index] = _break_row(rows[index], SQL_MALFORMATIONS[kind % len(SQL_MALFORMATIONS)])
    engine = create_engine(url)
    try:
        metadata.create_all(engine)
        with engine.begin() as connection:
            connection.execute(insert(target), rows)
    finally:
        engine.dispose()


def _break_row(row: dict[str, Any], kind: str) -> dict[str, Any]:
    if kind == "bad_indicator":
        return {**row, "part_tran_type": "X"}
    if kind == "negative_amount":
        return {**row, "tran_amt": -row["tran_amt"]}
    return {**row, "orig_tran_id": "M0000001", "orig_tran_date": None,
            "orig_part_tran_srl_num": None}

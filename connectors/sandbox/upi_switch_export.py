"""A UPI issuer switch's financial-transaction export, faked from the synthetic payment stream.

An issuer switch (the bank-side UPI system) exports every transaction it processed with the
payer's and payee's VPA, mobile, IFSC and account, the MCC, amount, state, NPCI error codes and
the payer's device. This module turns :func:`generate_upi_transactions` output into that
export, for the same synthetic population, and adds what real switches do to their consumers:
a few failed and timed-out transactions, and records that reach the export late (minutes after
their creation time). ``ARRIVAL_COLUMN`` says when each record became visible; it is the
sandbox's own bookkeeping and never leaves it.

:func:`write_daily_csv_exports` writes the daily CSV files a switch drops in a folder (one
per IST day, rewritten as late records arrive, in arrival order).

Usage::

    export = issuer_switch_export(dataset, population, seed=7)
    write_daily_csv_exports(export, sources / "upi_switch", as_of=now)
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from connectors.sandbox.india_geo import BANKS
from connectors.sandbox.upi_transactions import IST_OFFSET_S, UpiDataset
from connectors.upi.switch_record import SWITCH_FIELDS

__all__ = [
    "ARRIVAL_COLUMN", "EXPORT_FILE_PREFIX", "SWITCH_EXPORT_COLUMNS", "issuer_switch_export",
    "write_daily_csv_exports",
]

SWITCH_EXPORT_COLUMNS = SWITCH_FIELDS
"""The switch's export layout, as the connector reads it (one definition of the format)."""
"""The switch's export columns, in order (after the Google Cloud UPI Issuer Switch export)."""
ARRIVAL_COLUMN = "_arrived_at"
"""When the record became visible in the switch's API and exports (sandbox-internal)."""
EXPORT_FILE_PREFIX = "upi_txn_"

# NPCI response codes of failures worth simulating, with the switch's own error code and text.
_FAILURES = (
    ("U30", "DEBIT_FAILED", "Debit has failed"),
    ("U16", "RISK_THRESHOLD_EXCEEDED", "Risk threshold exceeded"),
    ("ZA", "TRANSACTION_DECLINED", "Transaction declined by customer"),
    ("ZM", "INVALID_MPIN", "Invalid MPIN"),
    ("Z6", "PIN_TRIES_EXCEEDED", "Number of PIN tries exceeded"),
    ("Z7", "FREQUENCY_LIMIT", "Transaction frequency limit exceeded"),
    ("Z8", "PER_TRANSACTION_LIMIT", "Per transaction limit exceeded"),
    ("Z9", "INSUFFICIENT_FUNDS", "Insufficient funds in customer account"),
    ("B3", "NOT_PERMITTED", "Transaction not permitted to the account"),
)
_APPS = {"ybl": "PhonePe", "ibl": "PhonePe", "axl": "PhonePe", "paytm": "Paytm",
         "okaxis": "GPay", "okhdfcbank": "GPay", "okicici": "GPay", "oksbi": "GPay"}
_OSES = ("Android 13", "Android 14", "Android 15", "iOS 17.6", "iOS 18.2")
_TELECOMS = ("Jio", "Airtel", "Vi", "BSNL")
_TIMED_OUT_SHARE = 0.005


def issuer_switch_export(
    dataset: UpiDataset,
    population: pd.DataFrame,
    *,
    seed: int = 20261128,
    failure_share: float = 0.04,
    late_share: float = 0.02,
    late_by_s: tuple[int, int] = (300, 2700),
) -> pd.DataFrame:
    """The switch export of ``dataset`` (paid by ``population``), one row per payment, columns
    ``SWITCH_EXPORT_COLUMNS`` plus ``ARRIVAL_COLUMN``, sorted by creation time.

    A ``failure_share`` of legitimate payments failed (NPCI error codes), a few timed out; a
    ``late_share`` of rows arrives ``late_by_s`` seconds after creation, the rest within 3 s.
    """
    rng = np.random.default_rng(seed)
    tx = dataset.transactions.reset_index(drop=True)
    n = len(tx)
    # A corrupted event_ts is the demo feed's fault; the switch stamps every row itself.
    created = pd.to_datetime(tx["event_ts"], format="%Y-%m-%dT%H:%M:%SZ", utc=True,
                             errors="coerce").ffill().bfill()
    by_account = pd.Series(np.arange(len(population)), index=population["account_number"])
    payer = by_account.reindex(tx["payer_account"]).to_numpy()
    customer = population.iloc[payer].reset_index(drop=True)
    payee = _payees(rng, tx, population)
    lag_s = np.where(rng.random(n) < late_share, rng.integers(*late_by_s, n),
                     rng.integers(0, 4, n))
    frame = pd.DataFrame({
        "TransactionID": tx["txn_id"],
        "TransactionType": "TRANSACTION_TYPE_DEBIT",
        "TransactionSubType": np.where(rng.random(n) < 0.06, "COLLECT", "PAY"),
        "CreationTime": created.dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "RRN": tx["rrn"],
        "PayerVPA": tx["payer_vpa"],
        "PayerMobileNumber": "91" + tx["payer_mobile"],
        "PayerIFSC": tx["payer_ifsc"],
        "PayerAccountNumber": tx["payer_account"],
        "PayerAccountType": np.where(_stable_share(payer, 0.1), "CURRENT", "SAVINGS"),
        **payee,
        "PayeeMCC": tx["mcc"],
        "Currency": tx["currency"],
        "Amount": tx["amount"].map("{:.2f}".format),
        **_outcomes(rng, tx["is_fraud"].to_numpy(), failure_share),
        **_devices(rng, customer, tx["payer_vpa"], payer),
        "InitiationMode": "00",
        "PurposeCode": "00",
        "Description": tx["remarks"],
        ARRIVAL_COLUMN: created + pd.to_timedelta(lag_s, unit="s"),
    })
    return frame[[*SWITCH_EXPORT_COLUMNS, ARRIVAL_COLUMN]]


def _stable_share(keys: np.ndarray, share: float) -> np.ndarray:
    """True for about ``share`` of distinct keys, the same answer for the same key."""
    return (keys * 2654435761 % 1000) < share * 1000


def _payees(rng: np.random.Generator, tx: pd.DataFrame,
            population: pd.DataFrame) -> dict[str, np.ndarray]:
    """Payee columns: customers' own details, or a merchant's settlement account and id."""
    person = population.set_index("vpa").reindex(tx["payee_vpa"])
    is_merchant = (tx["payee_type"] == "MERCHANT").to_numpy()
    merchants = pd.Index(tx.loc[is_merchant, "payee_vpa"].unique())
    codes = np.array([b.ifsc_code for b in BANKS])[rng.integers(0, len(BANKS), len(merchants))]
    branch = rng.integers(0, 10**6, len(merchants))
    m_ifsc = pd.Series([f"{c}0{b:06d}" for c, b in zip(codes, branch, strict=True)],
                       index=merchants, dtype=object)
    m_account = pd.Series(rng.integers(10**11, 10**14, len(merchants)).astype(str),
                          index=merchants, dtype=object)
    m_id = pd.Series([f"MER{v:012d}" for v in rng.integers(0, 10**12, len(merchants))],
                     index=merchants, dtype=object)
    vpa = tx["payee_vpa"]

    def either(merchant: pd.Series, own: pd.Series) -> np.ndarray:
        return np.where(is_merchant, merchant.reindex(vpa).to_numpy(), own.to_numpy())

    empty = pd.Series("", index=vpa.index, dtype=object)
    return {
        "PayeeVPA": vpa.to_numpy(),
        "PayeeMobileNumber": np.where(is_merchant, "", ("91" + person["mobile"]).to_numpy()),
        "PayeeIFSC": either(m_ifsc, person["bank_ifsc"]),
        "PayeeAccountNumber": either(m_account, person["account_number"]),
        "PayeeAccountType": np.where(is_merchant, "CURRENT", "SAVINGS"),
        "PayeeMerchantID": either(m_id, empty),
        "PayeeMerchantName": np.where(is_merchant, tx["payee_name"].to_numpy(), ""),
    }


def _outcomes(rng: np.random.Generator, is_fraud: np.ndarray,
              failure_share: float) -> dict[str, np.ndarray]:
    """State and error columns; account-takeover payments all went through."""
    n = len(is_fraud)
    roll = rng.random(n)
    failed = ~is_fraud & (roll < failure_share)
    timed_out = ~is_fraud & ~failed & (roll < failure_share + _TIMED_OUT_SHARE)
    reason = np.array(_FAILURES, dtype=object)[rng.integers(0, len(_FAILURES), n)]
    return {
        "State": np.select([failed, timed_out], ["FAILED", "TIMED_OUT"], "SUCCEEDED"),
        "ErrorCode": np.select([failed, timed_out], [reason[:, 1], "DEEMED"], ""),
        "ErrorMessage": np.select([failed, timed_out],
                                  [reason[:, 2], "Response not received from the remitter"], ""),
        "UPIErrorCode": np.select([failed, timed_out], [reason[:, 0], "RB"], "00"),
    }


def _devices(rng: np.random.Generator, customer: pd.DataFrame, payer_vpa: pd.Series,
             payer: np.ndarray) -> dict[str, np.ndarray]:
    """The payer's phone: one device, OS and telecom per customer; a carrier-grade NAT address
    per payment, as mobile networks hand out."""
    n_people = int(payer.max()) + 1 if len(payer) else 0
    device_ids = np.array([rng.bytes(16).hex().upper() for _ in range(n_people)], dtype=object)
    oses = np.array(_OSES, dtype=object)[rng.integers(0, len(_OSES), n_people)]
    telecoms = np.array(_TELECOMS, dtype=object)[rng.integers(0, len(_TELECOMS), n_people)]
    handle = payer_vpa.fillna("").str.rpartition("@")[2]
    ip = rng.integers(0, 2**22, len(payer)) + (100 << 24) + (64 << 16)  # 100.64.0.0/10
    return {
        "PayerDeviceType": "MOB",
        "PayerDeviceID": device_ids[payer],
        "PayerDeviceOS": oses[payer],
        "PayerDeviceAppName": handle.map(_APPS).fillna("BHIM").to_numpy(),
        "PayerDeviceIP": np.array([f"{v >> 24}.{v >> 16 & 255}.{v >> 8 & 255}.{v & 255}"
                                   for v in ip.tolist()], dtype=object),
        "PayerDeviceLocation": (customer["city"] + ", " + customer["state"]).to_numpy(),
        "PayerDeviceTelecomProvider": telecoms[payer],
    }


def write_daily_csv_exports(export: pd.DataFrame, folder: Path, *, as_of: datetime | None = None,
                            prefix: str = EXPORT_FILE_PREFIX) -> list[Path]:
    """Write ``<prefix>YYYYMMDD.csv`` per IST day of creation with the rows arrived by ``as_of``
    (all when ``None``), in arrival order, each file replaced atomically; the paths written."""
    rows = export if as_of is None else export[export[ARRIVAL_COLUMN] <= pd.Timestamp(as_of)]
    folder.mkdir(parents=True, exist_ok=True)
    created = pd.to_datetime(rows["CreationTime"], utc=True)
    day = (created + pd.Timedelta(seconds=IST_OFFSET_S)).dt.strftime("%Y%m%d")
    written = []
    ordered = rows.assign(_day=day).sort_values([ARRIVAL_COLUMN, "CreationTime"], kind="stable")
    for name, group in ordered.groupby("_day", sort=True):
        path = folder / f"{prefix}{name}.csv"
        partial = path.with_suffix(".csv.partial")
        group[list(SWITCH_EXPORT_COLUMNS)].to_csv(partial, index=False)
        os.replace(partial, path)
        written.append(path)
    return written

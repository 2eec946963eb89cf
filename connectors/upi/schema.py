"""The pandera schema of a UPI transaction record as the PSP sandbox serves it."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

__all__ = ["UPI_TRANSACTION_SCHEMA", "VPA_PATTERN", "to_lake_types"]

_EVENT_TS_FORMAT = "%Y-%m-%dT%H:%M:%SZ"

# A VPA is `handle@psp`: a local part of letters, digits, dot, dash or underscore, and a PSP
# handle of letters and digits. E-mail addresses (a dot after the @) are not VPAs.
VPA_PATTERN = r"^[A-Za-z0-9._-]{2,256}@[A-Za-z][A-Za-z0-9]{1,63}$"



def _is_calendar_time(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, format=_EVENT_TS_FORMAT, utc=True, errors="coerce").notna()


# Timestamps are validated as strings and converted afterwards (`to_lake_types`): pandera's
# datetime coercion, on failure, re-parses every value one by one (seconds per page).
UPI_TRANSACTION_SCHEMA = pa.DataFrameSchema(
    {
        "txn_id": pa.Column(str, pa.Check.str_length(35, 35), unique=True),
        "rrn": pa.Column(str, pa.Check.str_matches(r"^\d{12}$")),
        "event_ts": pa.Column(str, [pa.Check.str_matches(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"),
                                    pa.Check(_is_calendar_time, name="calendar_time")]),
        "payer_vpa": pa.Column(str, pa.Check.str_matches(VPA_PATTERN)),
        "payer_name": pa.Column(str, nullable=True),
        "payer_mobile": pa.Column(str, pa.Check.str_matches(r"^[6-9]\d{9}$")),
        "payer_account": pa.Column(str, pa.Check.str_matches(r"^\d{9,18}$")),
        "payer_ifsc": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{4}0[A-Z0-9]{6}$")),
        "payee_vpa": pa.Column(str, pa.Check.str_matches(VPA_PATTERN)),
        "payee_name": pa.Column(str, nullable=True),
        "payee_type": pa.Column(str, pa.Check.isin(["PERSON", "MERCHANT"])),
        "mcc": pa.Column(str, pa.Check.str_matches(r"^\d{4}$")),
        "amount": pa.Column(float, pa.Check.gt(0), coerce=True),
        "currency": pa.Column(str, pa.Check.isin(["INR"])),
        "status": pa.Column(str, pa.Check.isin(["SUCCESS", "FAILED", "PENDING"])),
        "remarks": pa.Column(str, nullable=True),
        "is_fraud": pa.Column(bool, coerce=True),
    },
    name="upi_transactions",
    strict=True,
)


def to_lake_types(valid: pd.DataFrame) -> pd.DataFrame:
    """Rows that passed the schema, with ``event_ts`` as a UTC timestamp."""
    return valid.assign(event_ts=pd.to_datetime(valid["event_ts"], format=_EVENT_TS_FORMAT,
                                                utc=True))

"""The validation schema of each policy dataset's records, as its connector delivers them.

A connector parses what it must to cut batches (ids, times, amounts); the value rules — a VPA's
shape, an IFSC, a currency, a unique key — are checked here, by a pandera schema per dataset,
on the batch as an Arrow-backed pandas frame (``pd.ArrowDtype`` columns: string checks run as
Arrow compute kernels, and the record types survive untouched). A row that fails goes to the
dead-letter queue with the rule ``<schema>.schema.<column>.<check>``.

``DATASET_VALIDATIONS`` maps a dataset to the ``module:attribute`` of its
:class:`SourceValidation`, imported on first use; a new source registers its dataset's entry
here, next to its connector in ``connectors.registry``.

Usage::

    validation = validation_for("upi_switch_transactions")
    valid, rejected = split_valid(frame, validation.schema)
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc

from connectors.upi.schema import UPI_TRANSACTION_SCHEMA, VPA_PATTERN
from ingest.exceptions import NoValidationSchema

__all__ = ["AA_DEPOSIT_VALIDATION", "APP_TELEMETRY_VALIDATION", "CORE_BANKING_VALIDATION",
           "DATASET_VALIDATIONS", "UPI_DEMO_FEED_VALIDATION", "UPI_SWITCH_VALIDATION",
           "SourceValidation", "validation_for"]

_IFSC = r"^[A-Z]{4}0[A-Z0-9]{6}$"
_ACCOUNT = r"^\d{9,18}$"
_MOBILE = r"^(?:91)?[6-9]\d{9}$"


@dataclass(frozen=True)
class SourceValidation:
    """How one dataset's records are checked, and their lake types after the check."""

    schema: pa.DataFrameSchema
    to_lake: Callable[[pyarrow.Table], pyarrow.Table] | None = None
    """Arrow → Arrow conversion of the rows that passed (e.g. a timestamp text to a
    timestamp); ``None``: the connector's types are the lake's."""


def _any(*checks: pa.Check, nullable: bool = True) -> pa.Column:
    """A column of any type (the connector's Arrow schema fixes it) with value checks."""
    return pa.Column(checks=list(checks), nullable=nullable)


def _demo_feed_to_lake(table: pyarrow.Table) -> pyarrow.Table:
    naive = pc.strptime(table["event_ts"], format="%Y-%m-%dT%H:%M:%SZ", unit="us")
    index = table.schema.get_field_index("event_ts")
    return table.set_column(index, "event_ts", pc.assume_timezone(naive, "UTC"))


UPI_DEMO_FEED_VALIDATION = SourceValidation(UPI_TRANSACTION_SCHEMA, _demo_feed_to_lake)
"""The sandbox PSP's demo feed (``/v1/transactions``): text times, converted to UTC."""

UPI_SWITCH_VALIDATION = SourceValidation(pa.DataFrameSchema(
    {
        "TransactionID": _any(pa.Check.str_matches(r"^[A-Za-z0-9]{35}$"), nullable=False),
        "TransactionType": _any(nullable=False),
        "TransactionSubType": _any(),
        "CreationTime": _any(nullable=False),
        "State": _any(pa.Check.isin(["SUCCEEDED", "FAILED", "TIMED_OUT", "PENDING", "DEEMED"]),
                      nullable=False),
        "RRN": _any(pa.Check.str_matches(r"^\d{12}$")),
        "PayerVPA": _any(pa.Check.str_matches(VPA_PATTERN), nullable=False),
        "PayerMobileNumber": _any(pa.Check.str_matches(_MOBILE)),
        "PayerIFSC": _any(pa.Check.str_matches(_IFSC)),
        "PayerAccountNumber": _any(pa.Check.str_matches(_ACCOUNT)),
        "PayerAccountType": _any(),
        "PayeeVPA": _any(pa.Check.str_matches(VPA_PATTERN), nullable=False),
        "PayeeMobileNumber": _any(pa.Check.str_matches(_MOBILE)),
        "PayeeIFSC": _any(pa.Check.str_matches(_IFSC)),
        "PayeeAccountNumber": _any(pa.Check.str_matches(_ACCOUNT)),
        **{name: _any() for name in (
            "PayeeAccountType", "PayeeMerchantID", "PayeeMerchantName", "ErrorCode",
            "ErrorMessage", "UPIErrorCode", "PayerDeviceType", "PayerDeviceID", "PayerDeviceOS",
            "PayerDeviceAppName", "PayerDeviceIP", "PayerDeviceLocation",
            "PayerDeviceTelecomProvider", "InitiationMode", "PurposeCode", "Description")},
        "PayeeMCC": _any(pa.Check.str_matches(r"^\d{4}$")),
        "Currency": _any(pa.Check.isin(["INR"]), nullable=False),
        "Amount": _any(pa.Check.gt(0), nullable=False),
    },
    name="upi_switch_transactions", strict=True, unique=["TransactionID"],
))
"""The issuer switch's export, over its API or its CSV files."""

AA_DEPOSIT_VALIDATION = SourceValidation(pa.DataFrameSchema(
    {
        **{name: _any(nullable=False) for name in (
            "consent_id", "purpose_code", "data_life_until", "fip_id", "linked_acc_ref",
            "masked_acc_number", "schema_version", "txn_index", "txn_id", "mode",
            "transaction_timestamp", "value_date")},
        "txn_type": _any(pa.Check.isin(["CREDIT", "DEBIT"]), nullable=False),
        "amount": _any(pa.Check.ge(0), nullable=False),
        "current_balance": _any(),
        "currency": _any(pa.Check.str_matches(r"^[A-Z]{3}$")),
        "narration": _any(),
        "reference": _any(),
    },
    name="aa_deposit_transactions", strict=True,
))
"""Deposit transactions decrypted from AA FI data (ReBIT)."""

CORE_BANKING_VALIDATION = SourceValidation(pa.DataFrameSchema(
    {
        **{name: _any(nullable=False) for name in (
            "tran_date", "tran_id", "part_tran_srl_num", "tran_type", "foracid", "sol_id",
            "value_date", "pstd_date")},
        "part_tran_type": _any(pa.Check.isin(["D", "C"]), nullable=False),
        "tran_amt": _any(pa.Check.gt(0), nullable=False),
        "crncy_code": _any(pa.Check.str_matches(r"^[A-Z]{3}$"), nullable=False),
        **{name: _any() for name in (
            "tran_sub_type", "cust_id", "ref_num", "tran_particular", "orig_tran_date",
            "orig_tran_id", "orig_part_tran_srl_num")},
    },
    name="core_banking_transactions", strict=True,
    unique=["tran_date", "tran_id", "part_tran_srl_num"],
))
"""Core-banking legs from fixed-width or delimited extracts or the HTD table."""

APP_TELEMETRY_VALIDATION = SourceValidation(pa.DataFrameSchema(
    {
        **{name: _any(nullable=False) for name in (
            "event_id", "principal", "session_id", "event_type", "ts", "device_model",
            "device_os", "device_os_version", "app_version")},
        **{name: _any() for name in ("screen", "city", "state")},
        "geohash": _any(pa.Check.str_length(max_value=5)),
        # The reader withholds children's events (DPDP s.9(3)); one that got this far anyway
        # is refused here rather than kept as behavioural data.
        "age_band": _any(pa.Check.notin(["under_18"])),
        "is_minor": _any(pa.Check.isin([False])),
        "kafka_partition": _any(pa.Check.ge(0), nullable=False),
        "kafka_offset": _any(pa.Check.ge(0), nullable=False),
    },
    name="app_telemetry_events", strict=True, unique=["kafka_partition", "kafka_offset"],
))
"""App events from the Kafka telemetry connector (``AppEvent`` already checked each value)."""

DATASET_VALIDATIONS: dict[str, str] = {
    "upi_transactions": "ingest.schemas:UPI_DEMO_FEED_VALIDATION",
    "upi_switch_transactions": "ingest.schemas:UPI_SWITCH_VALIDATION",
    "aa_deposit_transactions": "ingest.schemas:AA_DEPOSIT_VALIDATION",
    "core_banking_transactions": "ingest.schemas:CORE_BANKING_VALIDATION",
    "app_telemetry_events": "ingest.schemas:APP_TELEMETRY_VALIDATION",
}
"""Policy dataset → ``module:attribute`` of its :class:`SourceValidation`."""


def validation_for(dataset: str,
                   registry: Mapping[str, str] = DATASET_VALIDATIONS) -> SourceValidation:
    """The registered validation of ``dataset``."""
    target = registry.get(dataset)
    if target is None:
        raise NoValidationSchema(f"dataset {dataset!r} has no validation schema; register "
                                 f"one in ingest.schemas.DATASET_VALIDATIONS (known: "
                                 f"{', '.join(sorted(registry))})")
    module, _, attribute = target.partition(":")
    validation = getattr(importlib.import_module(module), attribute)
    if not isinstance(validation, SourceValidation):
        raise NoValidationSchema(f"dataset {dataset!r}: {target} is not a SourceValidation")
    return validation

"""Core-banking connectors: fixed-width and delimited EOD extracts, and an incremental SQL
pull over a Finacle HTD-like table. All three yield the same transaction-leg records
(:mod:`connectors.core_banking.records`).

Usage::

    from connectors.core_banking import FixedWidthConnector
    connector = FixedWidthConnector(config.name, config.source)
"""

from connectors.core_banking.configuration import (
    CoreBankingDelimitedSource,
    CoreBankingFixedWidthSource,
    CoreBankingSqlSource,
)
from connectors.core_banking.delimited import DelimitedConnector
from connectors.core_banking.exceptions import (
    ControlTotalMismatch,
    CoreBankingError,
    ExtractChanged,
    ExtractLayoutError,
    ExtractRejected,
    HtdTableError,
)
from connectors.core_banking.fixed_width import FixedWidthConnector
from connectors.core_banking.records import TRANSACTION_SCHEMA
from connectors.core_banking.sql import HtdSqlConnector

__all__ = [
    "TRANSACTION_SCHEMA",
    "ControlTotalMismatch",
    "CoreBankingDelimitedSource",
    "CoreBankingError",
    "CoreBankingFixedWidthSource",
    "CoreBankingSqlSource",
    "DelimitedConnector",
    "ExtractChanged",
    "ExtractLayoutError",
    "ExtractRejected",
    "FixedWidthConnector",
    "HtdSqlConnector",
    "HtdTableError",
]

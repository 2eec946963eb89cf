"""Errors of the core-banking connectors.

    ConnectorError
     └── CoreBankingError
          ├── ExtractRejected           a whole extract file is refused; nothing from it is read
          │    ├── ControlTotalMismatch   the trailer's totals disagree with the detail records
          │    └── ExtractLayoutError     no header or trailer where the layout puts them,
          │                               missing or unknown columns
          ├── ExtractChanged            a committed (or part-read) extract changed or vanished
          └── HtdTableError             the SQL table or one of its columns is missing

Messages name the connector, the file or table, and the rule; amounts in them are control
totals, never a customer's value.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from connectors.exceptions import ConnectorError

if TYPE_CHECKING:
    from connectors.core_banking.layout import ControlTotals

__all__ = [
    "ControlTotalMismatch", "CoreBankingError", "ExtractChanged", "ExtractLayoutError",
    "ExtractRejected", "HtdTableError",
]


class CoreBankingError(ConnectorError):
    """Root of the core-banking connectors' errors."""


class ExtractRejected(CoreBankingError):
    """An extract file is refused whole: none of its records are read."""

    def __init__(self, connector: str, file: str, why: str) -> None:
        super().__init__(connector, f"extract {file!r} rejected whole, nothing from it was "
                                    f"read: {why}")
        self.file = file


class ControlTotalMismatch(ExtractRejected):
    """The trailer's record count or debit/credit totals differ from the detail records."""

    def __init__(self, connector: str, file: str, expected: ControlTotals,
                 found: ControlTotals) -> None:
        super().__init__(connector, file, f"the trailer says {expected}, the detail records "
                                          f"add up to {found}; ask the bank to resend the file")
        self.expected = expected
        self.found = found


class ExtractLayoutError(ExtractRejected):
    """The file does not have the layout's shape (header, trailer, columns)."""


class ExtractChanged(CoreBankingError):
    """An extract that was committed, or is part-read, changed or disappeared.

    Re-reading it would duplicate records, skipping it would lose them: a person decides."""


class HtdTableError(CoreBankingError):
    """The configured HTD-like table, or one of the columns the connector reads, is missing."""

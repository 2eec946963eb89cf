"""UPI connector: a PSP's paged transaction API, its record schema."""

from connectors.upi.client import UpiPage, UpiTransactionClient
from connectors.upi.schema import UPI_TRANSACTION_SCHEMA, VPA_PATTERN

__all__ = ["UPI_TRANSACTION_SCHEMA", "VPA_PATTERN", "UpiPage", "UpiTransactionClient"]

"""UPI connectors: the issuer-switch export over a PSP's REST API (``api``) and over daily CSV
files (``csv_export``), and the sandbox PSP's demo feed (``demo_feed``) with its client."""

from connectors.upi.api import UpiApiConnector
from connectors.upi.client import UpiPage, UpiTransactionClient
from connectors.upi.csv_export import UpiCsvConnector
from connectors.upi.demo_feed import DEMO_FEED_SCHEMA, UpiDemoFeedConnector
from connectors.upi.schema import UPI_TRANSACTION_SCHEMA, VPA_PATTERN
from connectors.upi.switch_record import SWITCH_FIELDS, SWITCH_RECORD_SCHEMA

__all__ = [
    "DEMO_FEED_SCHEMA", "SWITCH_FIELDS", "SWITCH_RECORD_SCHEMA", "UPI_TRANSACTION_SCHEMA",
    "VPA_PATTERN", "UpiApiConnector", "UpiCsvConnector", "UpiDemoFeedConnector", "UpiPage",
    "UpiTransactionClient",
]

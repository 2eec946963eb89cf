"""UPI connector over the sandbox PSP's demo feed: the generator's payments with their fraud
label, in numbered pages (``GET /v1/transactions``).

The feed is a fixed list, so the connector reads it page by page: one batch per page, the
cursor ``{"page": <next page>}``. ``nijta demo`` ingests it through
``connectors/examples/upi_sandbox.yaml`` (source type ``upi_demo_feed``), and so does
``nijta ingest`` of that file against a running sandbox.

Usage::

    connector = UpiDemoFeedConnector("upi_sandbox", config.source)
    for batch in connector.read_batches(position.cursor, first_sequence=position.next_sequence):
        ...
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa

from connectors.base import ConnectivityReport, Cursor, SourceBatch
from connectors.configuration import UpiDemoFeedSource
from connectors.exceptions import ConnectorError
from connectors.upi.client import TRANSACTIONS_PATH, UpiTransactionClient

__all__ = ["DEMO_FEED_SCHEMA", "UpiDemoFeedConnector"]

DEMO_FEED_SCHEMA = pa.schema(
    [(name, pa.float64() if name == "amount" else pa.bool_() if name == "is_fraud"
      else pa.string())
     for name in ("txn_id", "rrn", "event_ts", "payer_vpa", "payer_name", "payer_mobile",
                  "payer_account", "payer_ifsc", "payee_vpa", "payee_name", "payee_type", "mcc",
                  "amount", "currency", "status", "remarks", "is_fraud")])
"""Records of the sandbox's demo feed, as served (times as text)."""


class UpiDemoFeedConnector:
    """The sandbox PSP's demo feed as a :class:`~connectors.base.Connector`: one batch per
    numbered page, the cursor ``{"page": <next page>}``."""

    def __init__(self, name: str, source: UpiDemoFeedSource) -> None:
        self.name = name
        self._client = UpiTransactionClient(name, source)

    def schema(self) -> pa.Schema:
        return DEMO_FEED_SCHEMA

    def read_batches(self, cursor: Cursor | None, *, first_sequence: int = 0,
                     ) -> Iterator[SourceBatch]:
        """One batch per page after ``cursor``'s, until the last page."""
        page = 0 if cursor is None else int(cursor["page"])
        start, sequence = cursor, first_sequence
        while True:
            body = self._client.fetch_page(page)
            if page >= body.total_pages or not body.records:
                return
            end = {"page": page + 1}
            yield SourceBatch(self.name, sequence, start, end,
                              pa.Table.from_pylist(body.records, schema=DEMO_FEED_SCHEMA))
            page, start, sequence = page + 1, end, sequence + 1

    def check(self) -> ConnectivityReport:
        """The first page with the configured key."""
        try:
            total = self._client.fetch_page(0).total
        except ConnectorError as exc:
            return ConnectivityReport(self.name, ok=False, detail=str(exc))
        return ConnectivityReport(self.name, ok=True,
                                  detail=f"{TRANSACTIONS_PATH}: {total} records")

    def close(self) -> None:
        self._client.close()

"""UPI connector over a PSP's paged REST API of issuer-switch transactions.

Reads ``GET /v1/switch/transactions`` by creation time from the cursor's ``read_from``, page
token by page token, one batch per page with new records. Each run re-reads the late-arrival
window and skips the ids already delivered (see :mod:`connectors.upi.incremental`).

Usage::

    connector = UpiApiConnector("upi_switch", config.source)
    for batch in connector.read_batches(position.cursor, first_sequence=position.next_sequence):
        ...
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pyarrow as pa

from connectors.base import ConnectivityReport, Cursor, SourceBatch
from connectors.configuration import UpiSandboxSource
from connectors.exceptions import ConnectorError
from connectors.upi.batching import RawRecord, build_switch_batch
from connectors.upi.client import sandbox_http_client
from connectors.upi.incremental import CreationTimeCursor, format_time
from connectors.upi.switch_record import SWITCH_RECORD_SCHEMA, RecordProblem

__all__ = ["SWITCH_PATH", "UpiApiConnector"]

SWITCH_PATH = "/v1/switch/transactions"


class UpiApiConnector:
    """Issuer-switch transactions from a PSP's REST API, incremental by creation time."""

    def __init__(self, name: str, source: UpiSandboxSource) -> None:
        self.name = name
        self._source = source
        self._http = sandbox_http_client(name, source)

    def schema(self) -> pa.Schema:
        return SWITCH_RECORD_SCHEMA

    def read_batches(self, cursor: Cursor | None, *, first_sequence: int = 0,
                     ) -> Iterator[SourceBatch]:
        """One batch per page holding new (or newly broken) records, from ``cursor``."""
        state = CreationTimeCursor.load(
            cursor, window=timedelta(seconds=self._source.late_arrival_window_s),
            start=self._source.created_from)
        params: dict[str, Any] = {"page_size": self._source.page_size}
        if state.read_from is not None:
            params["created_from"] = format_time(state.read_from)
        start, sequence = cursor, first_sequence
        for page in self._http.paginate(SWITCH_PATH, params, page_param="page_token",
                                        next_token_key="next_page_token"):
            raws = (_raw(page.number, i, item) for i, item in enumerate(page.items))
            batch, state = build_switch_batch(self.name, sequence, start, state, raws,
                                              source=f"GET {SWITCH_PATH}")
            if batch is not None:
                yield batch
                start, sequence = batch.end, sequence + 1

    def check(self) -> ConnectivityReport:
        """One one-record page with the configured key."""
        try:
            self._http.get_json(SWITCH_PATH, {"page_size": 1})
        except ConnectorError as exc:
            return ConnectivityReport(self.name, ok=False, detail=str(exc))
        return ConnectivityReport(self.name, ok=True,
                                  detail=f"{self._source.base_url}{SWITCH_PATH} answered")

    def close(self) -> None:
        self._http.close()


def _raw(page: int, index: int, item: Any) -> RawRecord:
    is_object = isinstance(item, dict)
    return RawRecord(
        position=f"page {page} item {index}", payload=None, report_key=None,
        fields=item if is_object else {"item": item},
        problem=None if is_object else RecordProblem("upi.item", "item is not a JSON object"),
    )

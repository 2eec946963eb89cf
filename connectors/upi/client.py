"""Page-number client of the sandbox PSP's demo transaction feed (``GET /v1/transactions``).

:class:`connectors.upi.demo_feed.UpiDemoFeedConnector` reads the feed through it. Transport,
retries, backoff and ``Retry-After`` handling are :class:`connectors.http.SourceHttpClient`'s.

Usage::

    with UpiTransactionClient(config.name, config.source) as client:
        first = client.fetch_page(0)
        for page in range(1, first.total_pages): ...
"""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

from connectors.configuration import PspApiSettings
from connectors.http import SourceHttpClient

__all__ = ["UpiPage", "UpiTransactionClient", "sandbox_http_client"]

TRANSACTIONS_PATH = "/v1/transactions"


@dataclass(frozen=True)
class UpiPage:
    """One page of the transaction feed."""

    page: int
    total_pages: int
    total: int
    records: list[dict[str, Any]]


def sandbox_http_client(connector: str, source: PspApiSettings) -> SourceHttpClient:
    """The HTTP client a PSP API source describes (bearer key, timeouts, retries)."""
    return SourceHttpClient(
        connector, source.base_url, timeout_s=source.timeout_s,
        max_attempts=source.max_attempts, rate_limit_per_s=source.rate_limit_per_s,
        headers={"Authorization": f"Bearer {source.api_key.get_secret_value()}"},
        backoff_base_s=source.backoff_base_s, backoff_cap_s=source.backoff_cap_s,
    )


class UpiTransactionClient:
    """Reads pages of UPI transactions; one instance per worker."""

    def __init__(self, connector: str, source: PspApiSettings) -> None:
        self._source = source
        self._http = sandbox_http_client(connector, source)

    def fetch_page(self, page: int) -> UpiPage:
        """Fetch page ``page`` (0-based), retrying transient failures."""
        body = self._http.get_json(TRANSACTIONS_PATH,
                                   {"page": page, "page_size": self._source.page_size})
        return UpiPage(page=body["page"], total_pages=body["total_pages"], total=body["total"],
                       records=body["items"])

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

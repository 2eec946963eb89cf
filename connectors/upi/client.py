"""HTTP client of a PSP's paged UPI transaction API.

Timeouts, retries with exponential backoff and jitter on timeouts, connection errors, 429 and
5xx (a ``Retry-After`` header wins over the computed backoff); 401/403 are not retried.

Usage::

    with UpiTransactionClient(config.name, config.source) as client:
        first = client.fetch_page(0)
        for page in range(1, first.total_pages): ...
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

import httpx

from connectors.configuration import UpiSandboxSource
from connectors.exceptions import SourceAuthError, SourceUnavailable

__all__ = ["UpiPage", "UpiTransactionClient"]

_RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
_BACKOFF_BASE_S = 0.25
_BACKOFF_CAP_S = 8.0


@dataclass(frozen=True)
class UpiPage:
    """One page of the transaction feed."""

    page: int
    total_pages: int
    total: int
    records: list[dict[str, Any]]


class UpiTransactionClient:
    """Reads pages of UPI transactions; one instance per worker."""

    def __init__(self, connector: str, source: UpiSandboxSource) -> None:
        self._connector = connector
        self._source = source
        self._http = httpx.Client(
            base_url=source.base_url,
            timeout=source.timeout_s,
            headers={"Authorization": f"Bearer {source.api_key.get_secret_value()}"},
        )

    def fetch_page(self, page: int) -> UpiPage:
        """Fetch page ``page`` (0-based), retrying transient failures."""
        params = {"page": page, "page_size": self._source.page_size}
        body = self._get_json("/v1/transactions", params)
        return UpiPage(page=body["page"], total_pages=body["total_pages"], total=body["total"],
                       records=body["items"])

    def _get_json(self, path: str, params: dict[str, int]) -> dict[str, Any]:
        last_problem = "no attempt made"
        for attempt in range(1, self._source.max_attempts + 1):
            try:
                response = self._http.get(path, params=params)
            except httpx.TransportError as exc:
                last_problem, retry_after = f"{type(exc).__name__}", None
            else:
                if response.status_code in (401, 403):
                    raise SourceAuthError(self._connector, f"{path} answered "
                                          f"{response.status_code}; check the api_key reference")
                if response.status_code not in _RETRYABLE_STATUS:
                    response.raise_for_status()
                    return response.json()
                last_problem = f"HTTP {response.status_code}"
                retry_after = _retry_after_s(response)
            if attempt < self._source.max_attempts:
                time.sleep(retry_after if retry_after is not None else _backoff_s(attempt))
        raise SourceUnavailable(self._connector, f"{path} {params}: {last_problem} after "
                                f"{self._source.max_attempts} attempts")

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def _backoff_s(attempt: int) -> float:
    """Full-jitter exponential backoff."""
    return random.uniform(0, min(_BACKOFF_CAP_S, _BACKOFF_BASE_S * 2 ** (attempt - 1)))


def _retry_after_s(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return min(_BACKOFF_CAP_S, max(0.0, float(value)))
    except ValueError:
        return None

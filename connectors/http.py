"""The one HTTP client every connector talks to its source through.

Real sources throttle, fall over and cut answers short. ``SourceHttpClient`` wraps httpx with:

- a timeout per request;
- retries with exponential backoff and full jitter on timeouts, connection errors, 429 and 5xx,
  where a ``Retry-After`` header (seconds or an HTTP date) wins over the computed backoff;
- ``get_json`` also retries a body that is not valid JSON (a response cut short);
- 401/403 raise :class:`SourceAuthError` at once (retrying cannot fix credentials); any other
  4xx raises :class:`SourceRequestError` naming method, path and status; both carry the
  status, the body's ``errorCode``/``errorMsg`` (the ReBIT/Sahamati error envelope) and the
  response, so a caller can act on a source's own codes;
- a token-bucket rate limit shared by every request of the client (thread-safe);
- page-number and page-token pagination.

POSTs are retried like GETs: the sources here (AA, PSP) make requests idempotent by their
transaction id, and a lost answer must not lose the call.

Usage::

    with SourceHttpClient("upi", "http://127.0.0.1:8765", rate_limit_per_s=20,
                          headers={"Authorization": "Bearer ..."}) as http:
        for page in http.paginate("/v1/transactions", {"page_size": 500}, page_param="page"):
            handle(page.items)
"""

from __future__ import annotations

import email.utils
import json
import random
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx

from connectors.exceptions import (
    SourceAuthError,
    SourceFormatError,
    SourceRefusal,
    SourceRequestError,
    SourceUnavailable,
)

__all__ = [
    "DEFAULT_BACKOFF_BASE_S",
    "DEFAULT_BACKOFF_CAP_S",
    "DEFAULT_MAX_RETRY_AFTER_S",
    "Page",
    "RateLimit",
    "SourceHttpClient",
    "backoff_s",
    "error_envelope",
    "retry_after_s",
]

DEFAULT_BACKOFF_BASE_S = 0.25
DEFAULT_BACKOFF_CAP_S = 8.0
DEFAULT_MAX_RETRY_AFTER_S = 120.0
"""A source asking us to wait longer than this is treated as down, not waited for."""

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
_ERROR_CODE = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{0,63}")
"""What an ``errorCode`` must look like to be kept: an identifier, never free text."""
_MAX_ERROR_BODY = 64 * 1024
_T = TypeVar("_T")


class _Transient(Exception):
    """One failed attempt worth retrying; never leaves this module."""

    def __init__(self, problem: str, wait_s: float | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.wait_s = wait_s


@dataclass(frozen=True)
class Page:
    """One page of a paginated answer."""

    number: int
    """0-based position of the page in this walk."""
    body: Any
    """The whole decoded JSON body."""
    items: list[Any]
    """The body's records (``body[items_key]``)."""


class RateLimit:
    """Token bucket: ``rate_per_s`` requests per second on average, bursts up to ``burst``."""

    def __init__(self, rate_per_s: float, *, burst: float | None = None) -> None:
        if rate_per_s <= 0:
            raise ValueError("rate_per_s must be positive")
        self.rate_per_s = rate_per_s
        self.burst = burst if burst is not None else max(1.0, rate_per_s)
        self._tokens = self.burst
        self._stamp = time.monotonic()
        self._lock = threading.Lock()

    def acquire(self) -> None:
        """Take one token, sleeping until one is there."""
        with self._lock:
            now = time.monotonic()
            self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate_per_s)
            self._stamp = now
            self._tokens -= 1
            # A negative balance is a debt: this caller sleeps it off, later ones queue behind.
            wait_s = -self._tokens / self.rate_per_s if self._tokens < 0 else 0.0
        if wait_s > 0:
            time.sleep(wait_s)


class SourceHttpClient:
    """An httpx client with timeouts, retries, a rate limit and pagination for one connector.

    Args:
        connector: The connector's name; every error carries it.
        base_url: Root URL of the source; request paths are relative to it.
        timeout_s: Per-request timeout (connect, read, write, pool).
        max_attempts: Tries per request before :class:`SourceUnavailable`.
        rate_limit_per_s: Average requests per second; ``None`` for no limit.
        headers: Sent with every request (e.g. the ``Authorization`` header).
        backoff_base_s: First backoff ceiling; doubles per attempt (full jitter below it).
        backoff_cap_s: Largest backoff ceiling.
        max_retry_after_s: Longest ``Retry-After`` honoured; a longer one ends the retries.
        transport: An httpx transport to use instead of the network (tests, proxies).
    """

    def __init__(
        self,
        connector: str,
        base_url: str,
        *,
        timeout_s: float = 10,
        max_attempts: int = 5,
        rate_limit_per_s: float | None = None,
        headers: Mapping[str, str] | None = None,
        backoff_base_s: float = DEFAULT_BACKOFF_BASE_S,
        backoff_cap_s: float = DEFAULT_BACKOFF_CAP_S,
        max_retry_after_s: float = DEFAULT_MAX_RETRY_AFTER_S,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.connector = connector
        self.max_attempts = max_attempts
        self._backoff = (backoff_base_s, backoff_cap_s)
        self._max_retry_after_s = max_retry_after_s
        self._rate_limit = RateLimit(rate_limit_per_s) if rate_limit_per_s else None
        self._http = httpx.Client(base_url=base_url, timeout=timeout_s,
                                  headers=dict(headers or {}), transport=transport)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Send one request, retrying transient failures; the first 2xx/3xx response."""
        return self._with_retries(method, path, lambda response: response, params=params,
                                  json=json, content=content, headers=headers)

    def get_json(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        """GET ``path`` and decode its JSON body; a body cut short is retried too."""
        return self._with_retries("GET", path, _decode_json, params=params)

    def paginate(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        page_param: str,
        items_key: str = "items",
        first_page: int = 0,
        total_pages_key: str = "total_pages",
        next_token_key: str | None = None,
    ) -> Iterator[Page]:
        """Walk a paginated GET, one :class:`Page` per request.

        Numbered pages (``next_token_key`` is ``None``): ``page_param`` counts up from
        ``first_page`` until a page is empty or the body's ``total_pages_key`` is reached.
        Token pages: the first request goes without ``page_param``; each next one sends the
        body's ``next_token_key`` value, until that is null or missing.
        """
        query = dict(params or {})
        number, page_value = 0, first_page if next_token_key is None else None
        while True:
            if page_value is not None:
                query[page_param] = page_value
            body = self.get_json(path, query)
            items = body.get(items_key) if isinstance(body, dict) else None
            if not isinstance(items, list):
                raise SourceFormatError(self.connector, f"GET {path}: the answer has no "
                                         f"{items_key!r} list; is this the right endpoint?")
            yield Page(number=number, body=body, items=items)
            number += 1
            if next_token_key is not None:
                page_value = body.get(next_token_key)
                if page_value is None:
                    return
            else:
                page_value += 1
                total = body.get(total_pages_key)
                if not items or (isinstance(total, int) and page_value - first_page >= total):
                    return

    def _with_retries(self, method: str, path: str, parse: Callable[[httpx.Response], _T],
                      **kwargs: Any) -> _T:
        problem = "no attempt made"
        for attempt in range(1, self.max_attempts + 1):
            try:
                return parse(self._attempt(method, path, **kwargs))
            except _Transient as transient:
                problem = transient.problem
                wait_s = transient.wait_s
            if attempt == self.max_attempts:
                break
            if wait_s is not None and wait_s > self._max_retry_after_s:
                raise SourceUnavailable(self.connector, f"{method} {path}: the source asks to "
                                        f"retry after {wait_s:.0f} s (over the "
                                        f"{self._max_retry_after_s:.0f} s we wait); try later")
            time.sleep(wait_s if wait_s is not None else backoff_s(attempt, *self._backoff))
        raise SourceUnavailable(self.connector, f"{method} {path}: {problem} after "
                                f"{self.max_attempts} attempts")

    def _attempt(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        if self._rate_limit is not None:
            self._rate_limit.acquire()
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TransportError as exc:  # timeouts, refused or dropped connections
            raise _Transient(type(exc).__name__) from exc
        status = response.status_code
        if status in RETRYABLE_STATUS:
            raise _Transient(f"HTTP {status}", retry_after_s(response))
        if status < 400:
            return response
        code, message = error_envelope(response)
        problem = f"{method} {path} answered {status} {code or response.reason_phrase}"
        refusal: type[SourceRefusal] = SourceRequestError
        if status in (401, 403):
            refusal = SourceAuthError
            problem += ("; check the credentials (api_key, client secret, token) the config "
                        "references")
        raise refusal(self.connector, problem, status=status, error_code=code,
                      error_message=message, response=response)

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def _decode_json(response: httpx.Response) -> Any:
    try:
        return json.loads(response.content)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise _Transient(f"invalid JSON body ({len(response.content)} bytes)") from exc


def error_envelope(response: httpx.Response) -> tuple[str | None, str | None]:
    """``(errorCode, errorMsg)`` of a JSON error body (the ReBIT/Sahamati envelope); ``None``
    for each one absent, and for an ``errorCode`` that is not an identifier."""
    if len(response.content) > _MAX_ERROR_BODY:
        return None, None
    try:
        body = json.loads(response.content)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None, None
    if not isinstance(body, dict):
        return None, None
    code, message = body.get("errorCode"), body.get("errorMsg")
    return (code if isinstance(code, str) and _ERROR_CODE.fullmatch(code) else None,
            message if isinstance(message, str) else None)


def backoff_s(attempt: int, base_s: float = DEFAULT_BACKOFF_BASE_S,
              cap_s: float = DEFAULT_BACKOFF_CAP_S) -> float:
    """Full-jitter exponential backoff after failed attempt ``attempt`` (1-based): uniform in
    ``[0, min(cap, base * 2**(attempt-1))]``, so many clients do not retry in step."""
    return random.uniform(0, min(cap_s, base_s * 2 ** (attempt - 1)))


def retry_after_s(response: httpx.Response, *, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delta-seconds or HTTP date); ``None`` when
    absent or unreadable."""
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())

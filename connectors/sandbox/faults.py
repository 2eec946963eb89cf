"""Fault injection for the sandboxes: what real sources do to a connector, on purpose.

A :class:`FaultPlan` decides, request by request, whether the sandbox misbehaves: a 429 with
``Retry-After``, a 503, an answer slower than the client's timeout, or a JSON body cut in half
(sent with a matching ``Content-Length``, so only the JSON is broken). The plan is either an
explicit schedule (the n-th request gets the n-th entry) or seeded probabilities; the same seed
and the same request order give the same faults. It counts what it injected, so a test can
prove the connector met each fault and recovered.

Usage::

    plan = FaultPlan(schedule=[Fault.THROTTLE, Fault.UNAVAILABLE, None, Fault.TRUNCATED])
    app = create_upi_sandbox_app(path, api_key="k")
    inject_faults(app, plan)                 # before the app serves its first request
    ...
    assert plan.injected[Fault.THROTTLE] == 1
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["Fault", "FaultPlan", "inject_faults"]


class Fault(StrEnum):
    """One kind of misbehaviour."""

    THROTTLE = "throttle"
    """429 Too Many Requests with a ``Retry-After`` header."""
    UNAVAILABLE = "unavailable"
    """503 Service Unavailable, no body the client could use."""
    SLOW = "slow"
    """The real answer, but only after ``FaultPlan.slow_s`` (beyond the client's timeout)."""
    TRUNCATED = "truncated"
    """The real answer's status and headers with the first half of its body."""


@dataclass
class FaultPlan:
    """Which requests the sandbox spoils, and how; thread-safe, deterministic for a seed."""

    schedule: Sequence[Fault | None] = ()
    """Faults for the first requests in order (``None``: serve normally); then the
    probabilities below apply."""
    probabilities: Mapping[Fault, float] = field(default_factory=dict)
    """Chance of each fault per request after the schedule; they must sum to at most 1."""
    seed: int = 0
    retry_after_s: int = 0
    """The ``Retry-After`` a 429 carries."""
    retry_after_as_date: bool = False
    """Send ``Retry-After`` as an HTTP date instead of seconds."""
    slow_s: float = 2.0
    """How long a slow answer is held back."""
    paths: tuple[str, ...] = ()
    """Only requests whose path starts with one of these are eligible (empty: every path)."""
    injected: Counter[Fault] = field(default_factory=Counter, init=False)
    """How many of each fault were injected so far."""
    requests: int = field(default=0, init=False)
    """Eligible requests seen so far."""

    def __post_init__(self) -> None:
        if sum(self.probabilities.values()) > 1:
            raise ValueError("fault probabilities sum to more than 1")
        self._random = random.Random(self.seed)
        self._lock = threading.Lock()

    def next_fault(self, path: str) -> Fault | None:
        """The fault for the next request to ``path`` (counted), or ``None``."""
        if self.paths and not path.startswith(self.paths):
            return None
        with self._lock:
            n, self.requests = self.requests, self.requests + 1
            fault = self.schedule[n] if n < len(self.schedule) else self._draw()
            if fault is not None:
                self.injected[fault] += 1
        return fault

    def _draw(self) -> Fault | None:
        roll, edge = self._random.random(), 0.0
        for fault, probability in self.probabilities.items():
            edge += probability
            if roll < edge:
                return fault
        return None

    def retry_after_header(self) -> str:
        if not self.retry_after_as_date:
            return str(self.retry_after_s)
        when = datetime.now(UTC) + timedelta(seconds=self.retry_after_s)
        return email.utils.format_datetime(when, usegmt=True)


def inject_faults(app: FastAPI, plan: FaultPlan) -> None:
    """Make ``app`` misbehave per ``plan``; call before the app serves its first request."""
    app.add_middleware(_FaultMiddleware, plan=plan)


class _FaultMiddleware:
    """Pure ASGI middleware, so a truncated body can be rewritten after the app answered."""

    def __init__(self, app: ASGIApp, plan: FaultPlan) -> None:
        self._app = app
        self._plan = plan

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        match self._plan.next_fault(scope["path"]):
            case Fault.THROTTLE:
                await _answer(send, 429, b'{"detail":"too many requests"}',
                              [(b"retry-after", self._plan.retry_after_header().encode())])
            case Fault.UNAVAILABLE:
                await _answer(send, 503, b'{"detail":"service unavailable"}', [])
            case Fault.SLOW:
                await asyncio.sleep(self._plan.slow_s)
                await self._app(scope, receive, send)
            case Fault.TRUNCATED:
                await self._app(scope, receive, _TruncatingSend(send))
            case None:
                await self._app(scope, receive, send)


async def _answer(send: Send, status: int, body: bytes,
                  headers: list[tuple[bytes, bytes]]) -> None:
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()), *headers]})
    await send({"type": "http.response.body", "body": body})


class _TruncatingSend:
    """Buffers the app's answer and sends its first half with a matching Content-Length."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self._start: Message | None = None
        self._body = bytearray()

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self._start = message
            return
        if message["type"] != "http.response.body" or self._start is None:
            await self._send(message)
            return
        self._body.extend(message.get("body", b""))
        if message.get("more_body", False):
            return
        cut = bytes(self._body[: len(self._body) // 2])
        headers = [(k, v) for k, v in self._start.get("headers", [])
                   if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(cut)).encode()))
        await self._send({**self._start, "headers": headers})
        await self._send({"type": "http.response.body", "body": cut})

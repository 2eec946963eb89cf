"""The HTTP collector the app SDK posts telemetry to: validate, then produce to Kafka.

``POST /v1/events`` takes ``{"events": [...]}`` (at most 500). Each event is validated on its
own (``AppEvent``); valid adults' events are produced to the topic keyed by their principal
token (one principal's events stay in order on one partition), as the canonical JSON of the
validated model, so no field the model does not name reaches Kafka. Children's events are
valid but never produced (``dpdp.s9.children.no_tracking``): they are counted in the receipt.

The receipt says what happened to every index:

- **202** all valid events were acknowledged by Kafka (``acks=all``, idempotent producer);
- **422** some events were refused: ``rejected`` lists each index with the field, rule and
  reason (never the value); the others were produced, so resend only the listed indexes;
- **503** Kafka did not acknowledge some events in time: they are listed under ``rejected``
  with rule ``telemetry.kafka.unavailable``; resend those.

Usage::

    app = create_collector_app({"bootstrap.servers": broker.bootstrap_servers}, "app-events")
    with LoopbackServer(app) as server:
        httpx.post(f"{server.url}/v1/events", json={"events": [...]})
"""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from confluent_kafka import KafkaError, Message, Producer
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, ValidationError

from ingest.telemetry.events import AppEvent, FieldError, event_errors, events_table
from ingest.telemetry.minors import CHILDREN_RULE, children_mask

__all__ = ["MAX_EVENTS_PER_REQUEST", "CollectorReceipt", "EventBatch", "RejectedEvent",
           "create_collector_app"]

MAX_EVENTS_PER_REQUEST = 500
DELIVERY_TIMEOUT_S = 10.0
_KAFKA_UNAVAILABLE = "telemetry.kafka.unavailable"


class EventBatch(BaseModel):
    """The request body; each event is validated separately so one bad event costs one."""

    events: list[Any] = Field(min_length=1, max_length=MAX_EVENTS_PER_REQUEST)


class RejectedEvent(BaseModel):
    """An event that was not produced: its index in the request and why."""

    index: int
    errors: list[FieldError]


class CollectorReceipt(BaseModel):
    """What happened to a request's events; ``accepted + withheld + rejected`` = sent."""

    accepted: int
    withheld: dict[str, int]
    rejected: list[RejectedEvent]


class _Deliveries:
    """Delivery reports of one request's messages (the producer is shared by requests)."""

    def __init__(self) -> None:
        self.delivered: set[int] = set()
        self.reported = 0
        self._lock = threading.Lock()

    def callback(self, index: int) -> Any:
        def on_delivery(error: KafkaError | None, _message: Message) -> None:
            with self._lock:
                self.reported += 1
                if error is None:
                    self.delivered.add(index)
        return on_delivery

    def wait(self, producer: Producer, expected: int) -> None:
        """Serve delivery reports until all ``expected`` came or the timeout passed."""
        deadline = time.monotonic() + DELIVERY_TIMEOUT_S
        while self.reported < expected and time.monotonic() < deadline:
            producer.poll(0.05)


def _produce(producer: Producer, topic: str, events: list[tuple[int, AppEvent]]) -> set[int]:
    """Produce ``events``; the indexes Kafka did not acknowledge."""
    deliveries = _Deliveries()
    for index, event in events:
        while True:
            try:
                producer.produce(topic, key=event.principal.encode(),
                                 value=event.model_dump_json().encode(),
                                 on_delivery=deliveries.callback(index))
                break
            except BufferError:  # local queue full: let deliveries drain it
                producer.poll(0.1)
    deliveries.wait(producer, len(events))
    return {i for i, _ in events} - deliveries.delivered


def create_collector_app(producer_config: Mapping[str, Any], topic: str) -> FastAPI:
    """The collector app producing to ``topic`` with ``producer_config``
    (``bootstrap.servers`` at least; SASL/TLS settings pass through).

    The producer is ``app.state.producer``; the app's shutdown closes it. A server run with
    ``lifespan="off"`` (``LoopbackServer``) must close it itself."""
    producer = Producer({"enable.idempotence": True, "acks": "all", "linger.ms": 5,
                         "message.timeout.ms": int(DELIVERY_TIMEOUT_S * 1000),
                         **producer_config})
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        producer.close()  # flushes what is still queued

    app = FastAPI(title="nijta telemetry collector", lifespan=lifespan)
    app.state.producer = producer

    @app.post("/v1/events", response_model=CollectorReceipt, status_code=202)
    def collect(batch: EventBatch) -> JSONResponse:
        valid: list[tuple[int, AppEvent]] = []
        rejected: list[RejectedEvent] = []
        for index, raw in enumerate(batch.events):
            try:
                valid.append((index, AppEvent.model_validate(raw)))
            except ValidationError as exc:
                rejected.append(RejectedEvent(index=index, errors=event_errors(exc)))
        children = children_mask(events_table([event for _, event in valid])).to_pylist()
        adults = [item for item, child in zip(valid, children, strict=True) if not child]
        undelivered = _produce(producer, topic, adults) if adults else set()
        rejected += [RejectedEvent(index=i, errors=[FieldError(
            field="(event)", rule=_KAFKA_UNAVAILABLE,
            reason=f"Kafka did not acknowledge it within {DELIVERY_TIMEOUT_S:.0f} s; resend")])
            for i in sorted(undelivered)]
        withheld = len(valid) - len(adults)
        receipt = CollectorReceipt(
            accepted=len(adults) - len(undelivered),
            withheld={CHILDREN_RULE: withheld} if withheld else {},
            rejected=sorted(rejected, key=lambda r: r.index))
        status = 503 if undelivered else 422 if rejected else 202
        return JSONResponse(receipt.model_dump(), status_code=status)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok", "topic": topic}

    return app

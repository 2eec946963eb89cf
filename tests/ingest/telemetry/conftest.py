"""One real Kafka broker (KRaft, loopback) per test session, fresh topics, synthetic events."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import Producer

from ingest.telemetry.broker import KafkaBroker

EventFactory = Callable[..., dict[str, Any]]


def process_alive(pid: int) -> bool:
    """Whether ``pid`` is still a running process (not a reaped or zombie one)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


@pytest.fixture(scope="session")
def kafka_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KafkaBroker]:
    with KafkaBroker(tmp_path_factory.mktemp("kafka")) as broker:
        pid = broker.pid
        yield broker
    assert pid is not None and not process_alive(pid), "the broker JVM outlived the session"


@pytest.fixture
def is_running() -> Callable[[int], bool]:
    return process_alive


@pytest.fixture
def topic(kafka_broker: KafkaBroker) -> str:
    """A new three-partition topic per test."""
    name = f"app-events-{uuid.uuid4().hex[:8]}"
    kafka_broker.create_topic(name, partitions=3)
    return name


@pytest.fixture
def app_event() -> EventFactory:
    """Valid synthetic ``AppEvent`` JSON objects; keyword arguments override fields."""
    start = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    principals = [f"tok_{uuid.uuid4().hex}" for _ in range(12)]

    def make(i: int = 0, **overrides: Any) -> dict[str, Any]:
        event: dict[str, Any] = {
            "event_id": uuid.uuid4().hex,
            "principal": principals[i % len(principals)],
            "session_id": f"sess_{i // 5:08d}",
            "event_type": "screen_view",
            "screen": ("home", "pay/confirm", "history")[i % 3],
            "ts": (start + timedelta(seconds=i)).isoformat(),
            "device": {"model": "Redmi Note 13", "os": "android", "os_version": "14",
                       "app_version": "5.2.1"},
            "location": {"geohash": "tdr1v", "city": "Bengaluru", "state": "Karnataka"},
            "age_band": "25_34",
        }
        event.update(overrides)
        return event

    return make


@pytest.fixture
def produce(kafka_broker: KafkaBroker,
            ) -> Iterator[Callable[[str, Sequence[dict[str, Any] | bytes]], None]]:
    """Produce events (dicts as JSON, bytes as they are) keyed by principal, and flush."""
    producer = Producer({"bootstrap.servers": kafka_broker.bootstrap_servers,
                         "enable.idempotence": True})

    def send(topic: str, events: Sequence[dict[str, Any] | bytes]) -> None:
        for event in events:
            if isinstance(event, bytes):
                producer.produce(topic, value=event)
            else:
                producer.produce(topic, key=event["principal"].encode(),
                                 value=json.dumps(event).encode())
            producer.poll(0)
        assert producer.flush(30) == 0

    yield send
    producer.close()

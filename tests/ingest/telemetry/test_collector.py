"""The HTTP collector over a real broker: valid events reach Kafka keyed by principal and come
back through the bounded reader; refused events get a 422 naming index, field and rule (never
the value); children's events are counted and never produced."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import httpx
import pytest

from connectors.sandbox.loopback import LoopbackServer
from connectors.telemetry.configuration import KafkaTelemetrySource
from ingest.telemetry.broker import KafkaBroker
from ingest.telemetry.collector import create_collector_app
from ingest.telemetry.reader import TelemetryConnector

pytestmark = pytest.mark.slow


@pytest.fixture
def collector(kafka_broker: KafkaBroker, topic: str) -> Iterator[str]:
    app = create_collector_app({"bootstrap.servers": kafka_broker.bootstrap_servers}, topic)
    with LoopbackServer(app) as server:
        yield f"{server.url}/v1/events"
    app.state.producer.close()  # LoopbackServer runs no lifespan


def read_all(broker: KafkaBroker, topic: str) -> list[dict]:
    source = KafkaTelemetrySource(type="kafka_telemetry",
                                  bootstrap_servers=broker.bootstrap_servers, topic=topic,
                                  idle_timeout_s=20)
    reader = TelemetryConnector("collector-check", source)
    batches = list(reader.read_batches(None))
    assert all(not b.malformed and not b.metadata["withheld"] for b in batches)
    return [row for b in batches for row in b.records.to_pylist()]


def test_events_round_trip_through_kafka(kafka_broker, topic, collector, app_event) -> None:
    adults = [app_event(i) for i in range(60)]
    children = [app_event(100 + i, age_band="under_18") for i in range(4)]
    response = httpx.post(collector, json={"events": adults[:30] + children + adults[30:]})
    assert response.status_code == 202
    assert response.json() == {"accepted": 60, "rejected": [],
                               "withheld": {"dpdp.s9.children.no_tracking": 4}}

    rows = read_all(kafka_broker, topic)
    assert sorted(r["event_id"] for r in rows) == sorted(e["event_id"] for e in adults)
    partitions_of = defaultdict(set)
    for row in rows:
        partitions_of[row["principal"]].add(row["kafka_partition"])
    assert all(len(p) == 1 for p in partitions_of.values())  # keyed by principal
    sent = {e["event_id"]: e for e in adults}
    assert all(r["screen"] == sent[r["event_id"]]["screen"] for r in rows)


def test_refused_events_get_a_422_with_index_field_and_rule(kafka_broker, topic, collector,
                                                           app_event) -> None:
    events = [app_event(0), app_event(1, principal="9845012763"), app_event(2),
              app_event(3, location={"geohash": "tdr1v9xq"}), "not an event"]
    response = httpx.post(collector, json={"events": events})
    assert response.status_code == 422
    receipt = response.json()
    assert receipt["accepted"] == 2
    assert [(r["index"], [(e["field"], e["rule"]) for e in r["errors"]])
            for r in receipt["rejected"]] == [
        (1, [("principal", "telemetry.principal.token_only")]),
        (3, [("location.geohash", "telemetry.location.coarse_only")]),
        (4, [("(event)", "telemetry.event.model_type")]),
    ]
    assert "9845012763" not in response.text and "tdr1v9xq" not in response.text
    assert sorted(r["event_id"] for r in read_all(kafka_broker, topic)) == sorted(
        [events[0]["event_id"], events[2]["event_id"]])


def test_a_malformed_body_is_refused_whole(collector) -> None:
    assert httpx.post(collector, json={"events": []}).status_code == 422
    assert httpx.post(collector, json=[{"event_id": "x"}]).status_code == 422

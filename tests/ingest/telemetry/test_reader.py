"""Bounded reads over a real broker: a run stops at the end offsets it saw at start, offsets
move only on acknowledge, so a crash between runs loses and duplicates nothing; a given cursor
(the cursor store's) decides where a run starts, the group's offsets only when asked for;
children's events and broken messages never reach the records, and both are accounted for."""

from __future__ import annotations

import threading
from collections import Counter
from itertools import pairwise

import pytest
from confluent_kafka import Consumer, TopicPartition

from connectors.base import AcknowledgingConnector, Connector
from connectors.cursors import CursorStore
from connectors.telemetry.configuration import KafkaTelemetrySource
from ingest.telemetry.broker import KafkaBroker
from ingest.telemetry.exceptions import TopicNotFound
from ingest.telemetry.reader import TELEMETRY_RECORD_SCHEMA, TelemetryConnector

pytestmark = pytest.mark.slow


def connector(broker: KafkaBroker, topic: str, *, batch_size: int = 100) -> TelemetryConnector:
    source = KafkaTelemetrySource(type="kafka_telemetry",
                                  bootstrap_servers=broker.bootstrap_servers, topic=topic,
                                  batch_size=batch_size, idle_timeout_s=20)
    return TelemetryConnector(f"telemetry-{topic}", source)


def high_watermarks(broker: KafkaBroker, topic: str) -> dict[str, int]:
    consumer = Consumer({"bootstrap.servers": broker.bootstrap_servers, "group.id": "probe"})
    try:
        return {str(p): consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10,
                                                       cached=False)[1] for p in range(3)}
    finally:
        consumer.close()


def test_it_is_a_connector(kafka_broker: KafkaBroker, topic: str) -> None:
    reader = connector(kafka_broker, topic)
    assert isinstance(reader, Connector) and isinstance(reader, AcknowledgingConnector)
    assert reader.schema() == TELEMETRY_RECORD_SCHEMA
    assert reader.check().ok
    assert list(reader.read_batches(None)) == []  # an empty topic: nothing, at once


def test_a_missing_topic_is_named(kafka_broker: KafkaBroker) -> None:
    reader = connector(kafka_broker, "no-such-topic")
    assert not reader.check().ok
    with pytest.raises(TopicNotFound, match="'no-such-topic' does not exist"):
        list(reader.read_batches(None))


def test_a_run_stops_at_the_end_offsets_seen_at_start(kafka_broker, topic, app_event,
                                                      produce) -> None:
    before = [app_event(i) for i in range(300)]
    produce(topic, before)
    stop = threading.Event()

    def keep_producing() -> None:
        i = 0
        while not stop.is_set():
            produce(topic, [app_event(1000 + i)])
            i += 1

    background = threading.Thread(target=keep_producing, daemon=True)
    background.start()
    reader = connector(kafka_broker, topic, batch_size=50)
    during, ids, batches = [], [], []
    try:
        for batch in reader.read_batches(None):
            if not batches:  # the run has started: these are past its end offsets
                during = [app_event(2000 + i) for i in range(100)]
                produce(topic, during)
            batches.append(batch)
            ids += batch.records.column("event_id").to_pylist()
    finally:
        stop.set()
        background.join(timeout=30)
    after = high_watermarks(kafka_broker, topic)

    assert {e["event_id"] for e in before} <= set(ids)
    assert not {e["event_id"] for e in during} & set(ids)
    end = batches[-1].end
    assert sum(end.values()) < sum(after.values())
    for earlier, later in pairwise(batches):
        assert later.start == earlier.end and later.sequence == earlier.sequence + 1
    # Each partition was read from offset 0 to its end, every offset once.
    read = Counter(p for b in batches for p in b.records.column("kafka_partition").to_pylist())
    assert {str(p): n for p, n in read.items()} == {p: o for p, o in end.items() if o}


def test_a_crash_between_runs_loses_and_duplicates_nothing(kafka_broker, topic, app_event,
                                                           produce) -> None:
    first = [app_event(i) for i in range(600)]
    produce(topic, first)
    sink: list[str] = []

    run1 = connector(kafka_broker, topic)
    acknowledged = None
    for batch in run1.read_batches(None):
        if len(sink) >= 300:
            break  # the crash: this batch never reached the sink, so it is never acked
        sink += batch.records.column("event_id").to_pylist()
        run1.acknowledge(batch)
        acknowledged = batch.end
    run1.close()
    assert len(sink) == 300

    more = [app_event(1000 + i) for i in range(100)]
    produce(topic, more)
    run2 = connector(kafka_broker, topic)
    assert run2.committed_cursor() == acknowledged
    batches = list(run2.read_batches(run2.committed_cursor(), first_sequence=3))
    assert batches[0].start == acknowledged and batches[0].sequence == 3
    for batch in batches:
        sink += batch.records.column("event_id").to_pylist()
        run2.acknowledge(batch)
    run2.close()

    assert len(sink) == len(set(sink)) == 700
    assert set(sink) == {e["event_id"] for e in first + more}
    run3 = connector(kafka_broker, topic)
    assert list(run3.read_batches(run3.committed_cursor())) == []
    # no cursor is the beginning, whatever the group committed
    assert sum(b.records.num_rows for b in run3.read_batches(None)) == 700


def test_children_and_broken_messages_never_reach_the_records(kafka_broker, topic, app_event,
                                                              produce) -> None:
    adults = [app_event(i) for i in range(20)]
    children = ([app_event(100 + i, age_band="under_18") for i in range(5)]
                + [app_event(200 + i, age_band=None, is_minor=True) for i in range(3)])
    broken = [b"not json", app_event(300, location={"lat": 12.97, "lon": 77.59})]
    produce(topic, [*adults, *children, *broken])

    batches = list(connector(kafka_broker, topic).read_batches(None))
    ids = [i for b in batches for i in b.records.column("event_id").to_pylist()]
    assert sorted(ids) == sorted(e["event_id"] for e in adults)
    withheld = sum(b.metadata["withheld"].get("dpdp.s9.children.no_tracking", 0)
                   for b in batches)
    assert withheld == len(children)
    malformed = [m for b in batches for m in b.malformed]
    assert sorted(m.rule for m in malformed) == ["telemetry.event.json_invalid",
                                                 "telemetry.location.coarse_only"]
    assert all(m.position.startswith(f"{topic}[") and "]@" in m.position for m in malformed)
    assert sum(b.read for b in batches) + withheld == len(adults) + len(children) + len(broken)


def test_runs_resume_from_a_cursor_store_too(kafka_broker, topic, app_event, produce,
                                             tmp_path) -> None:
    events = [app_event(i) for i in range(250)]
    produce(topic, events)
    store = CursorStore(tmp_path / "cursors.db")
    sink: list[str] = []
    run1 = connector(kafka_broker, topic)
    for batch in run1.read_batches(None):
        if batch.sequence == 1:
            break  # crash before the sink took the second batch
        sink += batch.records.column("event_id").to_pylist()
        store.acknowledge(run1.name, batch)  # refuses a batch not starting at its cursor
        run1.acknowledge(batch)
    run1.close()

    position = store.position(run1.name)
    run2 = connector(kafka_broker, topic)
    for batch in run2.read_batches(position.cursor, first_sequence=position.next_sequence):
        sink += batch.records.column("event_id").to_pylist()
        store.acknowledge(run2.name, batch)
        run2.acknowledge(batch)
    run2.close()
    assert sorted(sink) == sorted(e["event_id"] for e in events)
    assert [h.sequence for h in store.history(run1.name)] == [0, 1, 2]

"""Kafka telemetry through the ingestion pipeline: children's events never reach bronze (nor the
DLQ) and are counted in the summary and the audit; a bounded run, a restart and a second run
give each event once; the cursor store decides where a run starts, and the consumer group's
committed offsets follow it."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
import yaml
from confluent_kafka import Consumer, TopicPartition
from typer.testing import CliRunner

from connectors.configuration import ConnectorConfig, load_connector_config
from connectors.cursors import CursorStore
from connectors.telemetry.configuration import KafkaTelemetrySource
from ingest.commits import AUDIT_KIND
from ingest.dead_letter_queue import DeadLetterQueue
from ingest.pipeline import run_ingest
from ingest.telemetry.broker import KafkaBroker
from ingest.telemetry.minors import CHILDREN_RULE
from nijta.cli import app

pytestmark = pytest.mark.slow

EXAMPLE = Path(__file__).resolve().parents[3] / "connectors" / "examples" / "kafka_telemetry.yaml"
PARTITIONS = range(3)


def _config(broker: KafkaBroker, topic: str, *, batch_size: int) -> ConnectorConfig:
    source = KafkaTelemetrySource(type="kafka_telemetry",
                                  bootstrap_servers=broker.bootstrap_servers, topic=topic,
                                  batch_size=batch_size, idle_timeout_s=20)
    return ConnectorConfig(name="app_telemetry", source=source, dataset="app_telemetry_events",
                           purpose="product_analytics", sink={"bronze_table": "app_events"})


def _group_offsets(broker: KafkaBroker, group: str, topic: str) -> dict[str, int]:
    consumer = Consumer({"bootstrap.servers": broker.bootstrap_servers, "group.id": group})
    try:
        committed = consumer.committed([TopicPartition(topic, p) for p in PARTITIONS],
                                       timeout=10)
    finally:
        consumer.close()
    return {str(tp.partition): tp.offset for tp in committed if tp.offset >= 0}


def _commit_group(broker: KafkaBroker, group: str, topic: str, offsets: dict[str, int]) -> None:
    consumer = Consumer({"bootstrap.servers": broker.bootstrap_servers, "group.id": group})
    try:
        consumer.commit(offsets=[TopicPartition(topic, int(p), o) for p, o in offsets.items()],
                        asynchronous=False)
    finally:
        consumer.close()


def _end_offsets(broker: KafkaBroker, topic: str) -> dict[str, int]:
    consumer = Consumer({"bootstrap.servers": broker.bootstrap_servers, "group.id": "probe"})
    try:
        return {str(p): consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10,
                                                       cached=False)[1] for p in PARTITIONS}
    finally:
        consumer.close()


def _bronze_events(spark, path: str) -> list[str]:
    return [row.event_id for row in spark.read.format("delta").load(path)
            .select("event_id").collect()]


def test_childrens_events_never_reach_bronze_and_are_counted(tmp_path, kafka_broker, topic,
                                                             app_event, produce, workspace,
                                                             spark, monkeypatch) -> None:
    adults = [app_event(i) for i in range(40)]
    children = ([app_event(100 + i, principal=f"tok_{uuid.uuid4().hex}", age_band="under_18")
                 for i in range(6)]
                + [app_event(200 + i, principal=f"tok_{uuid.uuid4().hex}", age_band=None,
                             is_minor=True) for i in range(3)])
    refused = [app_event(300, location={"lat": 12.97, "lon": 77.59})]
    produce(topic, [*adults[:20], *children, *refused, *adults[20:]])
    # the shipped example, pointed at this test's broker and topic
    monkeypatch.setenv("NIJTA_KAFKA_BOOTSTRAP_SERVERS", kafka_broker.bootstrap_servers)
    body = load_connector_config(EXAMPLE).model_dump(mode="json", exclude_none=True)
    body["source"] |= {"topic": topic, "batch_size": 20}
    config = tmp_path / "kafka_telemetry.yaml"
    config.write_text(yaml.safe_dump(body))

    result = CliRunner(env={"COLUMNS": "240"}).invoke(
        app, ["ingest", str(config), "--workspace", str(workspace.root)])
    assert result.exit_code == 0, result.output
    assert f"withheld {CHILDREN_RULE}" in result.output

    bronze = spark.read.format("delta").load(str(workspace.bronze_table("app_telemetry_events")))
    assert sorted(r.event_id for r in bronze.select("event_id").collect()) == sorted(
        e["event_id"] for e in adults)
    kept_principals = {r.principal_token for r in bronze.select("principal_token").collect()}
    assert not kept_principals & {e["principal"] for e in children}
    assert not {"age_band", "is_minor", "principal"} & set(bronze.columns)
    # the DLQ holds the refused event only: no child's event is kept there either
    letters = DeadLetterQueue(spark, workspace.dead_letters("app_telemetry")).letters()
    assert letters.column("rule").to_pylist() == ["telemetry.location.coarse_only"]
    # each batch's audit entry counts what it withheld, and its counts balance
    entries = [json.loads(line)["payload"] for line in
               (workspace.root / "audit" / "audit.jsonl").read_text().splitlines()
               if json.loads(line)["kind"] == AUDIT_KIND]
    assert len(entries) >= 3
    for entry in entries:
        assert entry["read"] == entry["written"] + entry["dead_letters"] + entry["withheld"]
        assert entry["withheld"] == entry["withheld_by_rule"].get(CHILDREN_RULE, 0)
    assert sum(e["withheld"] for e in entries) == len(children)
    assert sum(e["read"] for e in entries) == len(adults) + len(children) + len(refused)


def test_a_bounded_run_a_restart_and_a_second_run_lose_and_duplicate_nothing(
        kafka_broker, topic, app_event, produce, workspace, spark) -> None:
    first = [app_event(i) for i in range(250)]
    produce(topic, first)
    config = _config(kafka_broker, topic, batch_size=50)

    bounded = run_ingest(config, workspace, spark=spark, max_batches=2)
    assert [b.sequence for b in bounded.batches] == [0, 1] and bounded.written == 100
    store = CursorStore(workspace.state / "cursors.db")
    # the group's offsets mirror the cursor store once a batch is acknowledged
    assert _group_offsets(kafka_broker, "app_telemetry", topic) == store.position(
        "app_telemetry").cursor

    more = [app_event(1000 + i) for i in range(120)]
    produce(topic, more)
    rest = run_ingest(config, workspace, spark=spark)  # a new run: connectors opened afresh
    assert rest.batches[0].sequence == 2 and not rest.batches[0].recovered
    events = _bronze_events(spark, rest.bronze_table)
    assert len(events) == len(set(events)) == 370
    assert set(events) == {e["event_id"] for e in first + more}
    assert bounded.read + rest.read == 370 == bounded.written + rest.written

    position = store.position("app_telemetry")
    assert _group_offsets(kafka_broker, "app_telemetry", topic) == position.cursor
    assert sum(position.cursor.values()) == 370
    assert run_ingest(config, workspace, spark=spark).batches == ()
    store.close()


def test_a_run_of_many_rounds_stops_at_the_end_offsets_seen_when_it_started(
        kafka_broker, topic, app_event, produce, workspace, spark, monkeypatch) -> None:
    monkeypatch.setattr("ingest.pipeline.ROUND_BATCHES", 1)  # one Beam run per batch
    first = [app_event(i) for i in range(120)]
    produce(topic, first)
    late = [app_event(2000 + i) for i in range(60)]
    config = _config(kafka_broker, topic, batch_size=50)

    def produce_late_once(summary) -> None:  # events arriving while the run is under way
        if summary.sequence == 0:
            produce(topic, late)

    run = run_ingest(config, workspace, spark=spark, progress=produce_late_once)
    assert run.read == 120 and len(run.batches) == 3  # 50 + 50 + 20, none of the late ones
    assert set(_bronze_events(spark, run.bronze_table)) == {e["event_id"] for e in first}
    after = run_ingest(config, workspace, spark=spark)
    assert after.read == 60 and after.batches[0].sequence == 3
    events = _bronze_events(spark, run.bronze_table)
    assert len(events) == len(set(events)) == 180


def test_the_cursor_store_decides_where_a_run_starts(kafka_broker, topic, app_event, produce,
                                                     workspace, spark) -> None:
    events = [app_event(i) for i in range(120)]
    produce(topic, events)
    # the group already committed the topic's end (an earlier deployment, a tool): a new
    # workspace still reads every event, from its own empty cursor store
    everything = _end_offsets(kafka_broker, topic)
    _commit_group(kafka_broker, "app_telemetry", topic, everything)
    config = _config(kafka_broker, topic, batch_size=40)

    first = run_ingest(config, workspace, spark=spark, max_batches=1)
    store = CursorStore(workspace.state / "cursors.db")
    cursor = store.position("app_telemetry").cursor
    assert first.written == 40 and sum(cursor.values()) == 40
    # the group's offsets moved back to the cursor store's
    assert _group_offsets(kafka_broker, "app_telemetry", topic) == cursor
    rest = run_ingest(config, workspace, spark=spark)
    assert sorted(_bronze_events(spark, rest.bronze_table)) == sorted(
        e["event_id"] for e in events)
    assert _group_offsets(kafka_broker, "app_telemetry", topic) == everything
    store.close()


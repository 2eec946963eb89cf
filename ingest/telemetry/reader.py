"""Bounded reads of the telemetry topic: a connector over Kafka that stops where it started.

A run first records every partition's end offset (high watermark); it then consumes each
partition from the cursor up to that offset and no further, however much is produced
meanwhile, so a run ends and its batches are ranges: a batch covers exactly offsets
``[start[p], end[p])`` of each partition ``p``. The cursor is ``{"<partition>": next offset}``
(string keys: it round-trips through JSON); ``read_batches(None)`` starts at the beginning of
every partition, and the first batch's ``start`` is the cursor as given.

The cursor store (``connectors.cursors.CursorStore``, which the pipeline acknowledges in) is
where a run resumes. Kafka's committed offsets (consumer group = the source's ``group_id``,
else the connector's name) only mirror it: they move in :meth:`TelemetryConnector.acknowledge`,
which the pipeline calls after the sink commit and the cursor store's acknowledgement, never by
the consumer on its own. A caller without a cursor store resumes from them explicitly, with
``read_batches(connector.committed_cursor())``.

Each batch keeps adults' events only (``ingest.telemetry.minors``; the count of withheld
children's events is in ``batch.metadata["withheld"]``, so events read = records + malformed
+ withheld) and sends messages that are not valid ``AppEvent`` JSON to ``batch.malformed``.

Usage::

    source = KafkaTelemetrySource(type="kafka_telemetry", bootstrap_servers="127.0.0.1:9092",
                                  topic="app-events")
    connector = TelemetryConnector("app_events", source)
    for batch in connector.read_batches(connector.committed_cursor()):
        commit_to_bronze(...)                 # the sink commit first
        connector.acknowledge(batch)          # then the offsets
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
from confluent_kafka import Consumer, KafkaError, KafkaException, Message, TopicPartition
from pydantic import ValidationError

from connectors.base import WITHHELD, ConnectivityReport, Cursor, MalformedRecord, SourceBatch
from connectors.telemetry.configuration import KafkaTelemetrySource
from ingest.telemetry.events import APP_EVENT_SCHEMA, AppEvent, event_errors, events_table
from ingest.telemetry.exceptions import (
    OffsetCommitFailed,
    TelemetryError,
    TelemetryReadFailed,
    TopicNotFound,
)
from ingest.telemetry.minors import withhold_children

__all__ = ["TELEMETRY_RECORD_SCHEMA", "TelemetryConnector"]

_POLL_S = 0.5
_LEADER_MOVING = frozenset({KafkaError.NOT_LEADER_FOR_PARTITION, KafkaError.LEADER_NOT_AVAILABLE})
_log = logging.getLogger(__name__)

TELEMETRY_RECORD_SCHEMA = (APP_EVENT_SCHEMA
                           .append(pa.field("kafka_partition", pa.int32(), nullable=False))
                           .append(pa.field("kafka_offset", pa.int64(), nullable=False)))
"""An event row plus where it sits in the topic (its lineage, and a de-duplication key)."""


class TelemetryConnector:
    """A :class:`connectors.base.Connector` over one Kafka topic of ``AppEvent`` JSON."""

    def __init__(self, name: str, source: KafkaTelemetrySource) -> None:
        self.name, self.topic = name, source.topic
        self._batch_size, self._idle_timeout_s = source.batch_size, source.idle_timeout_s
        self._timeout_s = source.request_timeout_s
        self._servers = source.bootstrap_servers
        self._config: dict[str, Any] = {
            **source.consumer_settings(), "group.id": source.group_id or name,
            "auto.offset.reset": "earliest", "isolation.level": "read_committed",
            # Offsets move only in acknowledge(), after the sink commit.
            "enable.auto.commit": False, "enable.auto.offset.store": False,
            # The end of a partition whose last offsets are transaction markers is only
            # visible as an EOF event.
            "enable.partition.eof": True,
        }
        self._committer: Consumer | None = None

    def schema(self) -> pa.Schema:
        return TELEMETRY_RECORD_SCHEMA

    def end_of_source(self) -> Cursor:
        """Every partition's end offset now, as a cursor: a run of several reads passes it to
        each as ``until`` so that the run stops where it started."""
        consumer = Consumer(self._config)
        try:
            return {str(p): high for p, (_, high) in self._bounds(consumer).items()}
        except KafkaException as exc:
            raise TelemetryReadFailed(f"connector {self.name!r}: reading the end offsets of "
                                      f"{self.topic} from {self._servers} failed: {exc}"
                                      ) from exc
        finally:
            consumer.close()

    def read_batches(self, cursor: Cursor | None, *, first_sequence: int = 0,
                     until: Cursor | None = None) -> Iterator[SourceBatch]:
        """Batches from ``cursor`` (``None``: the beginning of every partition) up to ``until``
        (:meth:`end_of_source`; by default the end offsets seen when this read starts)."""
        consumer = Consumer(self._config)
        try:
            bounds = self._bounds(consumer)
            if until is not None:  # a partition added since then waits for the next run
                bounds = {p: (low, min(high, int(until.get(str(p), low))))
                          for p, (low, high) in bounds.items()}
            position = self._start(cursor, bounds)
            pending = {p for p, (_, end) in bounds.items() if position[p] < end}
            consumer.assign([TopicPartition(self.topic, p, position[p]) for p in pending])
            start, sequence = cursor, first_sequence
            while pending:
                messages = self._consume(consumer, position, bounds, pending)
                end = {str(p): offset for p, offset in position.items()}
                yield self._batch(sequence, start, end, messages)
                start, sequence = end, sequence + 1
        except KafkaException as exc:
            raise TelemetryReadFailed(f"connector {self.name!r}: reading {self.topic} from "
                                      f"{self._servers} failed: {exc}") from exc
        finally:
            consumer.close()

    def committed_cursor(self) -> Cursor | None:
        """The consumer group's committed offsets as a cursor; ``None`` when it never
        committed. Runs the pipeline starts resume from the cursor store instead."""
        consumer = Consumer(self._config)
        try:
            return self._committed(consumer, self._bounds(consumer))
        except KafkaException as exc:
            raise TelemetryReadFailed(f"connector {self.name!r}: reading the committed offsets "
                                      f"of {self.topic} from {self._servers} failed: {exc}",
                                      ) from exc
        finally:
            consumer.close()

    def _bounds(self, consumer: Consumer) -> dict[int, tuple[int, int]]:
        """``{partition: (low, high watermark)}`` now."""
        metadata = consumer.list_topics(self.topic, timeout=self._timeout_s)
        topic = metadata.topics.get(self.topic)
        if topic is None or topic.error is not None or not topic.partitions:
            raise TopicNotFound(f"connector {self.name!r}: topic {self.topic!r} does not exist "
                                f"on {self._servers}")
        return {p: self._watermarks(consumer, p) for p in sorted(topic.partitions)}

    def _watermarks(self, consumer: Consumer, partition: int) -> tuple[int, int]:
        """``(low, high)`` of one partition, waiting out a leader election (or a topic so new
        that its leader is not serving yet) for up to the request timeout."""
        deadline = time.monotonic() + self._timeout_s
        while True:
            try:
                return consumer.get_watermark_offsets(TopicPartition(self.topic, partition),
                                                      timeout=self._timeout_s, cached=False)
            except KafkaException as exc:
                if exc.args[0].code() not in _LEADER_MOVING or time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def _committed(self, consumer: Consumer, bounds: dict[int, tuple[int, int]],
                   ) -> Cursor | None:
        """The group's committed offsets as a cursor; ``None`` when it never committed."""
        committed = consumer.committed([TopicPartition(self.topic, p) for p in bounds],
                                       timeout=self._timeout_s)
        offsets = {str(tp.partition): tp.offset for tp in committed if tp.offset >= 0}
        return offsets or None

    def _start(self, cursor: Cursor | None, bounds: dict[int, tuple[int, int]],
               ) -> dict[int, int]:
        """Where each partition's read begins: the cursor's offset, else the partition's
        first (a partition added after the cursor was taken starts at its beginning)."""
        offsets = {int(p): int(offset) for p, offset in (cursor or {}).items()}
        position = {}
        for p, (low, _) in bounds.items():
            position[p] = max(offsets.get(p, low), low)
            if offsets.get(p, low) < low:
                _log.warning("connector %r: %s[%d] offsets %d..%d expired by retention before "
                             "they were read", self.name, self.topic, p, offsets[p], low - 1)
        return position

    def _consume(self, consumer: Consumer, position: dict[int, int],
                 bounds: dict[int, tuple[int, int]], pending: set[int]) -> list[Message]:
        """Up to one batch of messages below the bounds; advances ``position``, and takes
        each partition that reached its bound out of ``pending``."""
        collected: list[Message] = []
        last_progress = time.monotonic()
        while pending and len(collected) < self._batch_size:
            messages = consumer.consume(self._batch_size - len(collected), timeout=_POLL_S)
            if messages:
                last_progress = time.monotonic()
            elif time.monotonic() - last_progress > self._idle_timeout_s:
                raise TelemetryReadFailed(
                    f"connector {self.name!r}: {self.topic} partitions {sorted(pending)} "
                    f"delivered nothing for {self._idle_timeout_s:.0f} s before their end "
                    f"offsets {[bounds[p][1] for p in sorted(pending)]}")
            for message in messages:
                p, offset = message.partition(), message.offset()
                error = message.error()
                if error is not None and error.code() != KafkaError._PARTITION_EOF:
                    raise TelemetryReadFailed(f"connector {self.name!r}: {self.topic}[{p}] "
                                              f"at offset {offset}: {error.str()}")
                if p not in pending:
                    continue
                end = bounds[p][1]
                if error is None and offset < end:
                    collected.append(message)
                    position[p] = offset + 1
                # An EOF at or past the bound, or a message past it (offsets skip
                # transaction markers), ends the partition as surely as its last message.
                if position[p] >= end or offset >= end:
                    position[p] = end
                    pending.discard(p)
                    consumer.pause([TopicPartition(self.topic, p)])
        return collected

    def _batch(self, sequence: int, start: Cursor | None, end: Cursor,
               messages: list[Message]) -> SourceBatch:
        events: list[AppEvent] = []
        partitions: list[int] = []
        offsets: list[int] = []
        malformed: list[MalformedRecord] = []
        for message in messages:
            payload = message.value() or b""
            try:
                events.append(AppEvent.model_validate_json(payload))
            except ValidationError as exc:
                errors = event_errors(exc)
                malformed.append(MalformedRecord(
                    position=f"{self.topic}[{message.partition()}]@{message.offset()}",
                    rule=errors[0].rule,
                    reason="; ".join(f"{e.field}: {e.reason}" for e in errors),
                    payload=payload.decode("utf-8", errors="replace")))
                continue
            partitions.append(message.partition())
            offsets.append(message.offset())
        table = events_table(events, extra={
            "kafka_partition": pa.array(partitions, pa.int32()),
            "kafka_offset": pa.array(offsets, pa.int64())})
        kept = withhold_children(table)
        return SourceBatch(
            connector=self.name, sequence=sequence, start=start, end=end,
            records=kept.events.cast(TELEMETRY_RECORD_SCHEMA), malformed=tuple(malformed),
            metadata={"topic": self.topic, WITHHELD: kept.counts})

    def acknowledge(self, batch: SourceBatch) -> None:
        """Commit ``batch.end`` as the group's offsets; call only after the sink commit (the
        pipeline calls it after the cursor store's acknowledgement)."""
        if batch.connector != self.name:
            raise TelemetryError(f"connector {self.name!r} cannot acknowledge batch "
                                 f"{batch.batch_id} of connector {batch.connector!r}")
        offsets = [TopicPartition(self.topic, int(p), int(o)) for p, o in batch.end.items()]
        self._committer = self._committer or Consumer(self._config)
        try:
            done = self._committer.commit(offsets=offsets, asynchronous=False) or []
        except KafkaException as exc:
            raise OffsetCommitFailed(f"connector {self.name!r}: committing offsets of batch "
                                     f"{batch.batch_id} on {self.topic} failed: {exc}") from exc
        failed = [f"[{tp.partition}]: {tp.error}" for tp in done if tp.error is not None]
        if failed:
            raise OffsetCommitFailed(f"connector {self.name!r}: committing offsets of batch "
                                     f"{batch.batch_id} on {self.topic} failed for "
                                     f"{', '.join(failed)}")

    def check(self) -> ConnectivityReport:
        consumer = Consumer(self._config)
        try:
            partitions = len(self._bounds(consumer))
        except (TelemetryError, KafkaException) as exc:
            return ConnectivityReport(self.name, ok=False, detail=str(exc))
        finally:
            consumer.close()
        return ConnectivityReport(self.name, ok=True,
                                  detail=f"topic {self.topic}: {partitions} partitions")

    def close(self) -> None:
        if self._committer is not None:
            self._committer.close()
            self._committer = None

"""The contract every connector keeps with the ingestion pipeline.

A connector reads its source from a cursor in batches. Each batch carries the cursor range it
covers, so its id is deterministic (same range, same id) and the pipeline can make the bronze
commit idempotent. The pipeline acknowledges a batch's ``end`` cursor in the cursor store only
after the sink has committed it: the cursor never runs ahead of the data.

Records the source itself gets wrong (a short fixed-width line, a CSV row with too many
fields, truncated JSON) are never dropped: they travel in ``SourceBatch.malformed`` with their
position and the reason, and the pipeline sends them to the dead-letter queue. Records a rule
forbids keeping at all (children's telemetry, DPDP s.9(3)) are left out of the batch and
counted in ``SourceBatch.metadata[WITHHELD]``, so the pipeline's counts still balance:
read = written + dead letters + withheld.

A source that keeps its own record of what was consumed (a Kafka consumer group's offsets)
implements :class:`AcknowledgingConnector` too: the pipeline calls its ``acknowledge(batch)``
after the cursor store has acknowledged the batch. The cursor store stays the source of truth
for where a run resumes; the source's record only mirrors it.

Usage::

    connector = open_connector(config)            # connectors.registry
    position = cursors.position(connector.name)   # connectors.cursors.CursorStore
    for batch in connector.read_batches(position.cursor):
        commit(batch.records, app_id=connector.name, version=batch.sequence)
        cursors.acknowledge(connector.name, batch)
        if isinstance(connector, AcknowledgingConnector):
            connector.acknowledge(batch)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import pyarrow as pa

__all__ = ["WITHHELD", "AcknowledgingConnector", "BoundedConnector", "ConnectivityReport",
           "Connector", "Cursor", "MalformedRecord", "SourceBatch"]

Cursor = Mapping[str, Any]
"""A connector's JSON-serialisable position in its source (e.g. ``{"file": ..., "line": ...}``
or ``{"created_after": ..., "seen_ids": [...]}``); ``None`` means the beginning."""

WITHHELD = "withheld"
"""``SourceBatch.metadata`` key: ``{rule id: count}`` of records the connector read but left
out of the batch because a rule forbids keeping them."""


@dataclass(frozen=True)
class MalformedRecord:
    """A record the source delivered broken; it goes to the dead-letter queue, never away."""

    position: str
    """Where it came from: ``file:line``, ``page 3 item 17``, a transaction id."""
    rule: str
    """Short machine name of what was wrong, e.g. ``fixed_width.short_line``."""
    reason: str
    """Human explanation that names the field; never the raw value."""
    payload: str
    """The raw record as received; the pipeline encrypts it before it touches disk."""


@dataclass(frozen=True)
class SourceBatch:
    """One unit of ingestion: records between two cursors."""

    connector: str
    sequence: int
    """0, 1, 2, … per connector; the Delta ``txnVersion`` of the batch's bronze commit."""
    start: Cursor | None
    end: Cursor
    records: pa.Table
    """Parsed records, in source order, with the source's own field names."""
    malformed: tuple[MalformedRecord, ...] = ()
    metadata: Mapping[str, Any] = field(default_factory=dict)
    """Source facts the pipeline needs downstream (AA: consent id, purpose, DataLife;
    :data:`WITHHELD` counts)."""

    @property
    def batch_id(self) -> str:
        """Deterministic id from (connector, cursor range): a re-read gives the same id."""
        span = json.dumps([self.start, self.end], sort_keys=True, default=str)
        digest = hashlib.sha256(f"{self.connector}\0{span}".encode()).hexdigest()[:16]
        return f"{self.connector}-{self.sequence:06d}-{digest}"

    @property
    def read(self) -> int:
        """Everything the source delivered in this batch, good or broken (not the withheld)."""
        return self.records.num_rows + len(self.malformed)


@dataclass(frozen=True)
class ConnectivityReport:
    """What ``nijta connectors check`` prints for one connector."""

    connector: str
    ok: bool
    detail: str


@runtime_checkable
class Connector(Protocol):
    """A source of records. Implementations live in ``connectors/<source>/``."""

    name: str

    def schema(self) -> pa.Schema:
        """The Arrow schema of ``SourceBatch.records``."""
        ...

    def read_batches(self, cursor: Cursor | None, *, first_sequence: int = 0,
                     ) -> Iterator[SourceBatch]:
        """Batches after ``cursor`` (``None``: from the start), numbered from
        ``first_sequence``. Reading must not change the source or the cursor store."""
        ...

    def check(self) -> ConnectivityReport:
        """Reach the source with the configured credentials without reading data."""
        ...

    def close(self) -> None:
        """Release connections and files."""
        ...


@runtime_checkable
class AcknowledgingConnector(Connector, Protocol):
    """A connector whose source keeps its own record of what was consumed (Kafka: the consumer
    group's committed offsets), brought up to date once a batch is safely stored."""

    def acknowledge(self, batch: SourceBatch) -> None:
        """Record at the source that ``batch`` is consumed, up to ``batch.end``.

        The pipeline calls it after the batch's sink commit and after the cursor store has
        acknowledged the batch, never before; ``batch`` may be a records-free stand-in with the
        same connector, sequence, cursor range and metadata. It must be idempotent: a crash
        between the cursor store's acknowledgement and this call leaves the source's record one
        batch behind until the next one, which is harmless because runs resume from the cursor
        store, never from the source's record.
        """
        ...


@runtime_checkable
class BoundedConnector(Connector, Protocol):
    """A connector over an unbounded source (a Kafka topic) whose runs end where the source
    ended when the run started, however many reads the run takes."""

    def end_of_source(self) -> Cursor:
        """Where the source ends now; pass it as ``until`` to every read of the run."""
        ...

    def read_batches(self, cursor: Cursor | None, *, first_sequence: int = 0,
                     until: Cursor | None = None) -> Iterator[SourceBatch]:
        """As :meth:`Connector.read_batches`, reading nothing at or past ``until``."""
        ...

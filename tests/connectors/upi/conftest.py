"""A small issuer-switch export of the synthetic population, and an idempotent test sink."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import pandas as pd
import pytest

from connectors.base import Connector, SourceBatch
from connectors.cursors import CursorStore
from connectors.sandbox.population import generate_population
from connectors.sandbox.upi_switch_export import issuer_switch_export
from connectors.sandbox.upi_transactions import generate_upi_transactions

WINDOW_S = 3600


@pytest.fixture(scope="session")
def switch_export() -> pd.DataFrame:
    """3,000 payments over 4 days; 5% reach the switch 5 to 45 minutes late; the demo
    generator's corrupted rows (a negative amount among them) stay in."""
    population = generate_population(80, seed=11)
    dataset = generate_upi_transactions(population, n_transactions=3_000, days=4, seed=11,
                                        malformed_rate=0.002)
    return issuer_switch_export(dataset, population, seed=11, late_share=0.05,
                                late_by_s=(300, 2700))


@dataclass
class IdempotentSink:
    """Stands for the bronze table: a batch commit is keyed by its sequence (Delta txnVersion),
    so committing the same sequence twice is a no-op, and it keeps each batch's cursor range
    with the data (Delta commit metadata), so a crash between commit and acknowledgement is
    recovered by acknowledging what the sink holds."""

    committed: dict[int, list[str]] = field(default_factory=dict)
    malformed: dict[int, list[str]] = field(default_factory=dict)
    ranges: dict[int, SourceBatch] = field(default_factory=dict)

    def commit(self, batch: SourceBatch) -> None:
        if batch.sequence in self.committed:
            return
        self.committed[batch.sequence] = batch.records.column("TransactionID").to_pylist()
        self.malformed[batch.sequence] = [m.position for m in batch.malformed]
        self.ranges[batch.sequence] = replace(batch, records=batch.records.slice(0, 0),
                                              malformed=())

    def ids(self) -> list[str]:
        return [i for seq in sorted(self.committed) for i in self.committed[seq]]

    def positions(self) -> list[str]:
        return [p for seq in sorted(self.malformed) for p in self.malformed[seq]]


def _run(connector: Connector, store: CursorStore, sink: IdempotentSink, *,
         crash_after: int | None = None, ack: bool = True) -> int:
    """Read from the stored cursor into ``sink``; raise after ``crash_after`` commits (before
    acknowledging that batch when ``ack`` is false). Returns batches read."""
    position = store.position(connector.name)
    if position.next_sequence in sink.ranges:  # committed, then crashed before the ack
        store.acknowledge(connector.name, sink.ranges[position.next_sequence])
        position = store.position(connector.name)
    read = 0
    for batch in connector.read_batches(position.cursor, first_sequence=position.next_sequence):
        read += 1
        sink.commit(batch)
        if crash_after is not None and read == crash_after and not ack:
            raise RuntimeError("crash between commit and acknowledgement")
        store.acknowledge(connector.name, batch)
        if crash_after is not None and read == crash_after:
            raise RuntimeError("crash after acknowledgement")
    return read


@pytest.fixture
def run_pipeline() -> Callable[..., int]:
    return _run


@pytest.fixture
def sink() -> IdempotentSink:
    return IdempotentSink()


@pytest.fixture
def store(tmp_path) -> CursorStore:
    return CursorStore(tmp_path / "state" / "cursors.db")

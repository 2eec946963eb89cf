"""CursorStore on PostgreSQL, where test_cursors.py cannot reach: real concurrent writers in
separate stores, and pooled connections that a server restart kills."""

import threading

import pyarrow as pa
import pytest

from connectors.base import SourceBatch
from connectors.cursors import CursorPosition, CursorStore
from connectors.exceptions import CursorConflict
from nijta.services import create_database, drop_connections

pytestmark = pytest.mark.slow  # a PostgreSQL server for the session (tests/conftest.py)


def _batch(sequence: int, start: dict | None, end: dict) -> SourceBatch:
    return SourceBatch(connector="upi", sequence=sequence, start=start, end=end,
                       records=pa.table({"id": [sequence]}))


@pytest.fixture
def url(postgres_url) -> str:
    return create_database(postgres_url)


def test_two_stores_racing_on_the_first_batch_admit_exactly_one(url):
    """Two processes' stores: both see no cursor row, both insert it; the database's key
    refuses the second, which must surface as a conflict, not a driver error."""
    stores = [CursorStore(url) for _ in range(2)]
    ready, outcomes = threading.Barrier(2), []

    def ack(store: CursorStore, end: int) -> None:
        ready.wait()
        try:
            store.acknowledge("upi", _batch(0, None, {"line": end}))
            outcomes.append(end)
        except CursorConflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=ack, args=(store, n)) for n, store in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    [winner] = [o for o in outcomes if o != "conflict"]
    assert outcomes.count("conflict") == 1
    assert stores[1].position("upi") == CursorPosition({"line": winner}, 1)
    assert len(stores[0].history("upi")) == 1
    for store in stores:
        store.close()


def test_a_server_restart_does_not_fail_the_next_acknowledgement(url):
    store = CursorStore(url)
    store.acknowledge("upi", _batch(0, None, {"line": 10}))
    assert drop_connections(url) == 1  # the store's pooled connection
    assert store.position("upi") == CursorPosition({"line": 10}, 1)
    drop_connections(url)
    store.acknowledge("upi", _batch(1, {"line": 10}, {"line": 20}))
    assert [h.sequence for h in store.history("upi")] == [0, 1]
    store.close()

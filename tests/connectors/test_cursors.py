"""CursorStore keeps each connector's cursor in SQLite or PostgreSQL and never lets it skip
or rewind."""

import threading
from collections.abc import Iterator

import pyarrow as pa
import pytest

from connectors.base import SourceBatch
from connectors.cursors import CursorPosition, CursorStore
from connectors.exceptions import CursorConflict
from nijta.services import create_database


def _batch(sequence: int, start: dict | None, end: dict, connector: str = "upi") -> SourceBatch:
    return SourceBatch(connector=connector, sequence=sequence, start=start, end=end,
                       records=pa.table({"id": [sequence]}))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def cursor_url(request, tmp_path) -> str:
    """A new cursor database: a sqlite file given as a plain path (the CLI's form), or a fresh
    database on the session's PostgreSQL server."""
    if request.param == "sqlite":
        return str(tmp_path / "state" / "cursors.db")
    return create_database(request.getfixturevalue("postgres_url"))


@pytest.fixture
def store(cursor_url) -> Iterator[CursorStore]:
    store = CursorStore(cursor_url)
    yield store
    store.close()


def test_fresh_connector_starts_at_the_beginning(store):
    assert store.position("upi") == CursorPosition(cursor=None, next_sequence=0)


def test_acknowledged_batches_move_the_cursor_and_survive_reopening(store, cursor_url):
    store.acknowledge("upi", _batch(0, None, {"line": 10}))
    store.acknowledge("upi", _batch(1, {"line": 10}, {"line": 20}))
    store.close()
    reopened = CursorStore(cursor_url if "://" in cursor_url else f"sqlite:///{cursor_url}")
    assert reopened.position("upi") == CursorPosition({"line": 20}, 2)
    assert reopened.position("other") == CursorPosition(None, 0)
    history = reopened.history("upi")
    assert [(h.sequence, h.start, h.end, h.records) for h in history] == [
        (0, None, {"line": 10}, 1), (1, {"line": 10}, {"line": 20}, 1)]
    assert history[0].batch_id == _batch(0, None, {"line": 10}).batch_id
    assert history[0].acknowledged_at.tzinfo is not None


def test_key_order_of_a_cursor_does_not_matter(store):
    store.acknowledge("upi", _batch(0, None, {"a": 1, "b": [1, 2]}))
    store.acknowledge("upi", _batch(1, {"b": (1, 2), "a": 1}, {"a": 2}))
    assert store.position("upi").next_sequence == 2


@pytest.mark.parametrize(("sequence", "start", "rule"), [
    (2, {"line": 10}, "sequence 2 but the next one is 1"),       # skips a batch
    (0, None, "sequence 0 but the next one is 1"),                # replays a batch
    (1, {"line": 5}, "starts at a cursor other than the stored"),  # gap or overlap
], ids=["ahead", "replay", "wrong-start"])
def test_out_of_order_acknowledgements_are_refused(store, sequence, start, rule):
    store.acknowledge("upi", _batch(0, None, {"line": 10}))
    with pytest.raises(CursorConflict, match=rule):
        store.acknowledge("upi", _batch(sequence, start, {"line": 30}))
    assert store.position("upi") == CursorPosition({"line": 10}, 1)
    assert len(store.history("upi")) == 1


def test_first_batch_must_start_at_the_beginning(store):
    with pytest.raises(CursorConflict, match="starts at a cursor other"):
        store.acknowledge("upi", _batch(0, {"line": 3}, {"line": 9}))
    with pytest.raises(CursorConflict, match="belongs to connector 'aa'"):
        store.acknowledge("upi", _batch(0, None, {"line": 9}, connector="aa"))


def test_concurrent_acknowledgements_of_one_batch_admit_exactly_one(store):
    store.acknowledge("upi", _batch(0, None, {"line": 1}))
    outcomes: list[str] = []

    def ack() -> None:
        try:
            store.acknowledge("upi", _batch(1, {"line": 1}, {"line": 2}))
            outcomes.append("ok")
        except CursorConflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=ack) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict"] * 3 + ["ok"]
    assert store.position("upi") == CursorPosition({"line": 2}, 2)

"""AaConnector: batches per FI session, tags, and crash-then-resume from the stored cursor."""

from __future__ import annotations

import os
from contextlib import closing
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from connectors.aa.connector import AaConnector
from connectors.aa.exceptions import AaError
from connectors.base import Connector
from connectors.configuration import load_connector_config
from connectors.cursors import CursorStore
from connectors.registry import open_connector
from policies.loading import DEFAULT_POLICY_DIR, load_policy

EXAMPLE = Path(__file__).resolve().parents[3] / "connectors" / "examples" / "aa_fiu.yaml"
TWO_CUSTOMERS = ("C000001", "C000002")


def _expected_ids(world) -> list[str]:
    consent = world.source.consent
    return [t.txn_id for customer in world.source.customers
            for t in world.sandbox.statement(customer, consent.data_from,
                                             consent.data_to).transactions]


def _connector(world) -> AaConnector:
    connector = AaConnector("aa_deposits", world.source)
    world.register(connector.notification_url)
    return connector


def test_batches_are_fi_sessions_tagged_with_the_consent(aa_world):
    world = aa_world(customers=TWO_CUSTOMERS)
    with closing(_connector(world)) as connector:
        assert isinstance(connector, Connector)
        assert connector.check().ok
        batches = list(connector.read_batches(None))
    windows = len(world.source.fetch_windows())
    assert [b.sequence for b in batches] == list(range(2 * windows))
    assert [b.end["customer"] for b in batches] == [0] * windows + [1] * windows
    ids = [txn for b in batches for txn in b.records.column("txn_id").to_pylist()]
    assert ids == _expected_ids(world)
    for batch in batches:
        assert batch.start == (batches[batch.sequence - 1].end if batch.sequence else None)
        assert batch.records.schema == connector.schema() and not batch.malformed
        assert set(batch.records.column("consent_id").to_pylist()) <= {
            batch.metadata["consent_id"]}
        assert set(batch.records.column("purpose_code").to_pylist()) <= {"103"}
        assert "@" not in str(batch.end)  # no customer handle in the stored cursor
    first = batches[0].records
    assert isinstance(first.column("amount")[0].as_py(), Decimal)
    deadline = first.column("data_life_until")[0].as_py()
    assert 180 <= (deadline - datetime.now(UTC)).days <= 184  # fetched now, DataLife 6 months
    assert batches[0].metadata["data_life_until"] == deadline.isoformat()
    assert batches[0].metadata["consent_id"] != batches[-1].metadata["consent_id"]


@pytest.mark.slow
def test_crash_after_a_batch_resumes_from_the_acknowledged_cursor(aa_world, tmp_path):
    world = aa_world(customers=TWO_CUSTOMERS)
    store = CursorStore(tmp_path / "cursors.db")
    committed: list[str] = []
    with closing(_connector(world)) as connector:
        for batch in connector.read_batches(None):
            committed += batch.records.column("txn_id").to_pylist()
            store.acknowledge(connector.name, batch)
            if batch.sequence == 2:  # mid-second customer; the next batch is read, then lost
                next(connector.read_batches(batch.end, first_sequence=3))
                break
    position = store.position("aa_deposits")
    assert position.next_sequence == 3
    with closing(_connector(world)) as connector:
        for batch in connector.read_batches(position.cursor,
                                            first_sequence=position.next_sequence):
            committed += batch.records.column("txn_id").to_pylist()
            store.acknowledge(connector.name, batch)
    assert committed == _expected_ids(world)  # no gap, no duplicate, in order
    store.close()


def test_cursor_of_another_customer_list_is_refused(aa_world):
    world = aa_world(customers=TWO_CUSTOMERS)
    with closing(_connector(world)) as connector:
        end = next(iter(connector.read_batches(None))).end
    reordered = world.source.model_copy(update={"customers": world.source.customers[::-1]})
    with closing(AaConnector("aa_deposits", reordered)) as connector, \
            pytest.raises(AaError, match=r"customers\[0\].*reset the cursor"):
        next(iter(connector.read_batches(end)))


def test_example_config_opens_an_aa_connector(monkeypatch, fiu_keys):
    for name, value in {"NIJTA_AA_URL": "http://127.0.0.1:9", "NIJTA_AA_CLIENT_API_KEY": "k",
                        "NIJTA_AA_PUBLIC_KEY": fiu_keys.public_pem,
                        "NIJTA_FIU_PRIVATE_KEY": fiu_keys.private_pem}.items():
        monkeypatch.setenv(name, value)
    config = load_connector_config(EXAMPLE)
    assert "BEGIN PRIVATE KEY" not in repr(config) and os.environ["NIJTA_AA_CLIENT_API_KEY"]
    with closing(open_connector(config)) as connector:
        assert isinstance(connector, AaConnector)
        dataset = load_policy(DEFAULT_POLICY_DIR).datasets[config.dataset]
        assert set(dataset.fields) == set(connector.schema().names)

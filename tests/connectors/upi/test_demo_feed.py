"""The sandbox PSP's demo feed as a registered connector type: the shipped example opens it
through the registry, reads every payment once, page by page, resumes from a cursor, and
`nijta connectors check` reaches it (and says so when the key is wrong, without printing it)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from typer.testing import CliRunner

from connectors.configuration import load_connector_config
from connectors.registry import open_connector
from connectors.sandbox.loopback import LoopbackServer
from connectors.sandbox.population import generate_population
from connectors.sandbox.upi_server import create_upi_sandbox_app
from connectors.sandbox.upi_transactions import generate_upi_transactions
from connectors.upi.demo_feed import DEMO_FEED_SCHEMA, UpiDemoFeedConnector
from nijta.cli import app

EXAMPLE = Path(__file__).resolve().parents[3] / "connectors" / "examples" / "upi_sandbox.yaml"
KEY = "demo-feed-key"


@pytest.fixture(scope="module")
def feed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str]]]:
    """The sandbox serving 250 synthetic payments; its URL and their ids in feed order."""
    population = generate_population(25, seed=7)
    payments = generate_upi_transactions(population, n_transactions=250, days=2, seed=7)
    path = tmp_path_factory.mktemp("sources") / "transactions.parquet"
    payments.transactions.to_parquet(path, index=False)
    with LoopbackServer(create_upi_sandbox_app(path, api_key=KEY)) as server:
        yield server.url, list(payments.transactions["txn_id"])


@pytest.fixture
def example(feed, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("NIJTA_UPI_SANDBOX_URL", feed[0])
    monkeypatch.setenv("NIJTA_UPI_SANDBOX_KEY", KEY)
    config = load_connector_config(EXAMPLE)
    return config.model_copy(update={"source": config.source.model_copy(
        update={"page_size": 100})})


def test_the_example_reads_every_payment_once_page_by_page(example, feed) -> None:
    with closing(open_connector(example)) as connector:
        assert isinstance(connector, UpiDemoFeedConnector)
        assert connector.schema() == DEMO_FEED_SCHEMA
        batches = list(connector.read_batches(None))
    assert [(b.sequence, b.start, b.end) for b in batches] == [
        (0, None, {"page": 1}), (1, {"page": 1}, {"page": 2}), (2, {"page": 2}, {"page": 3})]
    assert [i for b in batches for i in b.records.column("txn_id").to_pylist()] == feed[1]


def test_a_cursor_resumes_after_its_page(example, feed) -> None:
    with closing(open_connector(example)) as connector:
        rest = list(connector.read_batches({"page": 2}, first_sequence=2))
    assert [(b.sequence, b.start) for b in rest] == [(2, {"page": 2})]
    assert rest[0].records.column("txn_id").to_pylist() == feed[1][200:]


def test_connectors_check_reaches_the_feed_and_names_a_wrong_key(feed, monkeypatch) -> None:
    monkeypatch.setenv("NIJTA_UPI_SANDBOX_URL", feed[0])
    monkeypatch.setenv("NIJTA_UPI_SANDBOX_KEY", KEY)
    good = CliRunner().invoke(app, ["connectors", "check", str(EXAMPLE)])
    monkeypatch.setenv("NIJTA_UPI_SANDBOX_KEY", "not-the-key")
    bad = CliRunner().invoke(app, ["connectors", "check", str(EXAMPLE)])
    assert good.exit_code == 0, good.output
    assert "valid (upi_demo_feed connector 'upi_sandbox')" in good.output
    assert "/v1/transactions: 250 records" in good.output
    assert bad.exit_code == 1 and "NOT reachable" in bad.output and "401" in bad.output
    assert "not-the-key" not in bad.output

"""Small sources of every connector type, each with what it holds, for the pipeline tests; one
real Kafka broker (KRaft, loopback) per test session, with fresh topics and synthetic events.

Every source holds a few hundred records of one synthetic population (some malformed, as the
sandboxes make them) and is read in batches small enough to give at least three batches.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest
from confluent_kafka import Producer
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import SecretStr

from connectors.aa.configuration import AaFiuSource
from connectors.configuration import (
    ConnectorConfig,
    UpiCsvSource,
    UpiDemoFeedSource,
    UpiSandboxSource,
)
from connectors.core_banking import (
    CoreBankingDelimitedSource,
    CoreBankingFixedWidthSource,
    CoreBankingSqlSource,
)
from connectors.sandbox.aa_server import AaSandbox, create_aa_sandbox_app
from connectors.sandbox.core_banking import (
    generate_htd,
    write_delimited_extracts,
    write_fixed_width_extracts,
    write_htd_table,
)
from connectors.sandbox.loopback import LoopbackServer
from connectors.sandbox.population import generate_population
from connectors.sandbox.upi_server import create_upi_sandbox_app
from connectors.sandbox.upi_switch_export import issuer_switch_export, write_daily_csv_exports
from connectors.sandbox.upi_transactions import UpiDataset, generate_upi_transactions
from connectors.telemetry.configuration import KafkaTelemetrySource
from ingest.telemetry.broker import KafkaBroker
from nijta.configuration import Workspace

SEED = 23
CB_KEY = ("tran_date", "tran_id", "part_tran_srl_num")
EventFactory = Callable[..., dict[str, Any]]


@dataclass(frozen=True)
class Source:
    """A running source, the connector config that reads it and what it holds."""

    config: ConnectorConfig
    key_columns: tuple[str, ...]
    """Bronze columns that identify a record (kept as is by the field plan)."""
    keys: Counter[tuple[Any, ...]]
    """Every record the source holds, by its key (malformed and withheld ones included)."""
    withheld: int = 0
    """Records among ``keys`` a rule forbids keeping (children's telemetry)."""


def process_alive(pid: int) -> bool:
    """Whether ``pid`` is still a running process (not a reaped or zombie one)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


@pytest.fixture(scope="session")
def kafka_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KafkaBroker]:
    with KafkaBroker(tmp_path_factory.mktemp("kafka")) as broker:
        pid = broker.pid
        yield broker
    assert pid is not None and not process_alive(pid), "the broker JVM outlived the session"


@pytest.fixture
def is_running() -> Callable[[int], bool]:
    return process_alive


@pytest.fixture
def topic(kafka_broker: KafkaBroker) -> str:
    """A new three-partition topic per test."""
    name = f"app-events-{uuid.uuid4().hex[:8]}"
    kafka_broker.create_topic(name, partitions=3)
    return name


@pytest.fixture
def app_event() -> EventFactory:
    """Valid synthetic ``AppEvent`` JSON objects; keyword arguments override fields."""
    start = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    principals = [f"tok_{uuid.uuid4().hex}" for _ in range(12)]

    def make(i: int = 0, **overrides: Any) -> dict[str, Any]:
        event: dict[str, Any] = {
            "event_id": uuid.uuid4().hex,
            "principal": principals[i % len(principals)],
            "session_id": f"sess_{i // 5:08d}",
            "event_type": "screen_view",
            "screen": ("home", "pay/confirm", "history")[i % 3],
            "ts": (start + timedelta(seconds=i)).isoformat(),
            "device": {"model": "Redmi Note 13", "os": "android", "os_version": "14",
                       "app_version": "5.2.1"},
            "location": {"geohash": "tdr1v", "city": "Bengaluru", "state": "Karnataka"},
            "age_band": "25_34",
        }
        event.update(overrides)
        return event

    return make


@pytest.fixture
def produce(kafka_broker: KafkaBroker,
            ) -> Iterator[Callable[[str, Sequence[dict[str, Any] | bytes]], None]]:
    """Produce events (dicts as JSON, bytes as they are) keyed by principal, and flush."""
    producer = Producer({"bootstrap.servers": kafka_broker.bootstrap_servers,
                         "enable.idempotence": True})

    def send(topic: str, events: Sequence[dict[str, Any] | bytes]) -> None:
        for event in events:
            if isinstance(event, bytes):
                producer.produce(topic, value=event)
            else:
                producer.produce(topic, key=event["principal"].encode(),
                                 value=json.dumps(event).encode())
            producer.poll(0)
        assert producer.flush(30) == 0

    yield send
    producer.close()


@pytest.fixture
def upi_record() -> Callable[..., dict[str, Any]]:
    """A UPI transaction record as the demo feed delivers it: ``upi_record(i, **overrides)``."""
    def make(i: int, **overrides: Any) -> dict[str, Any]:
        # Not real identifiers: python-stdnum's documented examples or made-up shapes.
        record = {
            "txn_id": f"NIJ{i:032X}", "rrn": f"{400000000000 + i}",
            "event_ts": "2026-08-03T14:05:09Z", "payer_vpa": "asha.rao@oksbi",
            "payer_name": "Asha Rao", "payer_mobile": "9845012763",
            "payer_account": "123456789012", "payer_ifsc": "SBIN0001234",
            "payee_vpa": "kirana.77@okicici", "payee_name": "Kirana", "payee_type": "MERCHANT",
            "mcc": "5411", "amount": 250.0, "currency": "INR", "status": "SUCCESS",
            "remarks": "groceries", "is_fraud": False,
        }
        return {**record, **overrides}
    return make


@pytest.fixture(scope="session")
def population() -> pd.DataFrame:
    return generate_population(40, seed=SEED)


@pytest.fixture(scope="session")
def payments(population) -> UpiDataset:
    return generate_upi_transactions(population, n_transactions=300, days=3, seed=SEED,
                                     start=datetime(2026, 8, 1, tzinfo=UTC),
                                     malformed_rate=0.02)


@pytest.fixture(scope="session")
def switch_export(payments, population) -> pd.DataFrame:
    return issuer_switch_export(payments, population, seed=SEED)


@pytest.fixture(scope="session")
def htd(population) -> pa.Table:
    return generate_htd(population, start=date(2026, 1, 12), days=3, transactions_per_day=45,
                        reversal_share=0.1, seed=SEED)


def _config(name: str, source: Any, dataset: str, purpose: str = "fraud_detection",
            **extra: Any) -> ConnectorConfig:
    return ConnectorConfig(name=name, source=source, dataset=dataset, purpose=purpose,
                           sink={"bronze_table": name}, **extra)


def _keys(rows: list[tuple[Any, ...]]) -> Counter[tuple[Any, ...]]:
    return Counter(rows)


def _rsa_pem() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return (key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption()).decode(),
            key.public_key().public_bytes(serialization.Encoding.PEM,
                                          serialization.PublicFormat.SubjectPublicKeyInfo)
            .decode())


class _Sources:
    """Starts sources under ``root``; servers stop with the test."""

    def __init__(self, root: Path, stack: ExitStack, request: pytest.FixtureRequest) -> None:
        self.root, self.stack, self.request = root, stack, request

    def _fixture(self, name: str) -> Any:
        return self.request.getfixturevalue(name)

    def demo_feed(self, page_size: int = 80) -> Source:
        payments = self._fixture("payments")
        path = self.root / "sources" / "demo.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        payments.transactions.to_parquet(path, index=False)
        key = secrets.token_urlsafe(12)
        server = self.stack.enter_context(LoopbackServer(create_upi_sandbox_app(path,
                                                                                api_key=key)))
        source = UpiDemoFeedSource(type="upi_demo_feed", base_url=server.url,
                                   api_key=SecretStr(key), page_size=page_size)
        return Source(_config("upi_demo", source, "upi_transactions"), ("txn_id",),
                      _keys([(t,) for t in payments.transactions["txn_id"]]))

    def upi_api(self) -> Source:
        export = self._fixture("switch_export")
        path = self.root / "sources" / "switch.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        export.to_parquet(path, index=False)
        key = secrets.token_urlsafe(12)
        app = create_upi_sandbox_app(api_key=key, switch_export=path,
                                     clock=lambda: datetime(2030, 1, 1, tzinfo=UTC))
        server = self.stack.enter_context(LoopbackServer(app))
        source = UpiSandboxSource(type="upi_sandbox", base_url=server.url,
                                  api_key=SecretStr(key), page_size=110)
        return Source(_config("upi_api", source, "upi_switch_transactions"),
                      ("TransactionID",), _keys([(t,) for t in export["TransactionID"]]))

    def upi_csv(self) -> Source:
        export = self._fixture("switch_export")
        folder = self.root / "sources" / "upi_switch"
        write_daily_csv_exports(export, folder)
        source = UpiCsvSource(type="upi_csv", directory=folder, batch_size=200)
        return Source(_config("upi_csv", source, "upi_switch_transactions"),
                      ("TransactionID",), _keys([(t,) for t in export["TransactionID"]]))

    def aa_fiu(self) -> Source:
        population = self._fixture("population")
        sandbox = AaSandbox(population)
        server = self.stack.enter_context(LoopbackServer(create_aa_sandbox_app(sandbox)))
        private, public = _rsa_pem()
        customers = ("C000001", "C000002")
        consent = {"purpose_code": "105", "data_life": {"unit": "MONTH", "value": 6},
                   "frequency": {"unit": "DAY", "value": 4},
                   "data_from": "2025-01-01T00:00:00+05:30",
                   "data_to": "2025-03-01T00:00:00+05:30"}
        source = AaFiuSource(
            type="aa_fiu", base_url=server.url, aa_id=sandbox.aa_id,
            aa_public_key=sandbox.public_key_pem, fiu_id="nijta-fiu",
            client_api_key=SecretStr("fiu-key"), private_key=SecretStr(private),
            key_id="fiu-key-1", customers=tuple(sandbox.handle_of(c) for c in customers),
            consent=consent, poll_interval_s=0.2, consent_timeout_s=10, timeout_s=5)
        sandbox.register_fiu("nijta-fiu", api_key="fiu-key", public_key_pem=public,
                             notification_url=None, notification_api_key=None)
        ids = [(t.txn_id,) for handle in source.customers
               for t in sandbox.statement(handle, source.consent.data_from,
                                          source.consent.data_to).transactions]
        return Source(_config("aa_deposits", source, "aa_deposit_transactions",
                              purpose="credit_underwriting"), ("txn_id",), _keys(ids))

    def _htd_keys(self) -> Counter[tuple[Any, ...]]:
        return _keys(list(zip(*(self._fixture("htd").column(c).to_pylist() for c in CB_KEY),
                              strict=True)))

    def cbs_fixed_width(self) -> Source:
        folder = self.root / "sources" / "fixed_width"
        write_fixed_width_extracts(self._fixture("htd"), folder, malformed_per_file=2)
        source = CoreBankingFixedWidthSource(type="core_banking_fixed_width", folder=folder,
                                             batch_size=200)
        return Source(_config("cbs_fixed", source, "core_banking_transactions"), CB_KEY,
                      self._htd_keys())

    def cbs_delimited(self) -> Source:
        folder = self.root / "sources" / "pipe"
        write_delimited_extracts(self._fixture("htd"), folder, malformed_per_file=2)
        source = CoreBankingDelimitedSource(type="core_banking_delimited", folder=folder,
                                            batch_size=200)
        return Source(_config("cbs_pipe", source, "core_banking_transactions"), CB_KEY,
                      self._htd_keys())

    def kafka_telemetry(self) -> Source:
        """App events on a fresh topic: adults', children's (withheld) and refused ones."""
        topic, make = self._fixture("topic"), self._fixture("app_event")
        adults = [make(i) for i in range(270)]
        children = [make(1000 + i, principal=f"tok_{uuid.uuid4().hex}", age_band="under_18")
                    for i in range(12)]
        refused = [make(2000 + i, location={"lat": 12.97, "lon": 77.59}) for i in range(6)]
        self._fixture("produce")(topic, [*adults, *children, *refused])
        broker = self._fixture("kafka_broker")
        source = KafkaTelemetrySource(type="kafka_telemetry",
                                      bootstrap_servers=broker.bootstrap_servers, topic=topic,
                                      batch_size=100, idle_timeout_s=20)
        return Source(_config("app_telemetry", source, "app_telemetry_events"), ("event_id",),
                      _keys([(e["event_id"],) for e in [*adults, *children, *refused]]),
                      withheld=len(children))

    def cbs_sql(self) -> Source:
        url = f"sqlite:///{self.root / 'sources' / 'finacle.db'}"
        (self.root / "sources").mkdir(parents=True, exist_ok=True)
        write_htd_table(self._fixture("htd"), url, malformed_rows=2)
        source = CoreBankingSqlSource(type="core_banking_sql", url=SecretStr(url),
                                      batch_size=150)
        return Source(_config("cbs_sql", source, "core_banking_transactions"), CB_KEY,
                      self._htd_keys())


@pytest.fixture
def sources(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[_Sources]:
    with ExitStack() as stack:
        yield _Sources(tmp_path, stack, request)


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return Workspace(tmp_path / "ws")


@pytest.fixture
def bronze_keys(spark) -> Callable[[Workspace, Source], Counter[tuple[Any, ...]]]:
    def read(ws: Workspace, source: Source) -> Counter[tuple[Any, ...]]:
        path = ws.bronze_table(source.config.sink.bronze_table)
        rows = spark.read.format("delta").load(str(path)).select(*source.key_columns).collect()
        return Counter(tuple(row) for row in rows)
    return read


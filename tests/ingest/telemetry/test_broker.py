"""The loopback broker: jars fetched once with mvn and reused, listening on 127.0.0.1 only,
gone after its ``with`` block, also when the block fails, and back with its topics when
started again on the same folder."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest
from confluent_kafka.admin import AdminClient

from ingest.telemetry.broker import (
    KafkaBroker,
    fetch_kafka_jars,
    kafka_libs,
    random_cluster_id,
)
from ingest.telemetry.exceptions import KafkaJarsMissing


def listening_sockets(pid: int) -> set[tuple[str, int]]:
    """(address, port) of every TCP socket of ``pid`` in LISTEN state, from /proc."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        target = fd.readlink().name if fd.is_symlink() else ""
        if target.startswith("socket:["):
            inodes.add(target[len("socket:["):-1])
    found = set()
    for table, width in ((Path("/proc/net/tcp"), 4), (Path("/proc/net/tcp6"), 16)):
        for line in table.read_text().splitlines()[1:]:
            cols = line.split()
            if cols[3] == "0A" and cols[9] in inodes:  # 0A: TCP_LISTEN
                address, port = cols[1].split(":")
                raw = bytes.fromhex(address)
                words = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
                family = socket.AF_INET if width == 4 else socket.AF_INET6
                found.add((socket.inet_ntop(family, words), int(port, 16)))
    return found


def test_cached_jars_need_neither_mvn_nor_network(monkeypatch: pytest.MonkeyPatch) -> None:
    libs = kafka_libs()
    monkeypatch.setenv("PATH", "/nonexistent")
    started = time.monotonic()
    assert fetch_kafka_jars() == libs
    assert time.monotonic() - started < 1
    assert any(p.name.startswith("kafka_2.13-4.4.0") for p in libs.glob("*.jar"))


def test_missing_jars_say_how_to_fetch_them(tmp_path: Path) -> None:
    with pytest.raises(KafkaJarsMissing, match=r"ingest\.telemetry\.broker fetch"):
        KafkaBroker(tmp_path / "kafka", cache_dir=tmp_path / "empty-cache").start()


@pytest.mark.slow
def test_the_broker_listens_on_loopback_only(kafka_broker: KafkaBroker) -> None:
    assert kafka_broker.pid is not None
    listening = listening_sockets(kafka_broker.pid)
    assert {port for _, port in listening} >= {kafka_broker.port, kafka_broker.controller_port}
    assert {address for address, _ in listening} == {"127.0.0.1"}
    admin = AdminClient({"bootstrap.servers": kafka_broker.bootstrap_servers})
    brokers = admin.list_topics(timeout=10).brokers
    assert [(b.host, b.port) for b in brokers.values()] == [("127.0.0.1", kafka_broker.port)]


@pytest.mark.slow
def test_the_broker_is_stopped_when_its_block_fails_and_restarts_on_its_data(
        tmp_path: Path, is_running) -> None:
    with pytest.raises(RuntimeError, match="the demo failed"), \
            KafkaBroker(tmp_path / "kafka") as broker:
        pid, port = broker.pid, broker.port
        assert pid is not None and is_running(pid)
        broker.create_topic("kept", partitions=2)
        raise RuntimeError("the demo failed")
    assert not is_running(pid)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2)

    with KafkaBroker(tmp_path / "kafka") as again:
        admin = AdminClient({"bootstrap.servers": again.bootstrap_servers})
        assert len(admin.list_topics("kept", timeout=10).topics["kept"].partitions) == 2


def test_cluster_ids_never_look_like_an_option() -> None:
    ids = {random_cluster_id() for _ in range(2000)}
    assert len(ids) == 2000
    assert all(len(i) == 22 and not i.startswith("-") for i in ids)

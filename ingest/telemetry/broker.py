"""A real single-node Kafka broker (KRaft: broker and controller in one JVM) on loopback.

The jars come from Maven Central (``org.apache.kafka:kafka_2.13``) through ``mvn
dependency:copy-dependencies`` into ``.cache/kafka/libs``, once, the way
``featurestore/jars.py`` caches the Delta jars; ``scripts/bootstrap.sh`` runs the fetch so no
test or demo waits for it. A broker formats its own storage under a folder you give it (random
cluster id; a folder formatted before is reused with its topics and offsets), listens on two
free 127.0.0.1 ports (clients, controller) and is stopped with SIGTERM — a controlled
shutdown — when the ``with`` block ends (SIGKILL if that hangs; an ``atexit`` hook covers an
interpreter that exits without leaving the block).

Usage::

    python -m ingest.telemetry.broker fetch          # idempotent; prints the jar folder
    python -m ingest.telemetry.broker run /tmp/kafka # a broker until Ctrl-C

    with KafkaBroker(Path("/tmp/kafka")) as broker:
        broker.create_topic("app-events", partitions=3)
        Producer({"bootstrap.servers": broker.bootstrap_servers})
"""

from __future__ import annotations

import atexit
import base64
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from types import TracebackType
from typing import IO, Self

from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient, NewTopic

from ingest.telemetry.exceptions import KafkaBrokerError, KafkaJarsMissing
from nijta.maven import MavenFetchFailed, copy_dependencies
from nijta.services.process import stop_process

__all__ = ["DEFAULT_CACHE_DIR", "KAFKA_ARTIFACTS", "KafkaBroker", "fetch_kafka_jars",
           "kafka_libs", "random_cluster_id"]

KAFKA_ARTIFACTS = (
    "org.apache.kafka:kafka_2.13:4.4.0",
    # Kafka logs through SLF4J 1.7 and brings log4j-core, but not the binding between them:
    # without it every broker message, fatal start-up errors included, goes nowhere.
    # Same version as the log4j-core kafka_2.13 4.4.0 depends on.
    "org.apache.logging.log4j:log4j-slf4j-impl:2.25.5",
)
DEFAULT_CACHE_DIR = Path(__file__).resolve().parents[2] / ".cache" / "kafka"
MIN_JAVA = 17
"""Kafka 4.x brokers are compiled for Java 17 (class file version 61)."""
DEFAULT_HEAP = "512m"
DEFAULT_START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 30.0
_MANIFEST = "manifest.json"

_LOG4J2 = """rootLogger.level = WARN
rootLogger.appenderRef.file.ref = file
appender.file.type = File
appender.file.name = file
appender.file.fileName = {log}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = %d %p %c: %m%n
"""


def fetch_kafka_jars(cache_dir: Path = DEFAULT_CACHE_DIR) -> Path:
    """Fetch the broker's jars with ``mvn`` unless the cache holds them; return the folder."""
    libs = cache_dir / "libs"
    if _cached_artifacts(libs) == list(KAFKA_ARTIFACTS):
        return libs
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kafka-fetch-", dir=cache_dir) as tmp:
        download = Path(tmp) / "libs"
        try:
            jars = copy_dependencies(KAFKA_ARTIFACTS, download)
        except MavenFetchFailed as exc:
            raise KafkaJarsMissing(f"{exc} (into {libs})") from exc
        (download / _MANIFEST).write_text(
            json.dumps({"artifacts": list(KAFKA_ARTIFACTS), "jars": jars}, indent=2))
        # The manifest travels with the jars in one rename: a half-written folder never
        # looks cached.
        shutil.rmtree(libs, ignore_errors=True)
        download.rename(libs)
    return libs


def kafka_libs(cache_dir: Path = DEFAULT_CACHE_DIR) -> Path:
    """The cached jar folder; raises :class:`KafkaJarsMissing` when it is not fetched yet."""
    libs = cache_dir / "libs"
    if _cached_artifacts(libs) != list(KAFKA_ARTIFACTS):
        raise KafkaJarsMissing(f"the Kafka jars ({KAFKA_ARTIFACTS[0]}) are not in {libs}; run "
                               "`make setup` or `python -m ingest.telemetry.broker fetch`.")
    return libs


def _cached_artifacts(libs: Path) -> list[str] | None:
    try:
        return json.loads((libs / _MANIFEST).read_text())["artifacts"]
    except (OSError, ValueError, KeyError):
        return None


def _java() -> str:
    home = os.environ.get("JAVA_HOME")
    java = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    if java is None:
        raise KafkaBrokerError(f"java is not on PATH; Kafka needs Java {MIN_JAVA}+.")
    version = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    found = re.search(r'version "(\d+)', version.stderr)
    if found is None or int(found.group(1)) < MIN_JAVA:
        raise KafkaBrokerError(f"{java} is not Java {MIN_JAVA}+ (Kafka 4.x needs it): "
                               f"{version.stderr.splitlines()[:1]}")
    return java


def _free_loopback_ports(count: int) -> list[int]:
    sockets = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def random_cluster_id() -> str:
    """What ``kafka-storage random-uuid`` prints: 16 random bytes, URL-safe base64, never
    starting with ``-`` (Kafka's ``Uuid.randomUuid`` rule: the tools would read an option)."""
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
        if not cluster_id.startswith("-"):
            return cluster_id


class KafkaBroker:
    """A KRaft broker+controller JVM on 127.0.0.1, its storage and logs under ``folder``."""

    def __init__(self, folder: Path, *, cache_dir: Path = DEFAULT_CACHE_DIR,
                 heap: str = DEFAULT_HEAP,
                 start_timeout_s: float = DEFAULT_START_TIMEOUT_S) -> None:
        self.folder = folder
        self._cache_dir, self._heap, self._start_timeout_s = cache_dir, heap, start_timeout_s
        self._process: subprocess.Popen[bytes] | None = None
        self._output: IO[bytes] | None = None
        self.port = 0
        self.controller_port = 0

    @property
    def bootstrap_servers(self) -> str:
        """``127.0.0.1:<port>`` for ``bootstrap.servers``."""
        if self._process is None:
            raise KafkaBrokerError(f"the broker in {self.folder} is not running; start it first")
        return f"127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        """The JVM's process id while it runs."""
        return self._process.pid if self._process is not None else None

    @property
    def log_file(self) -> Path:
        return self.folder / "broker.log"

    def start(self) -> None:
        """Format storage unless the folder holds it already, start the JVM, wait until it
        answers."""
        java, libs = _java(), kafka_libs(self._cache_dir)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port, self.controller_port = _free_loopback_ports(2)
        properties = self._write_config()
        # C1 only and the serial collector: a loopback broker starts in half the CPU time,
        # which is what tests and the demo wait on; its throughput is not the bottleneck.
        jvm = [java, f"-Xmx{self._heap}", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
               "-Djava.awt.headless=true", "-Djava.net.preferIPv4Stack=true",
               f"-Dlog4j2.configurationFile={self.folder / 'log4j2.properties'}",
               "-cp", f"{libs}/*"]
        if not (self.folder / "data" / "meta.properties").exists():
            self._format(jvm, properties)
        self._output = (self.folder / "broker.out").open("ab")
        self._process = subprocess.Popen([*jvm, "kafka.Kafka", str(properties)],
                                         stdout=self._output, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL)
        atexit.register(self.stop)
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise

    def _format(self, jvm: list[str], properties: Path) -> None:
        formatted = subprocess.run(
            [*jvm, "kafka.tools.StorageTool", "format", "--cluster-id", random_cluster_id(),
             "--config", str(properties)],
            capture_output=True, text=True, check=False)
        if formatted.returncode != 0:
            raise KafkaBrokerError(f"formatting Kafka storage in {self.folder / 'data'} "
                                   f"failed:\n{formatted.stdout[-1500:]}{formatted.stderr[-1500:]}")

    def _write_config(self) -> Path:
        settings = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.voters": f"1@127.0.0.1:{self.controller_port}",
            "listeners": f"PLAINTEXT://127.0.0.1:{self.port},"
                         f"CONTROLLER://127.0.0.1:{self.controller_port}",
            "advertised.listeners": f"PLAINTEXT://127.0.0.1:{self.port}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "log.dirs": str(self.folder / "data"),
            "auto.create.topics.enable": "false",
            # One node: every internal topic has one replica, and one partition each keeps
            # the first consumer-group commit from waiting on 50 coordinator loads.
            "offsets.topic.replication.factor": "1",
            "offsets.topic.num.partitions": "1",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "transaction.state.log.num.partitions": "1",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            "group.initial.rebalance.delay.ms": "0",
        }
        properties = self.folder / "server.properties"
        properties.write_text("".join(f"{k}={v}\n" for k, v in settings.items()))
        (self.folder / "log4j2.properties").write_text(_LOG4J2.format(log=self.log_file))
        return properties

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self._start_timeout_s
        admin: AdminClient | None = None
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                raise KafkaBrokerError(f"the broker in {self.folder} exited with "
                                       f"{self._process.returncode}:\n{self._log_tail()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    pass
                admin = admin or AdminClient({"bootstrap.servers": self.bootstrap_servers,
                                              "log_level": 0})
                if admin.list_topics(timeout=2).brokers:
                    return
            except (OSError, KafkaException):
                time.sleep(0.1)
        raise KafkaBrokerError(f"the broker in {self.folder} did not answer on port {self.port} "
                               f"within {self._start_timeout_s:.0f} s:\n{self._log_tail()}")

    def _log_tail(self) -> str:
        lines: list[str] = []
        for log in (self.folder / "broker.out", self.log_file):
            if log.exists():
                lines += log.read_text(errors="replace").splitlines()[-15:]
        return "\n".join(lines) or "(no broker output)"

    def create_topic(self, name: str, *, partitions: int = 1) -> None:
        """Create ``name`` with one replica; returns once every partition has a leader."""
        admin = AdminClient({"bootstrap.servers": self.bootstrap_servers})
        future = admin.create_topics([NewTopic(name, num_partitions=partitions,
                                               replication_factor=1)])[name]
        try:
            future.result(timeout=30)
        except KafkaException as exc:
            raise KafkaBrokerError(f"creating topic {name!r} on {self.bootstrap_servers} "
                                   f"failed: {exc}") from exc
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            topic = admin.list_topics(name, timeout=10).topics.get(name)
            leaders = [p.leader for p in topic.partitions.values()] if topic else []
            if len(leaders) == partitions and min(leaders) >= 0:
                return
            time.sleep(0.05)
        raise KafkaBrokerError(f"topic {name!r} on {self.bootstrap_servers} has no leader "
                               f"after 30 s; see {self.log_file}")

    def stop(self) -> None:
        """Controlled shutdown (SIGTERM), SIGKILL after ``STOP_TIMEOUT_S``; idempotent."""
        process, self._process = self._process, None
        atexit.unregister(self.stop)
        stop_process(process, stop_signal=signal.SIGTERM, timeout_s=STOP_TIMEOUT_S)
        if self._output is not None:
            self._output.close()
            self._output = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def main(argv: list[str]) -> int:
    """``fetch`` the jars, or ``run FOLDER``: a broker until Ctrl-C."""
    if argv[1:] == ["fetch"]:
        print(f"{KAFKA_ARTIFACTS[0]}: jars in {fetch_kafka_jars()}")
        return 0
    if len(argv) == 3 and argv[1] == "run":
        stopped = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):  # both end in a controlled shutdown
            signal.signal(signum, lambda *_: stopped.set())
        with KafkaBroker(Path(argv[2])) as broker:
            print(f"Kafka on {broker.bootstrap_servers} (logs: {broker.log_file}); Ctrl-C stops",
                  flush=True)
            while not stopped.wait(1):
                pass
        return 0
    print("usage: python -m ingest.telemetry.broker fetch | run FOLDER", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))

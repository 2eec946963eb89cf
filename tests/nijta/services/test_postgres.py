"""TemporaryPostgres: a real server on loopback only, a database per caller, stopped after a
failure; missing binaries, a crashing and a silent server each give an error naming why."""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from nijta.services import (
    PostgresServiceError,
    TemporaryPostgres,
    create_database,
    find_postgres_bin,
)
from nijta.services import postgres as module


@pytest.fixture
def open_folder() -> Iterator[Path]:
    """A folder under /tmp that the server's user (``nobody`` when we are root) can reach."""
    folder = Path(tempfile.mkdtemp(prefix="nijta-pg-test-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _scalar(url: str, sql: str) -> object:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(sql)).scalar()
    finally:
        engine.dispose()


@pytest.mark.slow
def test_the_session_server_listens_on_loopback_only(postgres_url):
    assert postgres_url.startswith("postgresql+psycopg://nijta@127.0.0.1:")
    assert _scalar(postgres_url, "SHOW listen_addresses") == "127.0.0.1"
    assert _scalar(postgres_url, "SHOW fsync") == "off"
    data = Path(str(_scalar(postgres_url, "SHOW data_directory")))
    owner = data.stat().st_uid
    assert owner == (module.pwd.getpwnam("nobody").pw_uid if os.geteuid() == 0 else os.geteuid())


@pytest.mark.slow
def test_each_created_database_is_new_and_empty(postgres_url):
    first, second = create_database(postgres_url), create_database(postgres_url)
    assert first != second
    engine = create_engine(first)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x int)"))
    engine.dispose()
    assert _scalar(second, "SELECT count(*) FROM pg_tables WHERE tablename = 't'") == 0
    with pytest.raises(PostgresServiceError, match="not a lower-case identifier"):
        create_database(postgres_url, "x; DROP DATABASE nijta")


@pytest.mark.slow
def test_the_server_stops_when_the_block_fails(open_folder):
    with pytest.raises(RuntimeError, match="test failed"), \
            TemporaryPostgres(open_folder / "pg") as server:
        pid, port = server.pid, server.port
        assert _scalar(server.url, "SELECT current_database()") == "nijta"
        raise RuntimeError("test failed")
    assert pid is not None and server.pid is None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_missing_binaries_say_how_to_install_them(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(module, "POSTGRES_LIB_ROOT", tmp_path / "no-postgresql")
    with pytest.raises(PostgresServiceError, match=r"neither on PATH nor in .*make setup"):
        find_postgres_bin()
    with pytest.raises(PostgresServiceError, match="has no executable initdb or postgres"):
        TemporaryPostgres(tmp_path / "pg", bin_dir=tmp_path).start()


def _fake_server(folder: Path, postgres_body: str) -> Path:
    """A bin folder whose initdb only marks the data folder and whose postgres runs
    ``postgres_body``."""
    bin_dir = folder / "bin"
    bin_dir.mkdir()
    for name, body in (("initdb", 'mkdir -p "$2" && echo 15 > "$2/PG_VERSION"'),
                       ("postgres", postgres_body)):
        (bin_dir / name).write_text(f"#!/bin/sh\n{body}\n")
        (bin_dir / name).chmod(0o755)
    return bin_dir


def test_a_server_that_exits_at_start_names_its_log(open_folder):
    bin_dir = _fake_server(open_folder, 'echo "FATAL:  out of shared memory" >&2; exit 1')
    server = TemporaryPostgres(open_folder / "pg", bin_dir=bin_dir)
    with pytest.raises(PostgresServiceError, match="exited with 1 while starting") as caught:
        server.start()
    assert str(server.log_file) in str(caught.value)
    assert "out of shared memory" in str(caught.value) and server.pid is None


def test_a_server_that_never_answers_times_out_and_is_stopped(open_folder):
    bin_dir = _fake_server(open_folder, "exec sleep 60")
    server = TemporaryPostgres(open_folder / "pg", bin_dir=bin_dir, start_timeout_s=1)
    with pytest.raises(PostgresServiceError, match=r"did not accept connections on "
                       r"127\.0\.0\.1:\d+ within 1 s") as caught:
        server.start()
    assert str(server.log_file) in str(caught.value) and server.pid is None

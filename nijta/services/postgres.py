"""A throwaway PostgreSQL server on 127.0.0.1, for the tests and demos of the SQL stores.

:class:`TemporaryPostgres` runs ``initdb`` in a folder you give it (trust authentication,
UTF-8, C locale, role ``nijta``), starts ``postgres`` listening on a free 127.0.0.1 port only
(its Unix socket in the same folder, not ``/var/run/postgresql``), with ``fsync`` and
synchronous commit off: a crash may lose the data, which a throwaway server does not mind,
and every commit is a few times faster. It waits until the server accepts connections,
creates a database and, when the ``with`` block ends, even after a failure, stops the server
with a fast shutdown (SIGINT, what ``pg_ctl stop -m fast`` sends; SIGKILL if that hangs). An
``atexit`` hook covers an interpreter that exits without leaving the block.

The binaries are taken from the folder of ``initdb`` on ``PATH``, else from the newest
``/usr/lib/postgresql/<major>/bin`` (Debian's ``postgresql`` package, which
``scripts/bootstrap.sh`` installs). ``initdb`` and ``postgres`` refuse to run as root: a root
process (containers, CI) runs both through ``setpriv`` as an unprivileged user (``nobody`` by
default) and hands ``folder`` to that user, so every folder above it must be searchable by
that user: ``tempfile.mkdtemp()`` under ``/tmp`` is, pytest's ``/tmp/pytest-of-root/…`` is
not. The database URLs use the psycopg 3 driver (``postgresql+psycopg://``).

Usage::

    with TemporaryPostgres(Path(tempfile.mkdtemp(prefix="nijta-pg-"))) as server:
        store = CursorStore(server.url)
        other = ConsentRegistry(create_database(server.url))   # a fresh, empty database
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path
from types import TracebackType
from typing import IO, Self

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from nijta.services.exceptions import PostgresServiceError
from nijta.services.process import stop_process

__all__ = ["DEFAULT_RUN_AS", "DEFAULT_START_TIMEOUT_S", "POSTGRES_LIB_ROOT", "ROLE",
           "TemporaryPostgres", "create_database", "drop_connections", "find_postgres_bin"]

POSTGRES_LIB_ROOT = Path("/usr/lib/postgresql")
"""Where Debian installs each major version's binaries (``<major>/bin``)."""
ROLE = "nijta"
"""The superuser role initdb creates; it logs in without a password (loopback only)."""
DEFAULT_RUN_AS = "nobody"
DEFAULT_START_TIMEOUT_S = 60.0
INITDB_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 30.0
_SOCKET_PATH_MAX = 107  # sun_path of a Unix socket, which postgres names .s.PGSQL.<port>
_DATABASE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def find_postgres_bin() -> Path:
    """The folder holding ``initdb`` and ``postgres``.

    Raises:
        PostgresServiceError: neither ``PATH`` nor :data:`POSTGRES_LIB_ROOT` has them.
    """
    candidates = []
    if (on_path := shutil.which("initdb")) is not None:
        candidates.append(Path(on_path).resolve().parent)
    candidates += sorted(POSTGRES_LIB_ROOT.glob("*/bin"), key=_major, reverse=True)
    for folder in candidates:
        if not _missing_binaries(folder):
            return folder
    raise PostgresServiceError(
        f"PostgreSQL's server binaries (initdb, postgres) are neither on PATH nor in "
        f"{POSTGRES_LIB_ROOT}/*/bin: run `make setup` as root (scripts/bootstrap.sh installs "
        "Debian's postgresql package) or install PostgreSQL's server package")


def _missing_binaries(folder: Path) -> list[str]:
    return [name for name in ("initdb", "postgres") if not os.access(folder / name, os.X_OK)]


def _major(folder: Path) -> int:
    return int(folder.parent.name) if folder.parent.name.isdigit() else -1


def create_database(server_url: str, name: str | None = None) -> str:
    """Create database ``name`` (default: a fresh random name) on the server of
    ``server_url``, whose role may create databases; return the URL of the new database."""
    name = name or f"nijta_{uuid.uuid4().hex[:12]}"
    if not _DATABASE_NAME.fullmatch(name):
        raise PostgresServiceError(f"database name {name!r} is not a lower-case identifier "
                                   "(letters, digits, _; at most 63)")
    url = make_url(server_url)
    engine = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except SQLAlchemyError as exc:
        raise PostgresServiceError(
            f"{url.render_as_string(hide_password=True)}: cannot create database {name!r}: "
            f"{_first_line(exc)}") from exc
    finally:
        engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def drop_connections(url: str) -> int:
    """Terminate every other session on the database of ``url``, as a server restart or a
    failover does to a client's pooled connections; returns how many were terminated."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return len(connection.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()")).all())
    except SQLAlchemyError as exc:
        raise PostgresServiceError(f"{make_url(url).render_as_string(hide_password=True)}: "
                                   f"cannot terminate its sessions: {_first_line(exc)}") from exc
    finally:
        engine.dispose()


def _first_line(exc: SQLAlchemyError) -> str:
    # The driver's own message: SQLAlchemy's repeats the statement.
    cause = str(getattr(exc, "orig", None) or exc)
    return cause.splitlines()[0] if cause else type(exc).__name__


class TemporaryPostgres:
    """A PostgreSQL server on 127.0.0.1 with its data, socket and log under ``folder``.

    Args:
        folder: created if missing; an existing cluster in ``folder/data`` is reused.
        database: the database :attr:`url` names, created at start if missing.
        bin_dir: the folder of ``initdb`` and ``postgres`` (default: :func:`find_postgres_bin`).
        run_as: the user that runs the server when this process is root.
        start_timeout_s: how long to wait for the server to accept connections.
    """

    def __init__(self, folder: Path, *, database: str = "nijta", bin_dir: Path | None = None,
                 run_as: str = DEFAULT_RUN_AS,
                 start_timeout_s: float = DEFAULT_START_TIMEOUT_S) -> None:
        self.folder = folder
        self.database = database
        self._bin_dir, self._run_as, self._start_timeout_s = bin_dir, run_as, start_timeout_s
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self.port = 0

    @property
    def log_file(self) -> Path:
        """The server's stdout and stderr."""
        return self.folder / "postgres.log"

    @property
    def pid(self) -> int | None:
        """The postmaster's process id while it runs."""
        return self._process.pid if self._process is not None else None

    @property
    def url(self) -> str:
        """``postgresql+psycopg://nijta@127.0.0.1:<port>/<database>``."""
        return self._url(self.database)

    def _url(self, database: str) -> str:
        if self._process is None:
            raise PostgresServiceError(f"the PostgreSQL server in {self.folder} is not "
                                       "running; start it first")
        return URL.create("postgresql+psycopg", username=ROLE, host="127.0.0.1",
                          port=self.port, database=database).render_as_string()

    def start(self) -> None:
        """initdb (unless done), start the server, wait until it answers, create the database.

        Raises:
            PostgresServiceError: naming the step that failed and the server's log file.
        """
        if importlib.util.find_spec("psycopg") is None:
            raise PostgresServiceError("the psycopg driver is not installed: pip install "
                                       "'psycopg[binary]' (nijta's dev extra has it)")
        bin_dir = self._bin_dir or find_postgres_bin()
        if missing := _missing_binaries(bin_dir):
            raise PostgresServiceError(f"{bin_dir} (bin_dir) has no executable "
                                       f"{' or '.join(missing)}")
        as_user = self._as_service_user()
        self._prepare_folder(as_user)
        self._initdb(bin_dir, as_user)
        atexit.register(self.stop)
        try:
            for attempt in range(3):  # another process may take the free port before us
                self._launch(bin_dir, as_user)
                if self._wait_until_ready(last_try=attempt == 2):
                    break
            self._ensure_database()
        except BaseException:
            self.stop()
            raise

    def _as_service_user(self) -> list[str]:
        """The command prefix that drops root to ``run_as``; empty when not root."""
        if os.geteuid() != 0:
            return []
        try:
            user = pwd.getpwnam(self._run_as)
        except KeyError:
            raise PostgresServiceError(
                f"this process is root, which PostgreSQL refuses, and user {self._run_as!r} "
                "to run it as does not exist (TemporaryPostgres(run_as=...))") from None
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            raise PostgresServiceError("this process is root, which PostgreSQL refuses, and "
                                       "setpriv (util-linux) is not on PATH to run it as "
                                       f"user {self._run_as!r}")
        return [setpriv, f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups",
                "--"]

    def _prepare_folder(self, as_user: list[str]) -> None:
        socket_path = self.folder.resolve() / ".s.PGSQL.65535"
        if len(str(socket_path)) > _SOCKET_PATH_MAX:
            raise PostgresServiceError(f"{self.folder} is too long a path for the server's "
                                       f"Unix socket ({_SOCKET_PATH_MAX} bytes at most in "
                                       "all); use a shorter folder")
        self.folder.mkdir(parents=True, exist_ok=True)
        if not as_user:
            return
        user = pwd.getpwnam(self._run_as)
        os.chown(self.folder, user.pw_uid, user.pw_gid)
        probe = subprocess.run([*as_user, "test", "-w", str(self.folder)], check=False)
        if probe.returncode != 0:
            raise PostgresServiceError(
                f"user {self._run_as!r}, which runs PostgreSQL because this process is root, "
                f"cannot write to {self.folder}: every folder above it must be searchable by "
                "that user (a tempfile.mkdtemp() folder under /tmp is)")

    def _initdb(self, bin_dir: Path, as_user: list[str]) -> None:
        data = self.folder / "data"
        if (data / "PG_VERSION").exists():
            return
        command = [*as_user, str(bin_dir / "initdb"), "-D", str(data), "-U", ROLE,
                   "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync"]
        try:
            done = subprocess.run(command, cwd=self.folder, capture_output=True, text=True,
                                  timeout=INITDB_TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            raise PostgresServiceError(f"{bin_dir / 'initdb'} did not finish within "
                                       f"{INITDB_TIMEOUT_S:.0f} s in {data}") from None
        if done.returncode != 0:
            raise PostgresServiceError(f"{bin_dir / 'initdb'} failed in {data} (exit "
                                       f"{done.returncode}):\n{done.stdout[-1500:]}"
                                       f"{done.stderr[-1500:]}")

    def _launch(self, bin_dir: Path, as_user: list[str]) -> None:
        self.port = _free_loopback_port()
        if self._log is None:
            self._log = self.log_file.open("ab")
        self._process = subprocess.Popen(
            [*as_user, str(bin_dir / "postgres"), "-D", str(self.folder / "data"),
             "-p", str(self.port), "-k", str(self.folder.resolve()),
             "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
             "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
             "-c", "shared_buffers=32MB"],
            cwd=self.folder, stdout=self._log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True)

    def _wait_until_ready(self, *, last_try: bool) -> bool:
        """True once the server answers; False when it exited because its port was taken
        (unless ``last_try``)."""
        assert self._process is not None
        engine = create_engine(self._url("postgres"), poolclass=NullPool,
                               connect_args={"connect_timeout": 2})
        deadline, problem = time.monotonic() + self._start_timeout_s, "no attempt yet"
        try:
            while time.monotonic() < deadline:
                if self._process.poll() is not None:
                    return self._exited(last_try)
                try:
                    with engine.connect() as connection:
                        connection.execute(text("SELECT 1"))
                    return True
                except SQLAlchemyError as exc:
                    problem = _first_line(exc)
                time.sleep(0.1)
        finally:
            engine.dispose()
        raise PostgresServiceError(
            f"the PostgreSQL server in {self.folder} did not accept connections on "
            f"127.0.0.1:{self.port} within {self._start_timeout_s:.0f} s (last error: "
            f"{problem}); its log, {self.log_file}:\n{self._log_tail()}")

    def _exited(self, last_try: bool) -> bool:
        assert self._process is not None
        code, tail = self._process.returncode, self._log_tail()
        self._process = None
        if "could not bind" in tail and not last_try:
            return False
        raise PostgresServiceError(f"the PostgreSQL server in {self.folder} exited with "
                                   f"{code} while starting; its log, {self.log_file}:\n{tail}")

    def _ensure_database(self) -> None:
        engine = create_engine(self._url("postgres"), poolclass=NullPool)
        try:
            with engine.connect() as connection:
                exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = "
                                                 ":name"), {"name": self.database}).first()
        except SQLAlchemyError as exc:
            raise PostgresServiceError(f"cannot list the databases of the PostgreSQL server "
                                       f"in {self.folder}: {_first_line(exc)}; its log, "
                                       f"{self.log_file}") from exc
        finally:
            engine.dispose()
        if exists is None:
            create_database(self._url("postgres"), self.database)

    def _log_tail(self) -> str:
        if self._log is not None:
            self._log.flush()
        try:
            lines = self.log_file.read_text(errors="replace").splitlines()[-15:]
        except OSError:
            lines = []
        return "\n".join(lines) or "(no server output)"

    def stop(self) -> None:
        """Fast shutdown (SIGINT: roll back open transactions, close connections, checkpoint),
        SIGKILL after ``STOP_TIMEOUT_S``; idempotent."""
        process, self._process = self._process, None
        atexit.unregister(self.stop)
        stop_process(process, stop_signal=signal.SIGINT, timeout_s=STOP_TIMEOUT_S)
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def _free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]

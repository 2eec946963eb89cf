"""The keyring: every data key, wrapped by the KEK, in one 0600 sqlite file.

Three kinds of slot live in one table, each key AES-256-GCM-wrapped with its slot name as
associated data (a wrapped key copied into another slot does not unwrap):

* ``root``: the secret that fixed subkeys (:meth:`LocalKeyStore.derive`) come from;
* ``named``: versioned keys (tokenization domains, deterministic encryption); rotation adds a
  version, old versions stay for decryption;
* ``principal``: one data key per data principal, created on first use. Shredding sets the
  wrapped key to NULL and keeps the row as a tombstone, so the principal is reported as
  shredded rather than unknown. ``secure_delete`` zeroes the freed bytes in the file; copies
  in backups are out of this file's reach and must expire on their own schedule.

sqlite gives atomic rotation and safe concurrent creation from several pipeline workers.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import stat
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from anonymize.exceptions import KeyFileError, KeyNotFound, PrincipalShredded
from anonymize.kek import kek_fingerprint

__all__ = ["DATA_KEY_BYTES", "KekMismatch", "Keyring"]

DATA_KEY_BYTES = 32
_NONCE_BYTES = 12
_SQL_BATCH = 500
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS keys (kind TEXT NOT NULL, name TEXT NOT NULL, "
    "version INTEGER NOT NULL, wrapped BLOB, PRIMARY KEY (kind, name, version))",
)


class KekMismatch(KeyFileError):
    """The keyring was sealed under a different KEK than the one given."""


class Keyring:
    """Wrapped keys in ``path``, opened with ``kek``; the file is created on first use."""

    def __init__(self, path: Path, kek: bytes) -> None:
        self._path = path
        self._wrap = AESGCM(kek)
        self._kek_id = kek_fingerprint(kek)
        _create_private(path)
        with self._db(seal_if_new=True):
            pass  # creates the tables and checks the KEK

    def root(self) -> bytes:
        """The root secret, created on first use; it never changes."""
        return self._first_version("root", "root")

    def named(self, name: str, version: int) -> bytes:
        """Version ``version`` of the named key ``name``."""
        with self._db() as db:
            row = db.execute("SELECT wrapped FROM keys WHERE kind = 'named' AND name = ? "
                             "AND version = ?", (name, version)).fetchone()
        if row is None:
            raise KeyNotFound(f"key {name!r} has no version {version}")
        return self._unwrap("named", name, version, row[0])

    def latest(self, name: str) -> tuple[int, bytes]:
        """The newest version of ``name``, creating version 1 on first use."""
        with self._db() as db:
            row = db.execute("SELECT version, wrapped FROM keys WHERE kind = 'named' AND name = ?"
                             " ORDER BY version DESC LIMIT 1", (name,)).fetchone()
        if row is None:
            return 1, self._first_version("named", name)
        return row[0], self._unwrap("named", name, row[0], row[1])

    def add_version(self, name: str) -> int:
        """Add a fresh version of ``name`` and return its number."""
        with self._db() as db:
            (newest,) = db.execute("SELECT COALESCE(MAX(version), 0) FROM keys WHERE "
                                   "kind = 'named' AND name = ?", (name,)).fetchone()
            number = int(newest) + 1
            db.execute("INSERT INTO keys VALUES ('named', ?, ?, ?)",
                       (name, number, self._new_wrapped("named", name, number)))
        return number

    def principal_keys(self, principals: Sequence[str], *, create: bool) -> dict[str, bytes]:
        """Data keys of ``principals``; missing ones are created if ``create``."""
        wanted = sorted(set(principals))
        with self._db() as db:
            rows = dict(self._principal_rows(db, wanted))
            if create:
                new = {p: self._new_wrapped("principal", p, 1) for p in wanted if p not in rows}
                db.executemany("INSERT INTO keys VALUES ('principal', ?, 1, ?)", new.items())
                rows.update(new)
        live = {p: wrapped for p, wrapped in rows.items() if wrapped is not None}
        if len(live) < len(rows):
            raise PrincipalShredded(f"{len(rows) - len(live)} principal(s) were crypto-shredded; "
                                    "their data can no longer be encrypted or decrypted")
        if len(rows) < len(wanted):
            raise KeyNotFound(f"{len(wanted) - len(rows)} principal(s) have no data key in "
                              f"{self._path}")
        return {p: self._unwrap("principal", p, 1, wrapped) for p, wrapped in live.items()}

    def shred(self, principal: str) -> None:
        """Destroy the principal's data key for good, leaving a tombstone."""
        with self._db() as db:
            db.execute("INSERT OR REPLACE INTO keys VALUES ('principal', ?, 1, NULL)",
                       (principal,))

    def rewrap(self, new_kek: bytes) -> None:
        """Re-wrap every key under ``new_kek`` in one transaction."""
        new_wrap = AESGCM(new_kek)
        with self._db() as db:
            rows = db.execute("SELECT kind, name, version, wrapped FROM keys "
                              "WHERE wrapped IS NOT NULL").fetchall()
            for kind, name, version, wrapped in rows:
                key = self._unwrap(kind, name, version, wrapped)
                db.execute("UPDATE keys SET wrapped = ? WHERE kind = ? AND name = ? AND "
                           "version = ?", (_seal(new_wrap, kind, name, version, key),
                                           kind, name, version))
            self._kek_id = kek_fingerprint(new_kek)
            db.execute("UPDATE meta SET value = ? WHERE name = 'kek'", (self._kek_id,))
        self._wrap = new_wrap

    def _first_version(self, kind: str, name: str) -> bytes:
        with self._db() as db:
            db.execute("INSERT OR IGNORE INTO keys VALUES (?, ?, 1, ?)",
                       (kind, name, self._new_wrapped(kind, name, 1)))
            (wrapped,) = db.execute("SELECT wrapped FROM keys WHERE kind = ? AND name = ? AND "
                                    "version = 1", (kind, name)).fetchone()
        return self._unwrap(kind, name, 1, wrapped)

    def _principal_rows(self, db: sqlite3.Connection,
                        principals: list[str]) -> Iterator[tuple[str, bytes | None]]:
        for start in range(0, len(principals), _SQL_BATCH):
            batch = principals[start:start + _SQL_BATCH]
            marks = ",".join("?" * len(batch))
            yield from db.execute(f"SELECT name, wrapped FROM keys WHERE kind = 'principal' "
                                  f"AND name IN ({marks})", batch)

    def _new_wrapped(self, kind: str, name: str, version: int) -> bytes:
        return _seal(self._wrap, kind, name, version, secrets.token_bytes(DATA_KEY_BYTES))

    def _unwrap(self, kind: str, name: str, version: int, wrapped: bytes) -> bytes:
        try:
            return self._wrap.decrypt(wrapped[:_NONCE_BYTES], wrapped[_NONCE_BYTES:],
                                      _slot(kind, name, version))
        except InvalidTag:
            raise KeyFileError(f"a {kind} key in {self._path} does not unwrap under this KEK; "
                               "the keyring is damaged or was edited") from None

    @contextmanager
    def _db(self, *, seal_if_new: bool = False) -> Iterator[sqlite3.Connection]:
        """One write transaction, refused if another process rotated the KEK meanwhile."""
        with closing(sqlite3.connect(self._path, timeout=30, isolation_level=None)) as db:
            db.execute("PRAGMA secure_delete = ON")
            db.execute("BEGIN IMMEDIATE")
            try:
                if seal_if_new:
                    for statement in _SCHEMA:
                        db.execute(statement)
                    db.execute("INSERT OR IGNORE INTO meta VALUES ('kek', ?)", (self._kek_id,))
                self._check_kek(db)
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def _check_kek(self, db: sqlite3.Connection) -> None:
        (sealed_by,) = db.execute("SELECT value FROM meta WHERE name = 'kek'").fetchone()
        if sealed_by != self._kek_id:
            raise KekMismatch(f"{self._path} is sealed under a different KEK; set $NIJTA_KEK "
                              "or the key file to the KEK it was created or last rotated with")


def _seal(wrap: AESGCM, kind: str, name: str, version: int, key: bytes) -> bytes:
    nonce = os.urandom(_NONCE_BYTES)
    return nonce + wrap.encrypt(nonce, key, _slot(kind, name, version))


def _slot(kind: str, name: str, version: int) -> bytes:
    return f"nijta-keyring:{kind}:{version}:{name}".encode()


def _create_private(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise KeyFileError(f"{path} is readable by others (mode {mode:o}); "
                               f"run chmod 600 {path}") from None

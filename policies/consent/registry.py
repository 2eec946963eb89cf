"""The consent registry: consent artefacts and their events in a SQL database.

sqlite by default (a file; ``sqlite://`` in memory for tests), any SQLAlchemy URL otherwise:
the same code runs on ``postgresql+psycopg://…`` unchanged (see :mod:`policies.consent.tables`
for the portable schema). Every status change is an event, committed in the same transaction
as the change; listeners registered with :meth:`ConsentRegistry.subscribe` are called after
the commit (erasure hooks REVOKED and EXPIRED there; the audit log records every event). A
listener that fails does not undo the change: :meth:`ConsentRegistry.lapsed` lists every
lapsed consent again, so a failed reaction can be re-run.

Usage::

    registry = ConsentRegistry("sqlite:///.nijta-demo/consents.sqlite")
    registry.record(artefact)
    registry.is_permitted("tok_5f…", "credit_underwriting", ["financial"], at=now)
    registry.set_status("c-1", ConsentStatus.REVOKED, at=now, reason="withdrawn in app")
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Row, create_engine, insert, or_, select, update
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from policies.consent.artefacts import (
    FINAL_STATUSES,
    TRANSITIONS,
    ConsentArtefact,
    ConsentSource,
    ConsentStatus,
)
from policies.consent.checks import (
    ConsentCheck,
    LapsedConsent,
    PrincipalProfile,
    check_consents,
    lapse,
    profile_of,
)
from policies.consent.events import RECORDED, ConsentEvent
from policies.consent.exceptions import (
    ConsentError,
    ConsentNotFound,
    ConsentStoreError,
    IllegalTransition,
)
from policies.consent.tables import artefacts, events, metadata

__all__ = ["ConsentRegistry"]

Listener = Callable[[ConsentEvent], None]


def _aware(at: datetime, what: str) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ConsentError(f"{what} must be timezone-aware (e.g. datetime.now(UTC))")
    return at.astimezone(UTC)


def _engine(url: URL) -> Engine:
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if url.database in (None, "", ":memory:"):
        # One shared connection: each new connection to :memory: would be another database.
        return create_engine(url, poolclass=StaticPool,
                             connect_args={"check_same_thread": False})
    Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    return create_engine(url, connect_args={"timeout": 30})


def _row_values(artefact: ConsentArtefact) -> dict[str, Any]:
    life = artefact.data_life
    return {
        "principal": artefact.principal, "purposes": list(artefact.purposes),
        "categories": list(artefact.categories), "start": artefact.start,
        "expiry": artefact.expiry,
        "data_life_deadline": life if isinstance(life, datetime) else None,
        "data_life_microseconds": (life // timedelta(microseconds=1)
                                   if isinstance(life, timedelta) else None),
        "data_life_until": artefact.data_life_until, "status": artefact.status.value,
        "source_kind": artefact.source.kind, "source_reference": artefact.source.reference,
        "principal_is_child": artefact.principal_is_child,
        "verifiable_parental_consent": artefact.verifiable_parental_consent,
    }


def _artefact(row: Row[Any]) -> ConsentArtefact:
    life: datetime | timedelta | None = row.data_life_deadline
    if row.data_life_microseconds is not None:
        life = timedelta(microseconds=row.data_life_microseconds)
    return ConsentArtefact(
        consent_id=row.consent_id, principal=row.principal, purposes=tuple(row.purposes),
        categories=tuple(row.categories), start=row.start, expiry=row.expiry, data_life=life,
        status=ConsentStatus(row.status),
        source=ConsentSource(kind=row.source_kind, reference=row.source_reference),
        principal_is_child=row.principal_is_child,
        verifiable_parental_consent=row.verifiable_parental_consent)


def _event(row: Row[Any]) -> ConsentEvent:
    return ConsentEvent(
        id=row.id, consent_id=row.consent_id, principal=row.principal,
        from_status=None if row.from_status is None else ConsentStatus(row.from_status),
        to_status=ConsentStatus(row.to_status), at=row.at, reason=row.reason, actor=row.actor)


class ConsentRegistry:
    """Consent artefacts keyed by principal token, with an append-only event history.

    Args:
        url: a SQLAlchemy database URL; the tables are created if missing.
    """

    def __init__(self, url: str) -> None:
        try:
            self._url = make_url(url)
        except ArgumentError:
            raise ConsentStoreError(f"{url!r} is not a database URL (e.g. "
                                    "sqlite:///consents.sqlite)") from None
        self.name = self._url.render_as_string(hide_password=True)
        self._listeners: list[Listener] = []
        with self._store("create the consent tables"):
            self._engine = _engine(self._url)
            metadata.create_all(self._engine)

    def close(self) -> None:
        """Release the database connections."""
        self._engine.dispose()

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener`` with every event (recordings and status changes), after its
        commit, in order of registration."""
        self._listeners.append(listener)

    def record(self, artefact: ConsentArtefact, *, at: datetime | None = None,
               actor: str = "system") -> None:
        """Insert the artefact, or update the one with its id, with a ``recorded`` event.

        Raises:
            IllegalTransition: the stored consent is final, or the new status does not follow
                from the stored one.
            ConsentError: the stored consent belongs to another principal.
        """
        when = datetime.now(UTC) if at is None else _aware(at, "at")
        values = _row_values(artefact)
        with self._store(f"record consent {artefact.consent_id}"), \
                self._engine.begin() as conn:
            stored = self._status_row(conn, artefact.consent_id)
            if stored is None:
                conn.execute(insert(artefacts).values(consent_id=artefact.consent_id,
                                                      status_changed_at=when, **values))
                before = None
            else:
                before = self._check_rerecord(artefact, stored)
                if before is not artefact.status:
                    values["status_changed_at"] = when
                conn.execute(update(artefacts)
                             .where(artefacts.c.consent_id == artefact.consent_id)
                             .values(**values))
            event = self._append_event(conn, artefact.consent_id, artefact.principal, before,
                                       artefact.status, when, RECORDED, actor)
        self._notify(event)

    def set_status(self, consent_id: str, status: ConsentStatus, *, at: datetime,
                   reason: str, actor: str = "system") -> ConsentEvent:
        """Change the consent's status and append the event.

        Raises:
            ConsentNotFound: no consent has this id.
            IllegalTransition: the lifecycle forbids it (REVOKED and EXPIRED are final).
        """
        when = _aware(at, "at")
        with self._store(f"set consent {consent_id} to {status}"), \
                self._engine.begin() as conn:
            stored = self._status_row(conn, consent_id)
            if stored is None:
                raise ConsentNotFound(f"no consent {consent_id!r} in {self.name}")
            before = ConsentStatus(stored.status)
            _check_transition(consent_id, before, status)
            changed = conn.execute(
                update(artefacts)
                .where(artefacts.c.consent_id == consent_id,
                       artefacts.c.status == before.value)
                .values(status=status.value, status_changed_at=when))
            if changed.rowcount != 1:
                raise ConsentError(f"consent {consent_id} changed while it was being set to "
                                   f"{status}; read it again and retry")
            event = self._append_event(conn, consent_id, stored.principal, before, status,
                                       when, reason, actor)
        self._notify(event)
        return event

    def get(self, consent_id: str) -> ConsentArtefact:
        """The consent with this id; :class:`ConsentNotFound` if there is none."""
        found = self._select(artefacts.c.consent_id == consent_id)
        if not found:
            raise ConsentNotFound(f"no consent {consent_id!r} in {self.name}")
        return found[0]

    def for_principal(self, principal: str) -> list[ConsentArtefact]:
        """The principal's consents, oldest start first."""
        return self._select(artefacts.c.principal == principal)

    def all(self) -> list[ConsentArtefact]:
        """Every consent, oldest start first."""
        return self._select()

    def events(self, consent_id: str | None = None) -> list[ConsentEvent]:
        """The events of one consent, or of all, in commit order."""
        query = select(events).order_by(events.c.id)
        if consent_id is not None:
            query = query.where(events.c.consent_id == consent_id)
        with self._store("read consent events"), self._engine.connect() as conn:
            return [_event(row) for row in conn.execute(query)]

    def is_permitted(self, principal: str, purpose: str, categories: Iterable[str],
                     at: datetime) -> ConsentCheck:
        """Whether the principal's consents allow ``purpose`` on ``categories`` at ``at``
        (the rules: :mod:`policies.consent.checks`). The stored status counts as of now;
        ``at`` is placed in each consent's validity window and DataLife."""
        return check_consents(self.for_principal(principal), purpose, categories,
                              _aware(at, "at"))

    def principal_profile(self, principal: str) -> PrincipalProfile | None:
        """Child and parental-consent flags from the principal's newest consent."""
        return profile_of(self.for_principal(principal))

    def expire_due(self, now: datetime) -> list[ConsentEvent]:
        """Set every ACTIVE or PAUSED consent whose expiry has passed to EXPIRED, at its
        expiry; returns the events (a consent another process expired first is skipped)."""
        now = _aware(now, "now")
        due = self._select(artefacts.c.status.in_([ConsentStatus.ACTIVE.value,
                                                   ConsentStatus.PAUSED.value]),
                           artefacts.c.expiry <= now)
        expired = []
        for artefact in due:
            try:
                expired.append(self.set_status(artefact.consent_id, ConsentStatus.EXPIRED,
                                               at=artefact.expiry, reason="expiry reached"))
            except ConsentStoreError:
                raise
            except ConsentError:
                continue  # another process expired or revoked it first
        return expired

    def lapsed(self, now: datetime, *, since: datetime | None = None) -> list[LapsedConsent]:
        """Consents that no longer allow keeping their data at ``now``: REVOKED, EXPIRED (or
        past expiry) or past their DataLife; with ``since``, only those that lapsed at or
        after it. ``sole_basis`` says whether other consents in force still cover them."""
        now = _aware(now, "now")
        ended = [(_artefact(row), row.status_changed_at) for row in self._rows(or_(
            artefacts.c.status.in_([s.value for s in FINAL_STATUSES]),
            artefacts.c.expiry <= now, artefacts.c.data_life_until < now))]
        principals = sorted({artefact.principal for artefact, _ in ended})
        others: dict[str, list[ConsentArtefact]] = {p: [] for p in principals}
        for artefact in self._select(artefacts.c.principal.in_(principals)) if principals else []:
            others[artefact.principal].append(artefact)
        found = (lapse(artefact, now, changed_at, others[artefact.principal])
                 for artefact, changed_at in ended)
        return [lapsed for lapsed in found if lapsed is not None
                and (since is None or lapsed.lapsed_at >= _aware(since, "since"))]

    def _select(self, *where: Any) -> list[ConsentArtefact]:
        return [_artefact(row) for row in self._rows(*where)]

    def _rows(self, *where: Any) -> list[Row[Any]]:
        query = select(artefacts).where(*where).order_by(artefacts.c.start,
                                                         artefacts.c.consent_id)
        with self._store("read consents"), self._engine.connect() as conn:
            return list(conn.execute(query).all())

    @staticmethod
    def _status_row(conn: Connection, consent_id: str) -> Row[Any] | None:
        query = (select(artefacts.c.principal, artefacts.c.status)
                 .where(artefacts.c.consent_id == consent_id).with_for_update())
        return conn.execute(query).first()

    @staticmethod
    def _check_rerecord(artefact: ConsentArtefact, stored: Row[Any]) -> ConsentStatus:
        before = ConsentStatus(stored.status)
        if stored.principal != artefact.principal:
            raise ConsentError(f"consent {artefact.consent_id} belongs to another principal; "
                               "a consent id is never reused")
        if before in FINAL_STATUSES:
            raise IllegalTransition(f"consent {artefact.consent_id} is {before}, which is "
                                    "final: record a new consent instead")
        if artefact.status is not before:
            _check_transition(artefact.consent_id, before, artefact.status)
        return before

    @staticmethod
    def _append_event(conn: Connection, consent_id: str, principal: str,
                      before: ConsentStatus | None, after: ConsentStatus, at: datetime,
                      reason: str, actor: str) -> ConsentEvent:
        values = {"consent_id": consent_id, "principal": principal,
                  "from_status": None if before is None else before.value,
                  "to_status": after.value, "at": at, "reason": reason, "actor": actor}
        result = conn.execute(insert(events).values(**values))
        return ConsentEvent(id=result.inserted_primary_key[0], consent_id=consent_id,
                            principal=principal, from_status=before, to_status=after, at=at,
                            reason=reason, actor=actor)

    def _notify(self, event: ConsentEvent) -> None:
        for listener in self._listeners:
            listener(event)

    @contextmanager
    def _store(self, operation: str) -> Iterator[None]:
        """Database and file errors become :class:`ConsentStoreError` naming the database
        (password hidden) and the operation; the driver's message only, never the statement's
        values."""
        try:
            yield
        except SQLAlchemyError as exc:
            detail = getattr(exc, "orig", None) or type(exc).__name__
            raise ConsentStoreError(f"{self.name}: cannot {operation}: {detail}") from exc
        except OSError as exc:  # the folder of a sqlite file cannot be made
            raise ConsentStoreError(f"{self.name}: cannot {operation}: {exc.strerror}") from exc


def _check_transition(consent_id: str, before: ConsentStatus, after: ConsentStatus) -> None:
    if after in TRANSITIONS[before]:
        return
    if before in FINAL_STATUSES:
        why = f"{before} is final"
    elif after is before:
        why = f"it is already {before}"
    else:
        why = f"{before} may only become {', '.join(sorted(TRANSITIONS[before]))}"
    raise IllegalTransition(f"consent {consent_id}: {before} → {after} is not allowed: {why}")

"""Deposit transactions from an Account Aggregator, as a :class:`~connectors.base.Connector`.

For each configured customer (in config order) the connector gets a consent, then walks the
consent's ``FIDataRange`` in windows of ``fetch_window_days``: one FI session per window, and
each session's decrypted, parsed deposit transactions make one :class:`SourceBatch`. Rows
carry ``consent_id``, ``purpose_code`` and ``data_life_until`` (fetch time + DataLife; purge
by then) as columns, and the batch's metadata repeats them with the session id.

The metadata also carries what the consent registry needs (:mod:`ingest.consent_handoff`):
``aa_consent`` holds the consent's facts (id, purpose code, FI types, start, expiry, DataLife),
and :data:`RAW_CUSTOMER_KEY` (``raw_aa_customer``) holds the customer's AA handle and mobile
number, **raw personal data**: the connector runs where there is no tokenizer, so the pipeline
must replace that entry with the principal's token (``seal_consent_metadata``) before it
writes the metadata anywhere.

The cursor names the customer by position in ``customers`` (plus a digest of the handle, so a
reordered config is caught instead of silently skipping someone), the consent id and the last
window fetched: ``{"customer": 0, "customer_digest": "…", "consent_id": "…",
"fetched_from": "…", "fetched_to": "…"}``. A re-run resumes after ``fetched_to`` under the same
consent (verified again); no raw handle is ever stored. A document that breaks the ReBIT schema
becomes a :class:`MalformedRecord`; a ciphertext or signature that does not verify stops the
run.

Usage::

    connector = AaConnector("aa_deposits", config.source)
    sandbox.register_fiu(..., notification_url=connector.notification_url)
    for batch in connector.read_batches(None):
        ...
"""

from __future__ import annotations

import calendar
import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pyarrow as pa

from connectors.aa.client import ConsentArtefact, FiDocument, FiSession, FiuClient, timestamp
from connectors.aa.configuration import AaFiuSource
from connectors.aa.exceptions import AaError, RebitParseError
from connectors.aa.notifications import NotificationReceiver
from connectors.aa.rebit import DEPOSIT_TRANSACTION_SCHEMA, parse_deposit, to_arrow
from connectors.base import ConnectivityReport, Cursor, MalformedRecord, SourceBatch

__all__ = ["CONSENT_KEY", "RAW_CUSTOMER_KEY", "AaConnector", "consent_facts", "data_life_end",
           "data_life_until"]

CONSENT_KEY = "aa_consent"
"""``SourceBatch.metadata`` key: the facts of the AA consent the batch was fetched under."""
RAW_CUSTOMER_KEY = "raw_aa_customer"
"""``SourceBatch.metadata`` key: ``{"handle": …, "mobile": …}`` of the consent's customer, raw;
to be sealed into a token before the metadata is written."""

FOREVER = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
"""``data_life_until`` of a consent whose DataLife is ``INF``."""


class AaConnector:
    """Reads deposit statements through an AA, one FI session per batch."""

    def __init__(self, name: str, source: AaFiuSource, *,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.name = name
        self._source = source
        self._transport = transport
        self._receiver: NotificationReceiver | None = None
        self._client: FiuClient | None = None

    @property
    def notification_url(self) -> str:
        """Where the AA must send notifications (starts the receiver)."""
        return self._notices().url

    def schema(self) -> pa.Schema:
        return DEPOSIT_TRANSACTION_SCHEMA

    def read_batches(self, cursor: Cursor | None, *, first_sequence: int = 0,
                     ) -> Iterator[SourceBatch]:
        client = self._fiu()
        start: Cursor | None = cursor
        sequence = first_sequence
        first, resume = self._resume_point(cursor)
        for index in range(first, len(self._source.customers)):
            customer = self._source.customers[index]
            consent_id, after = resume if index == first and resume else (None, None)
            windows = self._source.fetch_windows(after)
            if not windows:
                continue
            artefact = self._artefact(client, customer, consent_id)
            for window_start, window_end in windows:
                session, documents = client.fetch_fi_documents(artefact, window_start,
                                                               window_end)
                end = {"customer": index, "customer_digest": _digest(customer),
                       "consent_id": artefact.consent_id,
                       "fetched_from": timestamp(window_start),
                       "fetched_to": timestamp(window_end)}
                yield self._batch(sequence, start, end, artefact, session, documents)
                start, sequence = end, sequence + 1

    def check(self) -> ConnectivityReport:
        try:
            status = self._fiu().heartbeat()
        except AaError as exc:
            return ConnectivityReport(self.name, False, str(exc))
        return ConnectivityReport(self.name, status == "UP",
                                  f"{self._source.base_url}: Heartbeat {status}, response "
                                  "signature verified")

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._receiver is not None:
            self._receiver.stop()
            self._receiver = None

    def _resume_point(self, cursor: Cursor | None
                      ) -> tuple[int, tuple[str, datetime] | None]:
        """Index of the customer to start with and, mid-customer, ``(consent id, after)``."""
        if cursor is None:
            return 0, None
        index = int(cursor["customer"])
        customers = self._source.customers
        if index >= len(customers) or _digest(customers[index]) != cursor["customer_digest"]:
            raise AaError(f"cursor: customers[{index}] is not the customer the cursor was "
                          "taken for; the customers list was edited: restore its order or "
                          "reset the cursor", connector=self.name)
        fetched_to = datetime.fromisoformat(str(cursor["fetched_to"]).replace("Z", "+00:00"))
        return index, (str(cursor["consent_id"]), fetched_to)

    def _artefact(self, client: FiuClient, customer: str, consent_id: str | None
                  ) -> ConsentArtefact:
        if consent_id is None:
            consent_id = client.wait_for_consent(client.request_consent(customer))
        return client.fetch_consent(consent_id, customer=customer)

    def _batch(self, sequence: int, start: Cursor | None, end: Cursor,
               artefact: ConsentArtefact, session: FiSession, documents: list[FiDocument],
               ) -> SourceBatch:
        deadline = data_life_until(artefact, datetime.now(UTC))
        tables, malformed = [], []
        for document in documents:
            try:
                statement = parse_deposit(document.plaintext)
            except RebitParseError as exc:
                malformed.append(MalformedRecord(
                    position=f"FI session {session.session_id} account {document.link_ref}",
                    rule="rebit.parse", reason=str(exc),
                    payload=document.plaintext.decode("utf-8", errors="replace")))
                continue
            tables.append(to_arrow([statement], consent_id=artefact.consent_id,
                                   purpose_code=artefact.purpose_code,
                                   data_life_until=deadline, fip_id=document.fip_id))
        records = pa.concat_tables(tables) if tables else self.schema().empty_table()
        metadata: dict[str, Any] = {
            "consent_id": artefact.consent_id, "purpose_code": artefact.purpose_code,
            "data_life_until": deadline.isoformat(), "session_id": session.session_id,
            "fi_data_range": {"from": timestamp(session.start), "to": timestamp(session.end)},
            "fip_ids": sorted({document.fip_id for document in documents}),
            CONSENT_KEY: consent_facts(artefact),
            RAW_CUSTOMER_KEY: {"handle": artefact.customer,
                               "mobile": self._customer_mobile(artefact)}}
        return SourceBatch(connector=self.name, sequence=sequence, start=start, end=end,
                           records=records, malformed=tuple(malformed), metadata=metadata)

    def _customer_mobile(self, artefact: ConsentArtefact) -> str:
        mobile = artefact.customer_mobile
        if mobile is None:
            raise AaError(f"consent {artefact.consent_id}: the artefact names no mobile number "
                          "of the customer (Customer.Identifiers of type MOBILE, or a handle "
                          "<mobile>@<aa>), so its data cannot be keyed to a data principal",
                          connector=self.name)
        return mobile

    def _notices(self) -> NotificationReceiver:
        if self._receiver is None:
            self._receiver = NotificationReceiver(self._source)
            self._receiver.start()
        return self._receiver

    def _fiu(self) -> FiuClient:
        if self._client is None:
            self._client = FiuClient(self.name, self._source, notices=self._notices(),
                                     transport=self._transport)
        return self._client


def data_life_until(artefact: ConsentArtefact, fetched_at: datetime) -> datetime:
    """When data fetched at ``fetched_at`` under ``artefact`` must be gone (its DataLife)."""
    return data_life_end(artefact.data_life, fetched_at)


def data_life_end(data_life: tuple[str, int], since: datetime) -> datetime:
    """``since`` plus a DataLife ``(unit, value)``, months in calendar months (the day clipped
    to the month's last); :data:`FOREVER` for ``INF``."""
    unit, value = data_life
    if unit == "INF":
        return FOREVER
    if unit == "DAY":
        return since + timedelta(days=value)
    months = value * (12 if unit == "YEAR" else 1)
    year, month = divmod(since.month - 1 + months, 12)
    year += since.year
    day = min(since.day, calendar.monthrange(year, month + 1)[1])
    return since.replace(year=year, month=month + 1, day=day)


def consent_facts(artefact: ConsentArtefact) -> dict[str, Any]:
    """The consent as JSON-ready facts, no personal data: what the consent registry records
    (``metadata[CONSENT_KEY]``)."""
    unit, value = artefact.data_life
    return {"consent_id": artefact.consent_id, "purpose_code": artefact.purpose_code,
            "fi_types": list(artefact.fi_types), "start": timestamp(artefact.start),
            "expiry": timestamp(artefact.expiry), "data_life": {"unit": unit, "value": value}}


def _digest(handle: str) -> str:
    return hashlib.sha256(handle.encode()).hexdigest()[:16]

"""An Account Aggregator, imitated on loopback: the FIU-facing API of ReBIT NBFC-AA v2.

It speaks the v2 endpoints an FIU calls (``POST /Consent``, ``/Consent/handle``,
``/Consent/fetch``, ``/FI/request``, ``/FI/fetch`` and ``GET /Heartbeat``) with the spec's
bodies and error envelope, and calls the FIU's ``/Consent/Notification`` and
``/FI/Notification``. Like a real AA it checks each request's ``client_api_key`` and detached
JWS (``x-jws-signature``, RS256, ``b64:false``) against the FIU's registered public key, signs
every answer and notification the same way with its own RSA key, signs the consent artefact
as a compact JWS, and serves each account's ReBIT DEPOSIT document (XML or JSON, versions 1.1
and 2.0.0) encrypted for the FIU's KeyMaterial with a fresh X25519 key per session.

The customers are the synthetic population of :mod:`connectors.sandbox.population` (the same
people as the UPI and core-banking sandboxes): a customer's AA handle is
``<customer_id>@<aa handle>``, and the signed consent names their mobile number in
``Customer.Identifiers`` (type MOBILE, ``91…``). Their transactions are drawn per day from the
seed, so any date range always shows the same transactions and :meth:`AaSandbox.statement`
tells a test exactly what was served.

A request repeated with the same ``txnid`` and body (a client retrying after a lost answer)
gets the same answer; the same ``txnid`` with another body is a 409 ``IdempotencyError``.

Like a real AA it enforces each consent's ``Frequency``: at most ``value`` FI requests in any
sliding window of one ``unit`` (a MONTH is 30 days, a YEAR 365); one more is refused with 400
``InvalidConsentUse``. A slow FIP is imitated by ``fi_pending_fetches`` (the first N
``/FI/fetch`` calls of every session) and ``fi_ready_delay_s`` (the time after the FI request):
until both are spent, ``/FI/fetch`` answers 403 ``DataFetchRequestInProgress`` and the
``/FI/Notification`` is sent only once the data is ready.

Usage::

    sandbox = AaSandbox(generate_population(50))
    sandbox.register_fiu("nijta-fiu", api_key="k", public_key_pem=fiu_public_pem,
                         notification_url=receiver.url)
    with LoopbackServer(create_aa_sandbox_app(sandbox, faults=FaultPlan())) as server:
        ...  # an FiuClient against server.url
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal
from xml.etree import ElementTree

import httpx
import numpy as np
import pandas as pd
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import BackgroundTasks, FastAPI, Request, Response

from connectors.aa.client import API_VERSION, envelope, request_meta, timestamp
from connectors.aa.crypto import encrypt_fi, generate_key_material
from connectors.aa.exceptions import AaError
from connectors.aa.jws import sign_compact, sign_detached, verify_detached
from connectors.aa.rebit import DEPOSIT_NAMESPACE, IST
from connectors.sandbox.faults import FaultPlan, inject_faults
from connectors.sandbox.india_geo import BANKS

__all__ = [
    "AaSandbox", "DepositStatement", "DepositTransaction", "LinkedAccount", "Misbehaviour",
    "create_aa_sandbox_app",
]

ACCOUNT_EPOCH = date(2024, 1, 1)
"""No synthetic account is older than this; balances run from here."""
Approval = Literal["approve", "reject", "pause"]
FiFormat = Literal["xml", "json"]

_MODES = ("UPI", "UPI", "UPI", "CARD", "ATM", "FT", "CASH", "OTHERS")
_FREQUENCY_WINDOWS = {"HOUR": timedelta(hours=1), "DAY": timedelta(days=1),
                      "MONTH": timedelta(days=30), "YEAR": timedelta(days=365)}
"""The sliding window of each ``Frequency.unit``; the request schema's ``INF`` has no limit."""
_MERCHANTS = ("BIGBASKET", "SWIGGY", "ZOMATO", "IRCTC", "DMART", "JIOMART", "UBER", "BESCOM")


@dataclass(frozen=True)
class DepositTransaction:
    """One transaction as the FIP reports it."""

    txn_id: str
    type: Literal["CREDIT", "DEBIT"]
    mode: str
    amount: Decimal
    balance: Decimal
    """Balance after the transaction (``currentBalance``; v2 ``transactionalBalance``)."""
    timestamp: datetime
    value_date: date
    narration: str
    reference: str


@dataclass(frozen=True)
class LinkedAccount:
    """A customer's savings account as linked at the AA."""

    index: int
    """Row of the customer in the population."""
    customer: pd.Series
    fip_id: str
    link_ref: str
    masked_account: str
    version: str
    """ReBIT schema version the FIP serves: odd rows ``2.0.0``, even rows ``1.1``."""


@dataclass(frozen=True)
class DepositStatement:
    """One account's ReBIT DEPOSIT document for a date range, before rendering."""

    account: LinkedAccount
    opening_date: date
    start: date
    end: date
    transactions: tuple[DepositTransaction, ...]
    closing_balance: Decimal


@dataclass
class Misbehaviour:
    """What a faulty AA or FIP does wrong, switched on by tests of the FIU's defences."""

    bad_response_signature: bool = False
    """Sign answers with a key that is not the AA's registered one."""
    tampered_ciphertext: bool = False
    """Flip a byte of every ``encryptedFI``."""
    wrong_fi_key: bool = False
    """Encrypt for an X25519 key other than the FIU's."""


@dataclass
class _Fiu:
    api_key: str
    public_key: Any
    notification_url: str | None
    notification_api_key: str | None


@dataclass
class _Consent:
    handle: str
    fiu_id: str
    customer: str
    detail: dict[str, Any]
    txnid: str
    status: str = "PENDING"
    consent_id: str | None = None
    signed: str | None = None
    created: datetime | None = None
    uses: int = 0
    last_use: datetime | None = None
    fi_requests: list[datetime] = field(default_factory=list)
    """When each FI request under this consent was accepted (for ``Frequency``)."""


@dataclass
class _Session:
    consent_id: str
    fiu_id: str
    statements: list[DepositStatement]
    fi: list[dict[str, Any]] = field(default_factory=list)
    pending_fetches: int = 0
    """``/FI/fetch`` calls still to be answered ``DataFetchRequestInProgress``."""
    ready_at: float = 0.0
    """``time.monotonic()`` from which the FIP has delivered."""
    notified: bool = False


class _Refusal(Exception):
    """An answer in the spec's error envelope."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class AaSandbox:
    """The AA's state: its keys, registered FIUs, consents, FI sessions and customers' data."""

    def __init__(
        self,
        population: pd.DataFrame,
        *,
        aa_id: str = "nijta-sandbox-aa",
        handle_suffix: str = "nijta-aa",
        approval: Approval = "approve",
        approval_delay_s: float = 0.05,
        fi_format: FiFormat = "xml",
        seed: int = 7,
        misbehaviour: Misbehaviour | None = None,
        fi_pending_fetches: int = 0,
        fi_ready_delay_s: float = 0.0,
    ) -> None:
        self.aa_id = aa_id
        self.handle_suffix = handle_suffix
        self.approval: Approval = approval
        self.approval_delay_s = approval_delay_s
        self.fi_format: FiFormat = fi_format
        self.seed = seed
        self.misbehaviour = misbehaviour or Misbehaviour()
        self.fi_pending_fetches = fi_pending_fetches
        """The first this many ``/FI/fetch`` calls of a session answer "in progress"."""
        self.fi_ready_delay_s = fi_ready_delay_s
        """A session's data is ready this long after its FI request, not before."""
        self.key_id = f"{aa_id}-signing-key"
        self._private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        # A faulty AA signs its answers with a key the Central Registry does not know.
        self._answer_key = (rsa.generate_private_key(public_exponent=65537, key_size=2048)
                            if self.misbehaviour.bad_response_signature else self._private_key)
        self._customers = {row.customer_id: i for i, row in enumerate(population.itertuples())}
        self._population = population.reset_index(drop=True)
        self._fius: dict[str, _Fiu] = {}
        self._consents: dict[str, _Consent] = {}
        self._by_consent_id: dict[str, _Consent] = {}
        self._sessions: dict[str, _Session] = {}
        self._answers: dict[tuple[str, str], tuple[bytes, Response]] = {}
        self._lock = threading.RLock()
        self.notifications_sent: list[tuple[str, int]] = []
        """(path, HTTP status) of every notification the sandbox delivered."""

    @property
    def public_key_pem(self) -> str:
        """The AA's RSA public key as the Central Registry would publish it."""
        return self._private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()

    def handle_of(self, customer_id: str) -> str:
        """The AA handle (``Customer.id``) of a population member."""
        return f"{customer_id}@{self.handle_suffix}"

    def consent_detail(self, consent_id: str) -> dict[str, Any]:
        """The ConsentDetail the AA signed for ``consent_id`` (the artefact's payload)."""
        payload = self._by_consent_id[consent_id].signed.split(".")[1]
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))

    def register_fiu(self, fiu_id: str, *, api_key: str, public_key_pem: str,
                     notification_url: str | None = None,
                     notification_api_key: str | None = None) -> None:
        """Onboard an FIU as the Central Registry would: its key, API key and callback URL."""
        public_key = serialization.load_pem_public_key(public_key_pem.encode())
        with self._lock:
            self._fius[fiu_id] = _Fiu(api_key, public_key, notification_url,
                                      notification_api_key)

    def account(self, handle: str) -> LinkedAccount:
        """The one savings account ``handle`` has linked at this AA."""
        index = self._customer_index(handle)
        customer = self._population.iloc[index]
        bank = next(b for b in BANKS if customer["bank_ifsc"].startswith(b.ifsc_code))
        number = customer["account_number"]
        return LinkedAccount(
            index=index, customer=customer, fip_id=f"{bank.ifsc_code}-FIP",
            link_ref="LR" + hashlib.sha256(number.encode()).hexdigest()[:16].upper(),
            masked_account="X" * (len(number) - 4) + number[-4:],
            version="2.0.0" if index % 2 else "1.1")

    def statement(self, handle: str, start: datetime, end: datetime) -> DepositStatement:
        """The deposit statement the sandbox serves for ``handle``: the transactions with
        ``start <= transactionTimestamp < end`` (so adjacent windows never overlap)."""
        account = self.account(handle)
        days = _account_days(self.seed, account.index, end.astimezone(IST).date())
        balance = days.opening_balance
        kept: list[DepositTransaction] = []
        for txn in days.transactions:
            balance = balance + txn.amount if txn.type == "CREDIT" else balance - txn.amount
            if start <= txn.timestamp < end:
                kept.append(_with_balance(txn, balance))
        return DepositStatement(account=account, opening_date=days.opening_date,
                                start=start.astimezone(IST).date(),
                                end=end.astimezone(IST).date(), transactions=tuple(kept),
                                closing_balance=balance)

    # -- the endpoints' logic ---------------------------------------------------------------

    def request_consent(self, fiu_id: str, body: Mapping[str, Any],
                        later: Callable[..., None]) -> dict[str, Any]:
        detail = body["ConsentDetail"]
        if detail["DataConsumer"]["id"] != fiu_id:
            raise _Refusal(400, "InvalidRequest", "DataConsumer.id is not the calling FIU")
        if detail["Purpose"]["code"] not in {"101", "102", "103", "104", "105"}:
            raise _Refusal(400, "InvalidConsentPurpose", "Purpose.code is not a ReBIT code")
        customer = detail["Customer"]["id"]
        self._customer_index(customer, code="InvalidCustomerAddress")
        consent = _Consent(str(uuid.uuid4()), fiu_id, customer, dict(detail), body["txnid"])
        with self._lock:
            self._consents[consent.handle] = consent
        later(self._decide, consent)
        return {**envelope(body["txnid"]), "Customer": {"id": customer},
                "ConsentHandle": consent.handle}

    def consent_status(self, fiu_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        consent = self._consents.get(body["ConsentHandle"])
        if consent is None or consent.fiu_id != fiu_id:
            raise _Refusal(400, "InvalidConsentHandle", "unknown ConsentHandle")
        status = {"PENDING": "PENDING", "REJECTED": "REJECTED"}.get(consent.status, "READY")
        consent_status = {"status": status}
        if consent.consent_id is not None:
            consent_status["id"] = consent.consent_id
        return {**envelope(body["txnid"]), "ConsentHandle": consent.handle,
                "ConsentStatus": consent_status}

    def consent_artefact(self, fiu_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        consent = self._consent_of(fiu_id, body["consentId"])
        return {
            "ver": API_VERSION, "txnid": body["txnid"], "consentId": consent.consent_id,
            "status": consent.status, "createTimestamp": timestamp(consent.created),
            "signedConsent": consent.signed,
            "ConsentUse": {"logUri": f"https://{self.aa_id}.sandbox/consent-log",
                           "count": consent.uses,
                           "lastUseDateTime": timestamp(consent.last_use or consent.created)},
        }

    def request_fi(self, fiu_id: str, body: Mapping[str, Any],
                   later: Callable[..., None]) -> dict[str, Any]:
        consent = self._consent_of(fiu_id, body["Consent"]["id"])
        if consent.status != "ACTIVE":
            raise _Refusal(400, "InvalidConsentStatus", f"consent is {consent.status}")
        if body["Consent"]["digitalSignature"] != consent.signed.rsplit(".", 1)[1]:
            raise _Refusal(400, "InvalidConsentDetail",
                           "Consent.digitalSignature is not the artefact's signature")
        start, end = _range(body["FIDataRange"])
        allowed = _range(consent.detail["FIDataRange"])
        if start < allowed[0] or end > allowed[1] or start >= end:
            raise _Refusal(400, "InvalidDateRange", "FIDataRange is outside the consent's")
        their_key = body["KeyMaterial"]
        if _parse_time(their_key["DHPublicKey"]["expiry"]) <= datetime.now(UTC):
            raise _Refusal(400, "InvalidKey", "KeyMaterial.DHPublicKey has expired")
        self._use_consent(consent)
        statement = self.statement(consent.customer, start, end)
        session = _Session(consent.consent_id, fiu_id, [statement],
                           pending_fetches=self.fi_pending_fetches,
                           ready_at=time.monotonic() + self.fi_ready_delay_s)
        session.fi = [self._encrypted(statement, their_key)]
        session_id = str(uuid.uuid4())
        with self._lock:
            self._sessions[session_id] = session
        later(self._notify_when_ready, session_id)
        return {**envelope(body["txnid"]), "consentId": consent.consent_id,
                "sessionId": session_id}

    def fetch_fi(self, fiu_id: str, body: Mapping[str, Any],
                 later: Callable[..., None]) -> dict[str, Any]:
        session = self._sessions.get(body["sessionId"])
        if session is None or session.fiu_id != fiu_id:
            raise _Refusal(400, "InvalidSessionId", "unknown sessionId")
        self._check_delivered(body["sessionId"], session, later)
        fi = [entry for entry in session.fi
              if body.get("fipId") in (None, entry["fipID"])]
        wanted = {ref["id"] for ref in body.get("linkRefNumber", [])}
        if wanted:
            fi = [{**entry, "data": [d for d in entry["data"] if d["linkRefNumber"] in wanted]}
                  for entry in fi]
        if body.get("fipId") and not fi:
            raise _Refusal(400, "InvalidFIPId", "no account of that FIP in this session")
        return {**envelope(body["txnid"]), "FI": fi}

    # -- internals --------------------------------------------------------------------------

    def _customer_index(self, handle: str, code: str = "InvalidRequest") -> int:
        customer_id, _, suffix = handle.partition("@")
        if suffix != self.handle_suffix or customer_id not in self._customers:
            raise _Refusal(400, code, "Customer.id is not a customer of this AA")
        return self._customers[customer_id]

    def _consent_of(self, fiu_id: str, consent_id: str) -> _Consent:
        consent = self._by_consent_id.get(consent_id)
        if consent is None or consent.fiu_id != fiu_id:
            raise _Refusal(400, "InvalidConsentId", "unknown consentId")
        return consent

    def _use_consent(self, consent: _Consent) -> None:
        """Count one FI request against the consent's ``Frequency``, or refuse it."""
        frequency = consent.detail["Frequency"]
        unit, allowed = str(frequency["unit"]), int(frequency["value"])
        window = _FREQUENCY_WINDOWS.get(unit)
        now = datetime.now(UTC)
        with self._lock:
            if window is not None:
                recent = [when for when in consent.fi_requests if now - when < window]
                if len(recent) >= allowed:
                    raise _Refusal(400, "InvalidConsentUse",
                                   f"Frequency allows {allowed} FI request(s) per {unit}; "
                                   f"{len(recent)} made in the last {unit.lower()}")
                consent.fi_requests = recent
            consent.fi_requests.append(now)
            consent.uses += 1
            consent.last_use = now

    def _check_delivered(self, session_id: str, session: _Session,
                         later: Callable[..., None]) -> None:
        """Refuse a fetch while the FIP has not delivered; notify the FIU once it has."""
        with self._lock:
            if session.pending_fetches == 0 and time.monotonic() >= session.ready_at:
                return
            session.pending_fetches = max(0, session.pending_fetches - 1)
            ready = session.pending_fetches == 0 and time.monotonic() >= session.ready_at
        if ready:
            later(self._notify_when_ready, session_id)
        raise _Refusal(403, "DataFetchRequestInProgress",
                       "the FIP has not delivered this session's data yet; fetch again later")

    def _notify_when_ready(self, session_id: str) -> None:
        """Send the FI notification once the session's data is there, exactly once."""
        session = self._sessions[session_id]
        time.sleep(max(0.0, session.ready_at - time.monotonic()))
        with self._lock:
            if session.pending_fetches > 0 or session.notified:
                return
            session.notified = True
        self._notify_fi_ready(session_id)

    def _decide(self, consent: _Consent) -> None:
        """The customer answers on the AA app, after a moment ("pause": approves, then
        pauses before the FIU could use the consent)."""
        time.sleep(self.approval_delay_s)
        with self._lock:
            if self.approval == "reject":
                consent.status = "REJECTED"
            else:
                consent.consent_id = str(uuid.uuid4())
                consent.created = datetime.now(UTC)
                consent.signed = self._sign_consent(consent)
                consent.status = "PAUSED" if self.approval == "pause" else "ACTIVE"
                self._by_consent_id[consent.consent_id] = consent
        statuses = ["ACTIVE", "PAUSED"] if self.approval == "pause" else [consent.status]
        for status in statuses:
            self._notify_consent(consent, status)

    def _sign_consent(self, consent: _Consent) -> str:
        account = self.account(consent.customer)
        detail = {key: value for key, value in consent.detail.items() if key != "DataFilter"}
        detail["DataProvider"] = {"id": account.fip_id, "type": "FIP"}
        # The AA verified the customer's mobile at registration; the artefact names it.
        detail["Customer"] = {"id": consent.customer, "Identifiers": [
            {"type": "MOBILE", "value": f"91{account.customer['mobile']}"}]}
        detail["Accounts"] = [{
            "fiType": "DEPOSIT", "fipId": account.fip_id, "accType": "SAVINGS",
            "linkRefNumber": account.link_ref, "maskedAccNumber": account.masked_account}]
        payload = json.dumps(detail, separators=(",", ":")).encode()
        return sign_compact(payload, self._private_key, kid=self.key_id)

    def _encrypted(self, statement: DepositStatement, their_key: dict[str, Any]
                   ) -> dict[str, Any]:
        document = (render_deposit_json(statement) if self.fi_format == "json"
                    else render_deposit_xml(statement))
        our_private, our_key, our_nonce = generate_key_material()
        target = their_key
        if self.misbehaviour.wrong_fi_key:
            target = generate_key_material()[1]
        ciphertext = encrypt_fi(document, our_private, target, our_nonce)
        if self.misbehaviour.tampered_ciphertext:
            raw = bytearray(base64.b64decode(ciphertext))
            raw[len(raw) // 2] ^= 0x01
            ciphertext = base64.b64encode(bytes(raw)).decode()
        account = statement.account
        return {"fipID": account.fip_id, "KeyMaterial": our_key, "data": [{
            "linkRefNumber": account.link_ref, "maskedAccNumber": account.masked_account,
            "encryptedFI": ciphertext}]}

    def _notify_consent(self, consent: _Consent, status: str) -> None:
        notification = {"consentHandle": consent.handle, "consentStatus": status}
        if consent.consent_id is not None:
            notification["consentId"] = consent.consent_id
        self._notify(consent.fiu_id, "/Consent/Notification", {
            **envelope(str(uuid.uuid4())), "Notifier": {"type": "AA", "id": self.aa_id},
            "ConsentStatusNotification": notification})

    def _notify_fi_ready(self, session_id: str) -> None:
        session = self._sessions[session_id]
        self._notify(session.fiu_id, "/FI/Notification", {
            **envelope(str(uuid.uuid4())), "Notifier": {"type": "AA", "id": self.aa_id},
            "FIStatusNotification": {
                "sessionId": session_id, "sessionStatus": "COMPLETED",
                "FIStatusResponse": [{"fipID": s.account.fip_id, "Accounts": [{
                    "linkRefNumber": s.account.link_ref, "FIStatus": "READY",
                    "description": ""}]} for s in session.statements]}})

    def _notify(self, fiu_id: str, path: str, payload: dict[str, Any]) -> None:
        fiu = self._fius[fiu_id]
        if fiu.notification_url is None:
            return
        body, headers = self.signed(payload)
        headers["x-request-meta"] = request_meta(fiu_id)
        if fiu.notification_api_key is not None:
            headers["aa_api_key"] = fiu.notification_api_key
        try:
            status = httpx.post(f"{fiu.notification_url}{path}", content=body,
                                headers=headers, timeout=10).status_code
        except httpx.TransportError:
            status = 0  # an FIU that is down misses the push; it still polls
        with self._lock:
            self.notifications_sent.append((path, status))

    def signed(self, payload: Mapping[str, Any]) -> tuple[bytes, dict[str, str]]:
        """The exact body bytes and headers of an answer or notification, JWS-signed."""
        body = json.dumps(payload, separators=(",", ":")).encode()
        return body, {"content-type": "application/json",
                      "x-jws-signature": sign_detached(body, self._answer_key, kid=self.key_id)}

    def authenticate(self, headers: Mapping[str, str], body: bytes) -> str:
        """The calling FIU's id, after its API key and its body's detached JWS check out."""
        api_key = headers.get("client_api_key")
        fiu_id = next((f for f, fiu in self._fius.items() if fiu.api_key == api_key), None)
        if api_key is None or fiu_id is None:
            raise _Refusal(401, "Unauthorized", "missing or unknown client_api_key")
        signature = headers.get("x-jws-signature")
        if signature is None:
            raise _Refusal(400, "InvalidSecurity", "x-jws-signature header is missing")
        try:
            verify_detached(body, signature, self._fius[fiu_id].public_key)
        except AaError:
            raise _Refusal(400, "SignatureDoesNotMatch",
                           "x-jws-signature does not verify over the request body") from None
        return fiu_id

    def replay(self, path: str, txnid: str, body: bytes) -> Response | None:
        """The stored answer to a repeated request, or ``None`` for a new ``txnid``."""
        seen = self._answers.get((path, txnid))
        if seen is None:
            return None
        digest, answer = seen
        if digest != hashlib.sha256(body).digest():
            raise _Refusal(409, "IdempotencyError", "txnid was used for another request")
        return answer

    def remember(self, path: str, txnid: str, body: bytes, answer: Response) -> None:
        with self._lock:
            self._answers[(path, txnid)] = (hashlib.sha256(body).digest(), answer)


_ROUTES: dict[str, tuple[str, bool]] = {
    # path: (AaSandbox method, whether it schedules background work)
    "/Consent": ("request_consent", True),
    "/Consent/handle": ("consent_status", False),
    "/Consent/fetch": ("consent_artefact", False),
    "/FI/request": ("request_fi", True),
    "/FI/fetch": ("fetch_fi", True),
}


def create_aa_sandbox_app(sandbox: AaSandbox, *, faults: FaultPlan | None = None) -> FastAPI:
    """The sandbox AA as a FastAPI app; ``faults`` makes it throttle, fail and stall."""
    app = FastAPI(title="nijta Account Aggregator sandbox", openapi_url=None)
    app.state.aa = sandbox

    def signed_response(status: int, payload: Mapping[str, Any]) -> Response:
        body, headers = sandbox.signed(payload)
        return Response(body, status_code=status, headers=headers)

    def endpoint(path: str, method: str, schedules: bool) -> Callable[..., Any]:
        async def handle(request: Request, background: BackgroundTasks) -> Response:
            raw = await request.body()
            txnid = ""
            try:
                fiu_id = sandbox.authenticate(request.headers, raw)
                body = _json_object(raw)
                txnid = str(body.get("txnid", ""))
                stored = sandbox.replay(path, txnid, raw)
                if stored is not None:
                    return stored
                args = (fiu_id, body, background.add_task) if schedules else (fiu_id, body)
                answer = getattr(sandbox, method)(*args)
            except _Refusal as refusal:
                return signed_response(refusal.status, {
                    **envelope(txnid), "errorCode": refusal.code, "errorMsg": refusal.message})
            except (KeyError, TypeError, ValueError) as exc:
                return signed_response(400, {
                    **envelope(txnid), "errorCode": "InvalidRequest",
                    "errorMsg": f"request body does not follow the spec ({exc!r})"})
            response = signed_response(200, answer)
            sandbox.remember(path, txnid, raw, response)
            return response

        return handle

    for path, (method, schedules) in _ROUTES.items():
        app.add_api_route(path, endpoint(path, method, schedules), methods=["POST"])

    @app.get("/Heartbeat")
    def heartbeat() -> Response:
        return signed_response(200, {"ver": API_VERSION, "timestamp": timestamp(),
                                     "Status": "UP"})

    if faults is not None:
        inject_faults(app, faults)
    return app


# -- synthetic deposit data ----------------------------------------------------------------


@dataclass(frozen=True)
class _AccountDays:
    opening_date: date
    opening_balance: Decimal
    transactions: tuple[DepositTransaction, ...]
    """Every transaction from the opening date to the requested end, balance not yet set."""


def _account_days(seed: int, index: int, end: date) -> _AccountDays:
    """The account's history, drawn day by day so any range shows the same transactions."""
    setup = np.random.default_rng([seed, index])
    opening = ACCOUNT_EPOCH + timedelta(days=int(setup.integers(0, 180)))
    salary = Decimal(int(setup.integers(250, 1500)) * 100)
    opening_balance = Decimal(int(setup.integers(1_000, 200_000)))
    transactions: list[DepositTransaction] = []
    day = opening
    while day <= end:
        transactions.extend(_day_transactions(seed, index, day, salary))
        day += timedelta(days=1)
    return _AccountDays(opening, opening_balance, tuple(transactions))


def _day_transactions(seed: int, index: int, day: date, salary: Decimal
                      ) -> list[DepositTransaction]:
    rng = np.random.default_rng([seed, index, day.toordinal()])
    drawn: list[tuple[str, str, Decimal]] = []
    if day.day == 1:
        drawn.append(("CREDIT", "FT", salary))
    for _ in range(int(rng.poisson(1.2))):
        cents = int(rng.lognormal(6.0, 1.1) * 100) + 100
        credit = rng.random() < 0.15
        modes = _MODES
        drawn.append(("CREDIT" if credit else "DEBIT", modes[int(rng.integers(len(modes)))],
                      Decimal(min(cents, 5_000_000)) / 100))
    out = []
    for n, (kind, mode, amount) in enumerate(drawn):
        seconds = int(rng.integers(7 * 3600, 23 * 3600))
        when = datetime.combine(day, datetime.min.time(), IST) + timedelta(seconds=seconds)
        rrn = f"{int(rng.integers(10**11, 10**12))}"
        merchant = _MERCHANTS[int(rng.integers(len(_MERCHANTS)))]
        narration = (f"UPI/{rrn}/{merchant}/{merchant.lower()}@ybl/payment" if mode == "UPI"
                     else "SALARY CREDIT" if mode == "FT" and kind == "CREDIT" and n == 0
                     and day.day == 1 else f"{mode}/{merchant}")
        out.append(DepositTransaction(
            txn_id=f"S{index:06d}{day:%Y%m%d}{n:02d}", type=kind, mode=mode, amount=amount,
            balance=Decimal(0), timestamp=when, value_date=day, narration=narration,
            reference=rrn))
    return sorted(out, key=lambda t: t.timestamp)


def _with_balance(txn: DepositTransaction, balance: Decimal) -> DepositTransaction:
    return DepositTransaction(txn.txn_id, txn.type, txn.mode, txn.amount, balance,
                              txn.timestamp, txn.value_date, txn.narration, txn.reference)


def _v2_mode(mode: str) -> str:
    return {"FT": "NEFT", "OTHERS": "OTHERS"}.get(mode, mode)


def deposit_fields(statement: DepositStatement) -> dict[str, Any]:
    """The document's elements as attribute maps, per the statement's schema version."""
    account = statement.account
    c, v2 = account.customer, account.version.startswith("2")
    holder = {"name": c["name"], "dob": c["date_of_birth"].isoformat(),
              "mobile": c["mobile"], "nominee": "NOT-REGISTERED", "pan": c["pan"]}
    holder |= {"ckycRegistered": "YES"} if v2 else {"ckycCompliance": "true"}
    summary = {"currentBalance": f"{statement.closing_balance:.2f}", "currency": "INR",
               "balanceDateTime": datetime.combine(statement.end, datetime.max.time(), IST)
               .isoformat(timespec="seconds"),
               "branch": c["city"], "micrCode": "", "openingDate":
               statement.opening_date.isoformat(), "status": "ACTIVE"}
    summary |= ({"accountType": "REGULAR", "accountSubType": "SAVINGS",
                 "facility": "NO_FACILITY_GRANTED", "ifsc": c["bank_ifsc"]} if v2
                else {"type": "SAVINGS", "ifscCode": c["bank_ifsc"]})
    balance_key = "transactionalBalance" if v2 else "currentBalance"
    transactions = [{
        "txnId": t.txn_id, "type": t.type, "mode": _v2_mode(t.mode) if v2 else t.mode,
        "amount": f"{t.amount:.2f}", balance_key: f"{t.balance:.2f}",
        "transactionTimestamp": t.timestamp.isoformat(), "valueDate": t.value_date.isoformat(),
        "narration": t.narration, "reference": t.reference} for t in statement.transactions]
    attributes = {"type": "deposit", "maskedAccNumber": account.masked_account,
                  "linkedAccRef": account.link_ref, "version": account.version}
    return {"Account": attributes, "Holders": {"type": "SINGLE"}, "Holder": holder,
            "Summary": summary, "Transactions": {"startDate": statement.start.isoformat(),
                                                 "endDate": statement.end.isoformat()},
            "Transaction": transactions}


def render_deposit_xml(statement: DepositStatement) -> bytes:
    """The ReBIT DEPOSIT XML document of a statement."""
    parts = deposit_fields(statement)
    ns = f"{{{DEPOSIT_NAMESPACE}}}"
    ElementTree.register_namespace("", DEPOSIT_NAMESPACE)
    account = ElementTree.Element(f"{ns}Account", parts["Account"])
    holders = ElementTree.SubElement(ElementTree.SubElement(account, f"{ns}Profile"),
                                     f"{ns}Holders", parts["Holders"])
    ElementTree.SubElement(holders, f"{ns}Holder", parts["Holder"])
    ElementTree.SubElement(account, f"{ns}Summary", parts["Summary"])
    transactions = ElementTree.SubElement(account, f"{ns}Transactions", parts["Transactions"])
    for txn in parts["Transaction"]:
        ElementTree.SubElement(transactions, f"{ns}Transaction", txn)
    return ElementTree.tostring(account, encoding="utf-8", xml_declaration=True)


def render_deposit_json(statement: DepositStatement) -> bytes:
    """The ReBIT DEPOSIT document in its JSON form (same names as the XML attributes)."""
    parts = deposit_fields(statement)
    document = {"Account": {
        **parts["Account"],
        "Profile": {"Holders": {**parts["Holders"], "Holder": [parts["Holder"]]}},
        "Summary": parts["Summary"],
        "Transactions": {**parts["Transactions"], "Transaction": parts["Transaction"]}}}
    return json.dumps(document, separators=(",", ":")).encode()


# -- wire helpers --------------------------------------------------------------------------


def _parse_time(text: str) -> datetime:
    when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if when.tzinfo is None:
        raise ValueError("date-time without an offset")
    return when


def _range(data_range: Mapping[str, str]) -> tuple[datetime, datetime]:
    return _parse_time(data_range["from"]), _parse_time(data_range["to"])


def _json_object(raw: bytes) -> dict[str, Any]:
    body = json.loads(raw)
    if not isinstance(body, dict):
        raise ValueError("body is not a JSON object")
    return body

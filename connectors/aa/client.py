"""The FIU's client of an Account Aggregator: consent, then encrypted FI data (ReBIT v2 API).

The flow, one call per step, each body signed with our RSA key (``x-jws-signature``: detached
RS256 JWS, ``b64: false``, over the exact bytes sent) and each answer's signature checked with
the AA's key before anything in it is used:

1. ``POST /Consent``          → ConsentHandle; the customer approves on the AA's app;
2. ``POST /Consent/handle``   → its status, polled, woken early by the AA's
   ``/Consent/Notification`` (:mod:`connectors.aa.notifications`);
3. ``POST /Consent/fetch``    → the artefact; ``signedConsent`` (compact JWS) verified and its
   DataConsumer, Customer, Purpose and FIDataRange checked against what we asked for;
4. ``POST /FI/request``       → sessionId, for a fresh X25519 KeyMaterial (32-byte nonce);
5. ``/FI/Notification``       → the data is ready (or the wait runs out and we fetch anyway);
6. ``POST /FI/fetch``         → each account's ``encryptedFI`` with the FIP's KeyMaterial,
   decrypted here (:func:`connectors.aa.crypto.decrypt_fi`). While the FIP has not delivered,
   the AA answers 403 ``DataFetchRequestInProgress``: we wait for the next notification (or
   ``poll_interval_s``) and fetch again, for at most ``fi_ready_timeout_s``
   (:class:`~connectors.aa.exceptions.FiNotReady`).

A consent's ``Frequency`` bounds the FI requests per unit of time; an AA refusing one more
(400 ``InvalidConsentUse``) raises :class:`~connectors.aa.exceptions.ConsentUseExceeded`, not
retried. Error answers the client acts on are signature-checked like any other answer.

Transport failures, 429 and 5xx are retried by :class:`connectors.http.SourceHttpClient`; an
answer cut short (not JSON) is sent again; every request repeats its ``txnid`` so the AA can
answer a retry idempotently.

Usage::

    with FiuClient("aa_deposits", source, notices=receiver) as fiu:
        handle = fiu.request_consent("C000001@nijta-aa")
        artefact = fiu.fetch_consent(fiu.wait_for_consent(handle), customer=...)
        for document in fiu.fetch_fi_documents(artefact, start, end):
            parse_deposit(document.plaintext)
"""

from __future__ import annotations

import base64
import json
import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

import httpx
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from connectors.aa.configuration import PURPOSE_TEXTS, AaFiuSource
from connectors.aa.crypto import decrypt_fi, generate_key_material
from connectors.aa.exceptions import (
    AaError,
    AaRefusal,
    ConsentUseExceeded,
    FiNotReady,
    JwsVerificationError,
)
from connectors.aa.jws import sign_detached, verify_compact, verify_detached
from connectors.exceptions import SourceRefusal, SourceUnavailable
from connectors.http import SourceHttpClient, backoff_s

if TYPE_CHECKING:
    from connectors.aa.notifications import NotificationReceiver

__all__ = [
    "API_VERSION", "CONSENT_USE_EXCEEDED", "FI_IN_PROGRESS", "ConsentArtefact", "FiDocument",
    "FiSession", "FiuClient", "envelope", "load_keys", "request_meta", "timestamp",
]

API_VERSION = "2.0.0"
_APPROVED = frozenset({"READY", "APPROVED"})
_REFUSED = frozenset({"REJECTED", "EXPIRED", "FAILED"})
_INDIAN_MOBILE = re.compile(r"(?:\+?91|0)?[6-9]\d{9}")
FI_IN_PROGRESS = "DataFetchRequestInProgress"
"""/FI/fetch 403 (AA spec ``ForbiddenFIFetch``): the FIP has not delivered the data yet."""
CONSENT_USE_EXCEEDED = "InvalidConsentUse"
"""/FI/request 400 (AA spec ``BadRequestFIRequest``): the consent may not be used so."""
_ACTED_ON = frozenset({FI_IN_PROGRESS, CONSENT_USE_EXCEEDED})


@dataclass(frozen=True)
class ConsentArtefact:
    """A verified consent artefact: what the customer allowed, signed by the AA."""

    consent_id: str
    customer: str
    status: str
    created: datetime
    signed_consent: str = field(repr=False)
    detail: dict[str, Any] = field(repr=False)
    """The SignedConsentDetail decoded from ``signedConsent`` (verified)."""

    @property
    def purpose_code(self) -> str:
        return str(self.detail["Purpose"]["code"])

    @property
    def signature(self) -> str:
        """The JWS signature segment: ``Consent.digitalSignature`` of an FI request."""
        return self.signed_consent.rsplit(".", 1)[1]

    @property
    def data_range(self) -> tuple[datetime, datetime]:
        data_range = self.detail["FIDataRange"]
        return _parse_time(data_range["from"]), _parse_time(data_range["to"])

    @property
    def data_life(self) -> tuple[str, int]:
        """``(unit, value)`` of DataLife: how long we may keep what this consent fetched."""
        return str(self.detail["DataLife"]["unit"]), int(self.detail["DataLife"]["value"])

    @property
    def frequency(self) -> tuple[str, int]:
        """``(unit, value)`` of Frequency: at most ``value`` FI requests per ``unit``."""
        frequency = self.detail["Frequency"]
        return str(frequency["unit"]), int(frequency["value"])

    @property
    def start(self) -> datetime:
        """``consentStart``: from when FI may be requested under this consent."""
        return _parse_time(self.detail["consentStart"])

    @property
    def expiry(self) -> datetime:
        """``consentExpiry``: after it no FI may be requested."""
        return _parse_time(self.detail["consentExpiry"])

    @property
    def fi_types(self) -> tuple[str, ...]:
        """``fiTypes``: the kinds of financial information the consent covers."""
        return tuple(str(fi_type) for fi_type in self.detail["fiTypes"])

    @property
    def customer_mobile(self) -> str | None:
        """The customer's mobile number as the AA verified it: the artefact's
        ``Customer.Identifiers`` entry of type MOBILE, else the handle's local part when that
        is a mobile number (``9845012763@aa``, the usual AA handle); ``None`` if neither is.
        Raw personal data."""
        customer = self.detail["Customer"]
        candidates = [str(identifier["value"]) for identifier in customer.get("Identifiers", ())
                      if identifier.get("type") == "MOBILE"]
        candidates.append(str(customer["id"]).partition("@")[0])
        return next((c for c in candidates if _INDIAN_MOBILE.fullmatch(re.sub(r"[\s-]", "", c))),
                    None)


@dataclass(frozen=True)
class FiSession:
    """One FI data session: its id and the ephemeral key the data is encrypted for."""

    session_id: str
    consent_id: str
    start: datetime
    end: datetime
    private_key: X25519PrivateKey = field(repr=False)
    nonce: str = field(repr=False)


@dataclass(frozen=True)
class FiDocument:
    """One account's decrypted FI document (ReBIT XML or JSON): raw personal data."""

    fip_id: str
    link_ref: str
    masked_account: str
    plaintext: bytes = field(repr=False)


class FiuClient:
    """Talks to one AA as one FIU; thread-compatible, one instance per worker."""

    def __init__(self, connector: str, source: AaFiuSource, *,
                 notices: NotificationReceiver | None = None,
                 transport: httpx.BaseTransport | None = None) -> None:
        self._connector = connector
        self._source = source
        self._notices = notices
        self._signing_key, self._aa_key = load_keys(source)
        self._http = SourceHttpClient(
            connector, source.base_url, timeout_s=source.timeout_s,
            max_attempts=source.max_attempts, rate_limit_per_s=source.rate_limit_per_s,
            headers={"client_api_key": source.client_api_key.get_secret_value(),
                     "x-request-meta": request_meta(source.aa_id)},
            transport=transport)

    # -- consent ------------------------------------------------------------------------------

    def heartbeat(self) -> str:
        """The AA's ``Status`` (``UP`` or ``DOWN``)."""
        return str(self._call("GET", "/Heartbeat")["Status"])

    def request_consent(self, customer: str) -> str:
        """Ask ``customer`` (an AA handle) for the configured consent; its ConsentHandle."""
        answer = self._call("POST", "/Consent", {
            **envelope(), "ConsentDetail": self._consent_detail(customer)})
        return str(answer["ConsentHandle"])

    def consent_status(self, handle: str) -> tuple[str, str | None]:
        """``(status, consent id or None)`` of a consent request."""
        answer = self._call("POST", "/Consent/handle", {**envelope(), "ConsentHandle": handle})
        status = answer["ConsentStatus"]
        return str(status["status"]), status.get("id")

    def wait_for_consent(self, handle: str) -> str:
        """The consent id once the customer approves; polls, woken early by notifications."""
        deadline = time.monotonic() + self._source.consent_timeout_s
        while True:
            status, consent_id = self.consent_status(handle)
            if status in _APPROVED and consent_id:
                return str(consent_id)
            if status in _REFUSED:
                raise AaError(f"consent request {handle}: the AA reports {status}; ask the "
                              "customer again with a new consent request",
                              connector=self._connector)
            if time.monotonic() > deadline:
                raise AaError(f"consent request {handle}: still {status} after "
                              f"{self._source.consent_timeout_s:.0f} s (consent_timeout_s)",
                              connector=self._connector)
            self._await_notice(lambda notices: notices.consent(handle))

    def fetch_consent(self, consent_id: str, *, customer: str) -> ConsentArtefact:
        """The artefact, its ``signedConsent`` verified and matched to our request; it must
        be ACTIVE."""
        answer = self._call("POST", "/Consent/fetch", {**envelope(), "consentId": consent_id})
        try:
            detail = json.loads(verify_compact(answer["signedConsent"], self._aa_key))
        except JwsVerificationError as exc:
            raise JwsVerificationError(f"consent {consent_id}: signedConsent: {exc}",
                                       connector=self._connector) from exc
        artefact = ConsentArtefact(
            consent_id=consent_id, customer=customer, status=str(answer["status"]),
            created=_parse_time(answer["createTimestamp"]),
            signed_consent=answer["signedConsent"], detail=detail)
        self._check_artefact(artefact)
        return artefact

    # -- FI data ------------------------------------------------------------------------------

    def request_fi(self, artefact: ConsentArtefact, start: datetime, end: datetime
                   ) -> FiSession:
        """Open an FI session for ``[start, end)`` under ``artefact``, with a fresh key."""
        private_key, key_material, nonce = generate_key_material()
        try:
            answer = self._call("POST", "/FI/request", {
                **envelope(), "FIDataRange": {"from": timestamp(start), "to": timestamp(end)},
                "Consent": {"id": artefact.consent_id, "digitalSignature": artefact.signature},
                "KeyMaterial": key_material})
        except AaRefusal as refusal:
            if refusal.error_code != CONSENT_USE_EXCEEDED:
                raise
            unit, value = artefact.frequency
            raise ConsentUseExceeded(
                f"consent {artefact.consent_id}: the AA refused the FI request for "
                f"{timestamp(start)}..{timestamp(end)} ({refusal.status} {refusal.error_code}):"
                f" its Frequency allows {value} FI request(s) per {unit}; wait for the next "
                f"{unit.lower()}, raise fetch_window_days so fewer requests cover FIDataRange, "
                "or ask the customer for a consent with a higher Frequency",
                consent_id=artefact.consent_id, status=refusal.status,
                error_code=refusal.error_code, connector=self._connector) from None
        return FiSession(str(answer["sessionId"]), artefact.consent_id, start, end,
                         private_key, nonce)

    def fetch_fi(self, session: FiSession) -> list[FiDocument]:
        """Every account's document of ``session``, decrypted. A ciphertext that fails
        authentication raises :class:`~connectors.aa.exceptions.FiDecryptionError`."""
        self._await_notice(lambda notices: notices.fi_session(session.session_id))
        answer = self._fetch_when_ready(session)
        return [
            FiDocument(fip_id=str(fip["fipID"]), link_ref=str(item["linkRefNumber"]),
                       masked_account=str(item["maskedAccNumber"]),
                       plaintext=decrypt_fi(item["encryptedFI"], session.private_key,
                                            fip["KeyMaterial"], session.nonce))
            for fip in answer["FI"] for item in fip["data"] if item.get("encryptedFI")
        ]

    def fetch_fi_documents(self, artefact: ConsentArtefact, start: datetime, end: datetime
                           ) -> tuple[FiSession, list[FiDocument]]:
        """FI request, wait, fetch and decrypt, for one date window."""
        session = self.request_fi(artefact, start, end)
        return session, self.fetch_fi(session)

    def _fetch_when_ready(self, session: FiSession) -> dict[str, Any]:
        """``/FI/fetch``'s answer, asked again while the AA says ``DataFetchRequestInProgress``
        (each retry waits for a new notification about the session, or ``poll_interval_s``)
        until ``fi_ready_timeout_s`` runs out."""
        deadline = time.monotonic() + self._source.fi_ready_timeout_s
        while True:
            heard = self._fi_notice_count(session.session_id)
            try:
                return self._call("POST", "/FI/fetch",
                                  {**envelope(), "sessionId": session.session_id})
            except AaRefusal as refusal:
                left = deadline - time.monotonic()
                if refusal.error_code != FI_IN_PROGRESS:
                    raise
                if left <= 0:
                    raise FiNotReady(
                        f"FI session {session.session_id} (consent {session.consent_id}): the "
                        f"AA still answers {refusal.status} {refusal.error_code} after "
                        f"{self._source.fi_ready_timeout_s:g} s (fi_ready_timeout_s); the FIP "
                        "has not delivered this window's data, run again later",
                        session_id=session.session_id, status=refusal.status,
                        error_code=refusal.error_code, connector=self._connector) from None
            self._await_notice(
                lambda _, sid=session.session_id, before=heard:
                    True if self._fi_notice_count(sid) > before else None,
                timeout_s=min(self._source.poll_interval_s, left))

    def _fi_notice_count(self, session_id: str) -> int:
        if self._notices is None:
            return 0
        return sum(1 for notice in self._notices.fi_sessions if notice.session_id == session_id)

    # -- wire ---------------------------------------------------------------------------------

    def _call(self, method: str, path: str, payload: dict[str, Any] | None = None
              ) -> dict[str, Any]:
        """Send one signed request; the answer after its signature and ``txnid`` check out."""
        body = None if payload is None else json.dumps(payload, separators=(",", ":")).encode()
        headers = {} if body is None else {
            "content-type": "application/json",
            "x-jws-signature": sign_detached(body, self._signing_key, kid=self._source.key_id)}
        for attempt in range(1, self._source.max_attempts + 1):
            try:
                response = self._http.request(method, path, content=body, headers=headers)
            except SourceRefusal as refusal:
                if refusal.error_code not in _ACTED_ON or refusal.response is None:
                    raise
                raise self._refusal(method, path, payload, refusal,
                                    refusal.response) from None
            try:
                answer = json.loads(response.content)
            except (json.JSONDecodeError, UnicodeDecodeError):
                # Cut short in transit: its signature could never verify; ask again.
                if attempt < self._source.max_attempts:
                    time.sleep(backoff_s(attempt))
                continue
            self._verify(method, path, response)
            if payload is not None and answer.get("txnid") != payload["txnid"]:
                raise AaError(f"{method} {path}: the answer's txnid is not the request's",
                              connector=self._connector)
            return answer
        raise SourceUnavailable(self._connector, f"{method} {path}: invalid JSON body after "
                                f"{self._source.max_attempts} attempts")

    def _refusal(self, method: str, path: str, payload: dict[str, Any] | None,
                 refusal: SourceRefusal, response: httpx.Response) -> AaRefusal:
        """A spec error answer as :class:`AaRefusal`, once its signature and ``txnid`` check
        out (``errorMsg`` carries no personal data, the spec says)."""
        self._verify(method, path, response)
        answer = json.loads(response.content)
        if payload is not None and answer.get("txnid") != payload["txnid"]:
            raise AaError(f"{method} {path}: the error answer's txnid is not the request's",
                          connector=self._connector)
        code = str(refusal.error_code)
        return AaRefusal(f"{method} {path}: the AA answered {response.status_code} {code}: "
                         f"{(refusal.error_message or '')[:200]}",
                         status=response.status_code, error_code=code,
                         connector=self._connector)

    def _verify(self, method: str, path: str, response: httpx.Response) -> None:
        signature = response.headers.get("x-jws-signature")
        if signature is None:
            raise JwsVerificationError(f"{method} {path}: the answer has no x-jws-signature",
                                       connector=self._connector)
        try:
            verify_detached(response.content, signature, self._aa_key)
        except JwsVerificationError as exc:
            raise JwsVerificationError(
                f"{method} {path}: the answer's x-jws-signature does not verify with the AA's "
                f"public key (aa_public_key): {exc}", connector=self._connector) from exc

    def _await_notice(self, seen: Any, timeout_s: float | None = None) -> None:
        """Wait up to ``timeout_s`` (default ``poll_interval_s``) for a notification ``seen``
        reports; without a receiver just wait."""
        timeout_s = self._source.poll_interval_s if timeout_s is None else timeout_s
        if self._notices is None:
            time.sleep(timeout_s)
        else:
            self._notices.wait_for(seen, timeout_s)

    def _consent_detail(self, customer: str) -> dict[str, Any]:
        template = self._source.consent
        now = datetime.now(UTC)
        text, category = PURPOSE_TEXTS[template.purpose_code]
        return {
            "consentStart": timestamp(now),
            "consentExpiry": timestamp(now + timedelta(days=template.validity_days)),
            "consentMode": template.consent_mode, "fetchType": template.fetch_type,
            "consentTypes": list(template.consent_types), "fiTypes": list(template.fi_types),
            "DataConsumer": {"id": self._source.fiu_id, "type": "FIU"},
            "Customer": {"id": customer},
            "Purpose": {"code": template.purpose_code,
                        "refUri": f"https://api.rebit.org.in/aa/purpose/"
                                  f"{template.purpose_code}.xml",
                        "text": text, "Category": {"type": category}},
            "FIDataRange": {"from": timestamp(template.data_from),
                            "to": timestamp(template.data_to)},
            "DataLife": template.data_life.model_dump(),
            "Frequency": template.frequency.model_dump(),
        }

    def _check_artefact(self, artefact: ConsentArtefact) -> None:
        detail, template = artefact.detail, self._source.consent
        where = f"consent {artefact.consent_id}"
        if artefact.status != "ACTIVE":
            raise AaError(f"{where} is {artefact.status}, not ACTIVE: no FI may be requested "
                          "under it", connector=self._connector)
        mismatches = [name for name, ok in (
            ("DataConsumer.id", detail["DataConsumer"]["id"] == self._source.fiu_id),
            ("Customer.id", detail["Customer"]["id"] == artefact.customer),
            ("Purpose.code", artefact.purpose_code == template.purpose_code),
            ("FIDataRange", artefact.data_range == (template.data_from, template.data_to)),
        ) if not ok]
        if mismatches:
            raise AaError(f"{where}: signedConsent differs from our request in "
                          f"{', '.join(mismatches)}", connector=self._connector)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def load_keys(source: AaFiuSource) -> tuple[RSAPrivateKey, RSAPublicKey]:
    """Our signing key and the AA's public key, parsed once (parsing checks the RSA key, which
    is far slower than signing with it)."""
    try:
        private_key = serialization.load_pem_private_key(
            source.private_key.get_secret_value().encode(), password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise AaError("private_key: not an unencrypted PKCS#8 PEM private key") from None
    try:
        public_key = serialization.load_pem_public_key(source.aa_public_key.encode())
    except (ValueError, UnsupportedAlgorithm):
        raise AaError("aa_public_key: not a PEM public key") from None
    if not isinstance(private_key, RSAPrivateKey) or not isinstance(public_key, RSAPublicKey):
        raise AaError("private_key and aa_public_key must be RSA keys (RS256)")
    return private_key, public_key


def timestamp(when: datetime | None = None) -> str:
    """ISO-8601 in UTC with milliseconds (``2023-06-26T11:39:57.153Z``), as the spec writes."""
    return (when or datetime.now(UTC)).astimezone(UTC).isoformat(
        timespec="milliseconds").replace("+00:00", "Z")


def envelope(txnid: str | None = None) -> dict[str, str]:
    """``ver``, ``timestamp`` and ``txnid`` (a fresh UUID unless given): every message's head."""
    return {"ver": API_VERSION, "timestamp": timestamp(), "txnid": txnid or str(uuid.uuid4())}


def request_meta(recipient: str) -> str:
    """``x-request-meta``: base64 of ``{"recipient-id": ...}`` (the Sahamati router's hop)."""
    return base64.b64encode(json.dumps({"recipient-id": recipient}).encode()).decode()


def _parse_time(text: str) -> datetime:
    when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=UTC)

"""The FIU's notification endpoints: where the AA pushes consent and FI status (FIU spec v2).

``POST /Consent/Notification`` and ``POST /FI/Notification`` accept a notification only when
its ``x-jws-signature`` verifies over the exact body with the AA's public key, its
``aa_api_key`` matches (when one is configured) and its ``Notifier`` is our AA; anything else
gets the spec's error envelope (400 ``SignatureDoesNotMatch`` / ``InvalidNotifier`` /
``InvalidRequest``, 401 ``Unauthorized``) and is never handed on. Accepted notifications are
kept for :class:`~connectors.aa.client.FiuClient`, which waits on them instead of polling
blindly; answers are signed with our key like every other message.

Usage::

    with NotificationReceiver(source) as receiver:
        sandbox.register_fiu(..., notification_url=receiver.url)
        fiu = FiuClient("aa_deposits", source, notices=receiver)
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self, TypeVar

from fastapi import FastAPI, Request, Response

from connectors.aa.client import envelope, load_keys
from connectors.aa.configuration import AaFiuSource
from connectors.aa.exceptions import AaError
from connectors.aa.jws import sign_detached, verify_detached
from connectors.sandbox.loopback import LoopbackServer

__all__ = ["ConsentNotice", "FiNotice", "NotificationReceiver"]

_T = TypeVar("_T")


@dataclass(frozen=True)
class ConsentNotice:
    """A ``ConsentStatusNotification``."""

    consent_handle: str | None
    consent_id: str | None
    status: str


@dataclass(frozen=True)
class FiNotice:
    """An ``FIStatusNotification``: the session's status and each account's ``FIStatus``."""

    session_id: str
    session_status: str
    accounts: tuple[tuple[str, str, str], ...]
    """``(fipID, linkRefNumber, FIStatus)`` per account."""


class _Refused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class NotificationReceiver:
    """A small HTTP server of the FIU's two notification endpoints, with what it received."""

    def __init__(self, source: AaFiuSource) -> None:
        if source.notification_host != "127.0.0.1" or source.notification_port != 0:
            # LoopbackServer binds a free loopback port only.
            raise AaError("notification_host/notification_port: only 127.0.0.1 with port 0 "
                          "(a free port) is supported so far")
        self._source = source
        self._signing_key, self._aa_key = load_keys(source)
        self._changed = threading.Condition()
        self.consents: list[ConsentNotice] = []
        self.fi_sessions: list[FiNotice] = []
        self.refused = 0
        """Notifications answered with an error (bad signature, key or notifier)."""
        self.app = self._build_app()
        self._server = LoopbackServer(self.app)

    @property
    def url(self) -> str:
        """Base URL to register with the AA (the Central Registry's callback URL)."""
        return self._server.url

    def consent(self, handle: str) -> ConsentNotice | None:
        """The latest notification about consent request ``handle``."""
        return next((n for n in reversed(self.consents) if n.consent_handle == handle), None)

    def fi_session(self, session_id: str) -> FiNotice | None:
        """The latest notification about FI session ``session_id``."""
        return next((n for n in reversed(self.fi_sessions) if n.session_id == session_id), None)

    def wait_for(self, seen: Callable[[NotificationReceiver], _T | None], timeout_s: float
                 ) -> _T | None:
        """Block until ``seen(self)`` is not ``None`` or ``timeout_s`` passes; its value."""
        with self._changed:
            self._changed.wait_for(lambda: seen(self) is not None, timeout=timeout_s)
            return seen(self)

    def _accept(self, headers: Mapping[str, str], raw: bytes) -> dict[str, Any]:
        expected_key = self._source.notification_api_key
        if expected_key is not None and not secrets.compare_digest(
                headers.get("aa_api_key", ""), expected_key.get_secret_value()):
            raise _Refused(401, "Unauthorized", "missing or wrong aa_api_key")
        signature = headers.get("x-jws-signature")
        if signature is None:
            raise _Refused(400, "InvalidSecurity", "x-jws-signature header is missing")
        try:
            verify_detached(raw, signature, self._aa_key)
        except AaError:
            raise _Refused(400, "SignatureDoesNotMatch",
                           "x-jws-signature does not verify with the AA's public key") from None
        body = json.loads(raw)
        if body["Notifier"]["id"] != self._source.aa_id:
            raise _Refused(400, "InvalidNotifier", "Notifier.id is not our AA")
        return body

    def _record_consent(self, body: dict[str, Any]) -> None:
        status = body["ConsentStatusNotification"]
        self._record(self.consents, ConsentNotice(
            status.get("consentHandle"), status.get("consentId"), str(status["consentStatus"])))

    def _record_fi(self, body: dict[str, Any]) -> None:
        status = body["FIStatusNotification"]
        accounts = tuple((str(fip["fipID"]), str(account["linkRefNumber"]),
                          str(account["FIStatus"]))
                         for fip in status["FIStatusResponse"] for account in fip["Accounts"])
        self._record(self.fi_sessions, FiNotice(str(status["sessionId"]),
                                                str(status["sessionStatus"]), accounts))

    def _record(self, into: list[Any], notice: Any) -> None:
        with self._changed:
            into.append(notice)
            self._changed.notify_all()

    def _build_app(self) -> FastAPI:
        app = FastAPI(title="nijta FIU notifications", openapi_url=None)

        def answer(status: int, payload: Mapping[str, Any]) -> Response:
            body = json.dumps(payload, separators=(",", ":")).encode()
            signature = sign_detached(body, self._signing_key, kid=self._source.key_id)
            return Response(body, status_code=status, media_type="application/json",
                            headers={"x-jws-signature": signature})

        def route(record: Callable[[dict[str, Any]], None]) -> Callable[..., Any]:
            async def receive(request: Request) -> Response:
                raw = await request.body()
                txnid = ""
                try:
                    txnid = str(json.loads(raw).get("txnid", ""))
                    body = self._accept(request.headers, raw)
                    record(body)
                except _Refused as refused:
                    self.refused += 1
                    return answer(refused.status, {**envelope(txnid), "errorCode": refused.code,
                                                   "errorMsg": refused.message})
                except (KeyError, TypeError, ValueError, AttributeError):
                    self.refused += 1
                    return answer(400, {**envelope(txnid), "errorCode": "InvalidRequest",
                                        "errorMsg": "notification body does not follow the "
                                                    "FIU spec"})
                return answer(200, {**envelope(txnid), "response": "OK"})

            return receive

        app.add_api_route("/Consent/Notification", route(self._record_consent),
                          methods=["POST"])
        app.add_api_route("/FI/Notification", route(self._record_fi), methods=["POST"])
        return app

    def start(self) -> None:
        self._server.start()

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

"""/FI/fetch before the FIP has delivered: the AA answers 403 DataFetchRequestInProgress and
the FIU waits (for the FI notification, else poll_interval_s) and fetches again, up to
fi_ready_timeout_s."""

from __future__ import annotations

import time

import pytest
from fastapi import FastAPI, Request, Response

from connectors.aa.client import FI_IN_PROGRESS, FiuClient, envelope
from connectors.aa.exceptions import FiNotReady, JwsVerificationError
from connectors.aa.notifications import NotificationReceiver
from connectors.aa.rebit import parse_deposit


def _recorded(exchanges: list[tuple[str, int]]):
    """``wrap`` for aa_world: keep (path, status) of every answer the sandbox gives."""

    def wrap(app: FastAPI) -> None:
        @app.middleware("http")
        async def record(request: Request, call_next):
            response = await call_next(request)
            exchanges.append((request.url.path, response.status_code))
            return response

    return wrap


def test_fetches_again_until_the_fip_has_delivered(aa_world):
    exchanges: list[tuple[str, int]] = []
    world = aa_world(fi_pending_fetches=2, wrap=_recorded(exchanges))
    with NotificationReceiver(world.source) as receiver, \
            FiuClient("aa", world.source, notices=receiver) as fiu:
        world.register(receiver.url)
        customer = world.source.customers[0]
        artefact = world.consented(fiu, customer)
        start, end = world.source.fetch_windows()[0]
        session, documents = fiu.fetch_fi_documents(artefact, start, end)
        notice = receiver.fi_session(session.session_id)
    fetches = [status for path, status in exchanges if path == "/FI/fetch"]
    assert fetches == [403, 403, 200]
    expected = world.sandbox.statement(customer, start, end)
    got = parse_deposit(documents[0].plaintext)
    assert [t.txn_id for t in got.transactions] == [t.txn_id for t in expected.transactions]
    # the AA tells the FIU only once the data is there, and only once
    assert notice is not None and notice.session_status == "COMPLETED"
    assert world.sandbox.notifications_sent.count(("/FI/Notification", 200)) == 1


def test_waits_out_a_slow_fip_without_a_notification_receiver(aa_world):
    world = aa_world(fi_ready_delay_s=0.6, source={"poll_interval_s": 0.1})
    world.register(None)
    with FiuClient("aa", world.source) as fiu:
        artefact = world.consented(fiu, world.source.customers[0])
        started = time.monotonic()
        _, documents = fiu.fetch_fi_documents(artefact, *world.source.fetch_windows()[0])
        waited = time.monotonic() - started
    assert len(documents) == 1 and 0.6 <= waited < 3


def test_gives_up_after_fi_ready_timeout_naming_the_session(aa_world):
    world = aa_world(fi_pending_fetches=10_000,
                     source={"poll_interval_s": 0.1, "fi_ready_timeout_s": 0.5})
    world.register(None)
    with FiuClient("aa", world.source) as fiu:
        artefact = world.consented(fiu, world.source.customers[0])
        session = fiu.request_fi(artefact, *world.source.fetch_windows()[0])
        started = time.monotonic()
        with pytest.raises(FiNotReady, match="fi_ready_timeout_s") as err:
            fiu.fetch_fi(session)
        waited = time.monotonic() - started
    assert 0.5 <= waited < 2  # bounded: no endless polling
    refusal = err.value
    assert refusal.session_id == session.session_id and session.session_id in str(refusal)
    assert (refusal.status, refusal.error_code) == (403, FI_IN_PROGRESS)
    assert artefact.consent_id in str(refusal)


def test_an_unsigned_in_progress_answer_is_not_believed(aa_world):
    """An in-progress answer is used only once its x-jws-signature verifies, like any other."""

    def forge(app: FastAPI) -> None:
        @app.middleware("http")
        async def not_ready(request: Request, call_next):
            if request.url.path != "/FI/fetch":
                return await call_next(request)
            txnid = (await request.json())["txnid"]
            return Response(status_code=403, media_type="application/json", content=(
                b'{"ver":"2.0.0","txnid":"%s","timestamp":"%s","errorCode":"%s",'
                b'"errorMsg":"later"}' % (txnid.encode(), envelope()["timestamp"].encode(),
                                          FI_IN_PROGRESS.encode())))

    world = aa_world(wrap=forge, source={"poll_interval_s": 0.1})
    world.register(None)
    with FiuClient("aa", world.source) as fiu, \
            pytest.raises(JwsVerificationError, match="POST /FI/fetch: the answer has no"):
        artefact = world.consented(fiu, world.source.customers[0])
        fiu.fetch_fi_documents(artefact, *world.source.fetch_windows()[0])

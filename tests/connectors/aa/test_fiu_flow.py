"""The FIU flow against the sandbox AA over real HTTP: consent, FI request, fetch, decrypt."""

from __future__ import annotations

import json
from decimal import Decimal

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import SecretStr

from connectors.aa.client import FiuClient, envelope
from connectors.aa.exceptions import AaError, FiDecryptionError, JwsVerificationError
from connectors.aa.jws import sign_detached, verify_detached
from connectors.aa.notifications import NotificationReceiver
from connectors.aa.rebit import parse_deposit
from connectors.exceptions import SourceAuthError
from connectors.sandbox.aa_server import Misbehaviour
from connectors.sandbox.faults import Fault, FaultPlan


@pytest.mark.parametrize("fi_format", ["xml", "json"])
def test_full_flow_gives_what_the_sandbox_generated(aa_world, fi_format):
    # C000001 is served as ReBIT 1.1, C000002 as 2.0.0
    world = aa_world(customers=("C000001", "C000002"), fi_format=fi_format)
    with NotificationReceiver(world.source) as receiver, \
            FiuClient("aa", world.source, notices=receiver) as fiu:
        world.register(receiver.url)
        versions = set()
        for customer in world.source.customers:
            artefact = world.consented(fiu, customer)
            assert artefact.purpose_code == "103" and artefact.status == "ACTIVE"
            start, end = world.source.fetch_windows()[0]
            session, documents = fiu.fetch_fi_documents(artefact, start, end)
            expected = world.sandbox.statement(customer, start, end)
            assert len(documents) == 1
            statement = parse_deposit(documents[0].plaintext)
            versions.add(statement.account.version)
            assert statement.account.linked_acc_ref == expected.account.link_ref
            got = [(t.txn_id, t.type, t.amount, t.current_balance, t.transaction_timestamp)
                   for t in statement.transactions]
            assert got == [(t.txn_id, t.type, t.amount, t.balance, t.timestamp)
                           for t in expected.transactions]
            assert got and all(isinstance(row[2], Decimal) for row in got)
            notice = receiver.wait_for(lambda r, s=session: r.fi_session(s.session_id), 5)
            assert notice.session_status == "COMPLETED"
            assert notice.accounts == ((expected.account.fip_id, expected.account.link_ref,
                                        "READY"),)
        assert versions == {"1.1", "2.0.0"}
        receiver.wait_for(lambda r: len(r.consents) == 2 or None, 5)
    assert {n.status for n in receiver.consents} == {"ACTIVE"}
    assert len(receiver.consents) == 2 and receiver.refused == 0
    assert world.sandbox.notifications_sent.count(("/FI/Notification", 200)) == 2


def test_windows_neither_overlap_nor_leave_gaps(aa_world):
    world = aa_world()
    customer = world.source.customers[0]
    whole = world.sandbox.statement(customer, world.source.consent.data_from,
                                    world.source.consent.data_to)
    pieces = [t.txn_id for start, end in world.source.fetch_windows()
              for t in world.sandbox.statement(customer, start, end).transactions]
    assert pieces == [t.txn_id for t in whole.transactions] and len(pieces) > 20


def test_polling_alone_finds_approval_without_notifications(aa_world):
    world = aa_world()
    world.register(None)
    with FiuClient("aa", world.source) as fiu:
        assert world.consented(fiu, world.source.customers[0]).status == "ACTIVE"


def test_answer_with_a_bad_signature_is_rejected(aa_world):
    world = aa_world(misbehaviour=Misbehaviour(bad_response_signature=True))
    world.register(None)
    with FiuClient("aa", world.source) as fiu, \
            pytest.raises(JwsVerificationError, match=r"/Heartbeat.*does not verify"):
        fiu.heartbeat()


@pytest.mark.parametrize("fault", ["tampered_ciphertext", "wrong_fi_key"])
def test_tampered_ciphertext_and_wrong_key_are_rejected(aa_world, fault):
    world = aa_world(misbehaviour=Misbehaviour(**{fault: True}))
    world.register(None)
    with FiuClient("aa", world.source) as fiu:
        artefact = world.consented(fiu, world.source.customers[0])
        with pytest.raises(FiDecryptionError, match="GCM authentication failed"):
            fiu.fetch_fi_documents(artefact, *world.source.fetch_windows()[0])


def test_sandbox_refuses_a_request_signed_with_another_key(aa_world):
    world = aa_world()
    world.register(None)
    impostor = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    body = json.dumps({**envelope(), "ConsentHandle": "x"}).encode()
    response = httpx.post(f"{world.url}/Consent/handle", content=body, headers={
        "client_api_key": world.source.client_api_key.get_secret_value(),
        "x-jws-signature": sign_detached(body, impostor, kid="fiu-key-1")})
    assert response.status_code == 400
    assert response.json()["errorCode"] == "SignatureDoesNotMatch"
    verify_detached(response.content, response.headers["x-jws-signature"],
                    world.sandbox.public_key_pem)  # errors are signed too
    source = world.source.model_copy(update={"client_api_key": SecretStr("wrong")})
    with FiuClient("aa", source) as fiu, pytest.raises(SourceAuthError, match="401"):
        fiu.request_consent(world.source.customers[0])


def test_receiver_refuses_a_notification_not_signed_by_the_aa(aa_world):
    world = aa_world()
    impostor = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    notice = {**envelope(), "Notifier": {"type": "AA", "id": world.sandbox.aa_id},
              "ConsentStatusNotification": {"consentHandle": "h", "consentStatus": "REVOKED"}}
    body = json.dumps(notice).encode()
    with NotificationReceiver(world.source) as receiver:
        response = httpx.post(f"{receiver.url}/Consent/Notification", content=body,
                              headers={"x-jws-signature": sign_detached(body, impostor)})
        assert response.status_code == 400
        assert response.json()["errorCode"] == "SignatureDoesNotMatch"
        assert receiver.consents == [] and receiver.refused == 1


@pytest.mark.parametrize(("approval", "status"), [("reject", "REJECTED"), ("pause", "PAUSED")])
def test_consent_not_granted_stops_the_flow(aa_world, approval, status):
    world = aa_world(approval=approval)
    with NotificationReceiver(world.source) as receiver, \
            FiuClient("aa", world.source, notices=receiver) as fiu:
        world.register(receiver.url)
        with pytest.raises(AaError, match=status):
            world.consented(fiu, world.source.customers[0])
        receiver.wait_for(lambda r: any(n.status == status for n in r.consents) or None, 5)
    assert receiver.consents[-1].status == status


@pytest.mark.slow
def test_injected_429_503_timeout_and_truncated_json_are_recovered(aa_world):
    plan = FaultPlan(schedule=[Fault.THROTTLE, Fault.UNAVAILABLE, Fault.SLOW, Fault.TRUNCATED,
                               None, Fault.TRUNCATED, Fault.THROTTLE, None, Fault.SLOW,
                               Fault.UNAVAILABLE, None, Fault.TRUNCATED],
                     slow_s=1.5, retry_after_s=0)
    world = aa_world(faults=plan, source={"timeout_s": 0.7, "max_attempts": 6})
    with NotificationReceiver(world.source) as receiver, \
            FiuClient("aa", world.source, notices=receiver) as fiu:
        world.register(receiver.url)
        customer = world.source.customers[0]
        artefact = world.consented(fiu, customer)
        start, end = world.source.fetch_windows()[0]
        _, documents = fiu.fetch_fi_documents(artefact, start, end)
    expected = world.sandbox.statement(customer, start, end)
    assert [t.txn_id for t in parse_deposit(documents[0].plaintext).transactions] == [
        t.txn_id for t in expected.transactions]
    assert all(plan.injected[fault] >= 2 for fault in Fault)

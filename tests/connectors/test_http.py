"""SourceHttpClient against the real UPI sandbox on loopback, spoiled by a FaultPlan."""

import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI, Request, Response

from connectors.exceptions import (
    SourceAuthError,
    SourceFormatError,
    SourceRefusal,
    SourceRequestError,
    SourceUnavailable,
)
from connectors.http import RateLimit, SourceHttpClient, backoff_s, retry_after_s
from connectors.sandbox.faults import Fault, FaultPlan, inject_faults
from connectors.sandbox.loopback import LoopbackServer
from connectors.sandbox.population import generate_population
from connectors.sandbox.upi_server import create_upi_sandbox_app
from connectors.sandbox.upi_transactions import generate_upi_transactions

KEY = "test-key"
FAST = {"backoff_base_s": 0.01, "backoff_cap_s": 0.05}


@pytest.fixture(scope="module")
def transactions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    population = generate_population(60, seed=3)
    dataset = generate_upi_transactions(population, n_transactions=1_000, days=10, seed=3,
                                        malformed_rate=0)
    path = tmp_path_factory.mktemp("psp") / "transactions.parquet"
    dataset.transactions.to_parquet(path)
    return path


def _sandbox(transactions: Path, plan: FaultPlan) -> LoopbackServer:
    app = create_upi_sandbox_app(transactions, api_key=KEY)
    inject_faults(app, plan)
    return LoopbackServer(app)


def _client(url: str, **options) -> SourceHttpClient:
    return SourceHttpClient("upi", url, headers={"Authorization": f"Bearer {KEY}"},
                            **{**FAST, **options})


def test_recovers_from_every_injected_fault(transactions):
    plan = FaultPlan(schedule=[Fault.THROTTLE, Fault.UNAVAILABLE, Fault.SLOW, Fault.TRUNCATED],
                     slow_s=1.0)
    with _sandbox(transactions, plan) as server, \
            _client(server.url, timeout_s=0.3, max_attempts=5) as http:
        body = http.get_json("/v1/transactions", {"page": 0, "page_size": 100})
    assert len(body["items"]) == 100 and body["total"] == 1_000
    assert plan.injected == {Fault.THROTTLE: 1, Fault.UNAVAILABLE: 1, Fault.SLOW: 1,
                             Fault.TRUNCATED: 1}
    assert plan.requests == 5  # four spoiled answers, then the good one


def test_retry_after_is_honoured(transactions):
    plan = FaultPlan(schedule=[Fault.THROTTLE], retry_after_s=1)
    with _sandbox(transactions, plan) as server, _client(server.url) as http:
        started = time.monotonic()
        http.get_json("/v1/transactions", {"page_size": 1})
        waited = time.monotonic() - started
    assert waited >= 1.0  # the jittered backoff alone would be under 0.05 s


def test_gives_up_after_max_attempts_naming_the_problem(transactions):
    plan = FaultPlan(schedule=[Fault.UNAVAILABLE] * 3)
    with _sandbox(transactions, plan) as server, _client(server.url, max_attempts=3) as http, \
            pytest.raises(SourceUnavailable, match=r"GET /v1/transactions: HTTP 503 after 3"):
        http.get_json("/v1/transactions")


def test_truncated_json_is_retried_and_bad_json_reported(transactions):
    plan = FaultPlan(schedule=[Fault.TRUNCATED, Fault.TRUNCATED])
    with _sandbox(transactions, plan) as server, _client(server.url, max_attempts=2) as http, \
            pytest.raises(SourceUnavailable, match="invalid JSON body"):
        http.get_json("/v1/transactions", {"page_size": 10})
    assert plan.injected[Fault.TRUNCATED] == 2


def test_401_is_not_retried(transactions):
    plan = FaultPlan()
    with _sandbox(transactions, plan) as server, \
            SourceHttpClient("upi", server.url, headers={"Authorization": "Bearer wrong"},
                             **FAST) as http, \
            pytest.raises(SourceAuthError, match="answered 401"):
        http.get_json("/v1/transactions")
    assert plan.requests == 1


def test_other_4xx_names_method_path_and_status(transactions):
    plan = FaultPlan()
    with _sandbox(transactions, plan) as server, _client(server.url) as http, \
            pytest.raises(SourceRequestError, match=r"GET /v1/transactions answered 422") as err:
        http.get_json("/v1/transactions", {"page_size": 0})
    assert err.value.status == 422 and plan.requests == 1


@pytest.mark.parametrize(("status", "error"), [(403, SourceAuthError),
                                               (400, SourceRequestError)])
def test_a_4xx_error_envelope_is_handed_to_the_caller(status, error):
    calls: list[int] = []

    def source(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(status, json={"errorCode": "DataFetchRequestInProgress",
                                            "errorMsg": "account 9845012763 not ready"})

    with SourceHttpClient("aa", "http://source", transport=httpx.MockTransport(source),
                          **FAST) as http, pytest.raises(error) as err:
        http.request("POST", "/FI/fetch", content=b"{}")
    refusal = err.value
    assert isinstance(refusal, SourceRefusal) and len(calls) == 1  # never retried
    assert (refusal.status, refusal.error_code, refusal.error_message) == (
        status, "DataFetchRequestInProgress", "account 9845012763 not ready")
    assert refusal.response is not None and refusal.response.status_code == status
    assert f"POST /FI/fetch answered {status} DataFetchRequestInProgress" in str(refusal)
    assert "9845012763" not in str(refusal)  # the free-text errorMsg stays out of messages


@pytest.mark.parametrize("body", [b'{"errorCode": "no such code; call 9845012763"}',
                                  b'["errorCode"]', b"<html>Bad Request</html>",
                                  b'{"detail": [{"input": "9845012763"}]}'])
def test_a_4xx_without_a_usable_error_code_names_only_the_status(body):
    transport = httpx.MockTransport(lambda request: httpx.Response(400, content=body))
    with SourceHttpClient("x", "http://source", transport=transport, **FAST) as http, \
            pytest.raises(SourceRequestError, match=r"GET / answered 400 Bad Request$") as err:
        http.request("GET", "/")
    assert err.value.error_code is None and "9845012763" not in str(err.value)


def test_connection_refused_is_retried_then_unavailable():
    with SourceHttpClient("upi", "http://127.0.0.1:9", max_attempts=2, **FAST) as http, \
            pytest.raises(SourceUnavailable, match="ConnectError after 2 attempts"):
        http.request("GET", "/healthz")


def test_paginate_numbered_pages(transactions):
    with LoopbackServer(create_upi_sandbox_app(transactions, api_key=KEY)) as server, \
            _client(server.url) as http:
        pages = list(http.paginate("/v1/transactions", {"page_size": 300}, page_param="page"))
    assert [p.number for p in pages] == [0, 1, 2, 3]
    ids = [item["txn_id"] for p in pages for item in p.items]
    assert len(ids) == 1_000 == len(set(ids))


def test_paginate_page_tokens_and_wrong_shape():
    app = FastAPI()

    @app.get("/things")
    def things(token: int = 0) -> dict:
        return {"items": [token], "next": token + 1 if token < 2 else None}

    @app.get("/flat")
    def flat() -> list:
        return []

    with LoopbackServer(app) as server, SourceHttpClient("x", server.url, **FAST) as http:
        pages = list(http.paginate("/things", page_param="token", next_token_key="next"))
        assert [p.items for p in pages] == [[0], [1], [2]]
        with pytest.raises(SourceFormatError, match="no 'items' list"):
            list(http.paginate("/flat", page_param="page"))


def test_post_sends_exact_bytes_and_is_retried():
    app = FastAPI()
    seen: list[bytes] = []

    @app.post("/echo")
    async def echo(request: Request) -> Response:
        seen.append(await request.body())
        return Response(status_code=200)

    plan = FaultPlan(schedule=[Fault.UNAVAILABLE])
    inject_faults(app, plan)
    with LoopbackServer(app) as server, SourceHttpClient("x", server.url, **FAST) as http:
        response = http.request("POST", "/echo", content=b'{"a": 1}',
                                headers={"content-type": "application/json"})
    assert response.status_code == 200 and plan.injected[Fault.UNAVAILABLE] == 1
    assert seen == [b'{"a": 1}']  # the retry reached the app with the very same bytes


def test_retry_after_forms():
    now = datetime(2026, 8, 1, tzinfo=UTC)
    as_date = format_datetime(now + timedelta(seconds=30), usegmt=True)
    assert retry_after_s(httpx.Response(429, headers={"Retry-After": "7"})) == 7
    assert retry_after_s(httpx.Response(429, headers={"Retry-After": as_date}), now=now) == 30
    assert retry_after_s(httpx.Response(429, headers={"Retry-After": "soon"})) is None
    assert retry_after_s(httpx.Response(429)) is None


def test_too_long_retry_after_ends_retries():
    transport = httpx.MockTransport(lambda request: httpx.Response(
        429, headers={"Retry-After": "3600"}))
    with SourceHttpClient("x", "http://source", transport=transport, **FAST) as http, \
            pytest.raises(SourceUnavailable, match="retry after 3600 s"):
        http.request("GET", "/")


def test_backoff_is_jittered_below_an_exponential_cap():
    draws = [backoff_s(4, 0.25, 8.0) for _ in range(200)]
    assert all(0 <= d <= 2.0 for d in draws) and max(draws) - min(draws) > 0.5
    assert all(backoff_s(20, 0.25, 8.0) <= 8.0 for _ in range(50))


def test_rate_limit_spaces_requests():
    calls: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(time.monotonic())
        return httpx.Response(200, json={})

    with SourceHttpClient("x", "http://source", rate_limit_per_s=20,
                          transport=httpx.MockTransport(handler)) as http:
        for _ in range(30):
            http.get_json("/")
    # a burst of 20 tokens, then 10 more at 20/s: at least 0.45 s in all
    assert calls[-1] - calls[0] >= 0.45
    limit = RateLimit(5, burst=1)
    started = time.monotonic()
    for _ in range(3):
        limit.acquire()
    assert time.monotonic() - started >= 0.38

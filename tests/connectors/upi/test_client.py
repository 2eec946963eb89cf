import pytest
from fastapi import FastAPI, Response
from pydantic import SecretStr

from connectors.configuration import UpiDemoFeedSource
from connectors.exceptions import SourceAuthError, SourceUnavailable
from connectors.sandbox.loopback import LoopbackServer
from connectors.upi.client import UpiTransactionClient


def _flaky_app(failures: list[int]) -> FastAPI:
    """Answers each status in ``failures`` once, then a one-record page."""
    app = FastAPI()
    calls = {"n": 0}

    @app.get("/v1/transactions")
    def page(page: int = 0, page_size: int = 10):
        calls["n"] += 1
        if failures:
            return Response(status_code=failures.pop(0), headers={"Retry-After": "0"})
        return {"page": page, "page_size": page_size, "total": 1, "total_pages": 1,
                "items": [{"txn_id": "x"}], "calls": calls["n"]}

    return app


def _source(url: str, attempts: int = 4) -> UpiDemoFeedSource:
    return UpiDemoFeedSource(type="upi_demo_feed", base_url=url, api_key=SecretStr("k"),
                             max_attempts=attempts, timeout_s=5)


def test_retries_429_and_5xx_then_succeeds():
    with LoopbackServer(_flaky_app([429, 503, 500])) as server, \
            UpiTransactionClient("upi", _source(server.url)) as client:
        page = client.fetch_page(0)
    assert page.records == [{"txn_id": "x"}]


def test_gives_up_after_max_attempts():
    with LoopbackServer(_flaky_app([503] * 5)) as server, \
            UpiTransactionClient("upi", _source(server.url, attempts=2)) as client, \
            pytest.raises(SourceUnavailable, match="HTTP 503 after 2 attempts"):
        client.fetch_page(0)


def test_auth_failure_is_not_retried():
    failures = [401, 503]
    with LoopbackServer(_flaky_app(failures)) as server, \
            UpiTransactionClient("upi", _source(server.url)) as client, \
            pytest.raises(SourceAuthError, match="api_key"):
        client.fetch_page(0)
    assert failures == [503]  # the 401 was the only request made

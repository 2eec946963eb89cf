"""FaultPlan decides deterministically; the middleware spoils real answers as it says."""

import email.utils
import json

import httpx
import pytest
from fastapi import FastAPI

from connectors.sandbox.faults import Fault, FaultPlan, inject_faults
from connectors.sandbox.loopback import LoopbackServer


def _app(plan: FaultPlan) -> FastAPI:
    app = FastAPI()

    @app.get("/data")
    def data() -> dict:
        return {"items": list(range(50))}

    @app.get("/healthz")
    def healthz() -> dict:
        return {"status": "ok"}

    inject_faults(app, plan)
    return app


def test_same_seed_same_faults_and_counts():
    odds = {Fault.THROTTLE: 0.2, Fault.UNAVAILABLE: 0.2, Fault.TRUNCATED: 0.1}
    first, second = FaultPlan(probabilities=odds, seed=7), FaultPlan(probabilities=odds, seed=7)
    drawn = [first.next_fault("/x") for _ in range(200)]
    assert drawn == [second.next_fault("/x") for _ in range(200)]
    assert drawn != [FaultPlan(probabilities=odds, seed=8).next_fault("/x") for _ in range(200)]
    assert sum(first.injected.values()) == sum(f is not None for f in drawn)
    assert 60 < sum(first.injected.values()) < 140  # about half of 200


def test_schedule_then_probabilities_and_path_filter():
    plan = FaultPlan(schedule=[Fault.SLOW, None], probabilities={Fault.UNAVAILABLE: 1.0},
                     paths=("/v1/",))
    assert plan.next_fault("/healthz") is None
    assert [plan.next_fault("/v1/a") for _ in range(3)] == [Fault.SLOW, None, Fault.UNAVAILABLE]
    assert plan.requests == 3


def test_probabilities_over_one_are_refused():
    with pytest.raises(ValueError, match="more than 1"):
        FaultPlan(probabilities={Fault.THROTTLE: 0.7, Fault.SLOW: 0.5})


def test_middleware_answers_as_planned():
    plan = FaultPlan(schedule=[Fault.THROTTLE, Fault.UNAVAILABLE, Fault.TRUNCATED, None],
                     retry_after_s=3, paths=("/data",))
    with LoopbackServer(_app(plan)) as server, httpx.Client(base_url=server.url) as http:
        assert http.get("/healthz").status_code == 200  # not eligible, not counted
        throttled = http.get("/data")
        unavailable = http.get("/data")
        truncated = http.get("/data")
        whole = http.get("/data")
    assert throttled.status_code == 429 and throttled.headers["retry-after"] == "3"
    assert unavailable.status_code == 503
    assert truncated.status_code == 200
    assert int(truncated.headers["content-length"]) == len(truncated.content)
    assert truncated.content == whole.content[: len(whole.content) // 2]
    with pytest.raises(json.JSONDecodeError):
        json.loads(truncated.content)
    assert whole.json()["items"] == list(range(50))
    assert plan.injected == {Fault.THROTTLE: 1, Fault.UNAVAILABLE: 1, Fault.TRUNCATED: 1}


def test_slow_answer_outlasts_the_client_timeout():
    plan = FaultPlan(schedule=[Fault.SLOW], slow_s=0.6)
    with LoopbackServer(_app(plan)) as server, \
            httpx.Client(base_url=server.url, timeout=0.2) as http:
        with pytest.raises(httpx.ReadTimeout):
            http.get("/data")
        assert http.get("/data").status_code == 200


def test_retry_after_as_http_date():
    header = FaultPlan(retry_after_s=120, retry_after_as_date=True).retry_after_header()
    assert email.utils.parsedate_to_datetime(header).tzinfo is not None

"""UpiApiConnector against the sandbox PSP's switch feed on loopback."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from itertools import pairwise

import pandas as pd
import pyarrow as pa
import pytest
from pydantic import SecretStr

from connectors.configuration import UpiSandboxSource
from connectors.exceptions import SourceAuthError
from connectors.sandbox.faults import Fault, FaultPlan, inject_faults
from connectors.sandbox.loopback import LoopbackServer
from connectors.sandbox.upi_server import create_upi_sandbox_app
from connectors.sandbox.upi_switch_export import ARRIVAL_COLUMN
from connectors.upi.api import UpiApiConnector
from connectors.upi.switch_record import SWITCH_RECORD_SCHEMA

KEY = "psp-key"


class Clock:
    def __init__(self, now: pd.Timestamp) -> None:
        self.now = now

    def __call__(self) -> pd.Timestamp:
        return self.now


@pytest.fixture(scope="module")
def export_path(switch_export, tmp_path_factory):
    path = tmp_path_factory.mktemp("psp") / "switch.parquet"
    switch_export.to_parquet(path)
    return path


def _connector(url: str, key: str = KEY, **options) -> UpiApiConnector:
    source = UpiSandboxSource(type="upi_sandbox", base_url=url, api_key=SecretStr(key),
                              page_size=options.pop("page_size", 250), late_arrival_window_s=3600,
                              backoff_base_s=0.01, backoff_cap_s=0.05, **options)
    return UpiApiConnector("upi_api", source)


def _valid_ids(export: pd.DataFrame, arrived_by: pd.Timestamp | None = None) -> set[str]:
    rows = export if arrived_by is None else export[export[ARRIVAL_COLUMN] <= arrived_by]
    return set(rows.loc[~rows["Amount"].str.startswith("-"), "TransactionID"])


def test_reads_every_record_once_through_injected_faults(export_path, switch_export, store,
                                                         sink, run_pipeline):
    # every kind once early on (pages of both halves of a fault), then seeded chance
    plan = FaultPlan(schedule=[Fault.THROTTLE, None, Fault.UNAVAILABLE, Fault.SLOW, None,
                               Fault.TRUNCATED],
                     probabilities={Fault.THROTTLE: 0.1, Fault.UNAVAILABLE: 0.1,
                                    Fault.TRUNCATED: 0.1, Fault.SLOW: 0.05},
                     seed=5, slow_s=0.5, paths=("/v1/switch/",))
    app = create_upi_sandbox_app(api_key=KEY, switch_export=export_path)
    inject_faults(app, plan)
    with LoopbackServer(app) as server:
        connector = _connector(server.url, timeout_s=0.25, max_attempts=8)
        run_pipeline(connector, store, sink)
    assert all(plan.injected[fault] > 0 for fault in Fault), plan.injected
    assert len(sink.ids()) == len(set(sink.ids()))
    assert set(sink.ids()) == _valid_ids(switch_export)
    negative = switch_export.loc[switch_export["Amount"].str.startswith("-")]
    assert len(sink.positions()) == len(negative) > 0  # reported, not dropped


def test_records_are_typed_per_the_switch_schema(export_path, switch_export):
    with LoopbackServer(create_upi_sandbox_app(api_key=KEY, switch_export=export_path)) as server:
        connector = _connector(server.url)
        batch = next(connector.read_batches(None))
    assert batch.records.schema == SWITCH_RECORD_SCHEMA == connector.schema()
    first = batch.records.slice(0, 1).to_pylist()[0]
    source = switch_export.set_index("TransactionID").loc[first["TransactionID"]]
    assert first["Amount"] == Decimal(source["Amount"])
    assert first["CreationTime"] == pd.Timestamp(source["CreationTime"]).to_pydatetime()
    assert first["RRN"] == source["RRN"] and len(first["TransactionID"]) == 35
    assert batch.records.column("CreationTime").type == pa.timestamp("us", tz="UTC")


@pytest.mark.parametrize("ack", [True, False], ids=["after-ack", "before-ack"])
def test_crash_mid_run_then_rerun_gives_no_gap_and_no_duplicate(export_path, switch_export,
                                                                store, sink, run_pipeline, ack):
    with LoopbackServer(create_upi_sandbox_app(api_key=KEY, switch_export=export_path)) as server:
        connector = _connector(server.url)
        with pytest.raises(RuntimeError, match="crash"):
            run_pipeline(connector, store, sink, crash_after=4, ack=ack)
        assert store.position("upi_api").next_sequence == (4 if ack else 3)
        run_pipeline(connector, store, sink)
        assert run_pipeline(connector, store, sink) == 0  # nothing new: nothing re-delivered
    assert len(sink.ids()) == len(set(sink.ids()))
    assert set(sink.ids()) == _valid_ids(switch_export)
    history = store.history("upi_api")
    assert [h.sequence for h in history] == list(range(len(history)))
    assert all(later.start == earlier.end for earlier, later in pairwise(history))


def test_late_arrivals_inside_the_window_are_picked_up_exactly_once(export_path, switch_export,
                                                                    store, sink, run_pipeline):
    created = pd.to_datetime(switch_export["CreationTime"], utc=True)
    lag = switch_export[ARRIVAL_COLUMN] - created
    late_one = lag[lag > timedelta(minutes=5)].index[len(lag[lag > timedelta(minutes=5)]) // 2]
    cutoff = created[late_one] + lag[late_one] / 2  # the late record was created, not arrived
    clock = Clock(cutoff)
    app = create_upi_sandbox_app(api_key=KEY, switch_export=export_path, clock=clock)
    with LoopbackServer(app) as server:
        connector = _connector(server.url)
        run_pipeline(connector, store, sink)
        first_run = set(sink.ids())
        assert first_run == _valid_ids(switch_export, clock.now)
        clock.now += timedelta(hours=1)
        run_pipeline(connector, store, sink)
        assert run_pipeline(connector, store, sink) == 0
    late = switch_export[(created <= cutoff) & (switch_export[ARRIVAL_COLUMN] > cutoff)]
    assert late_one in late.index
    assert set(late["TransactionID"]) <= set(sink.ids()) - first_run
    assert len(sink.ids()) == len(set(sink.ids()))
    assert set(sink.ids()) == _valid_ids(switch_export, clock.now)


def test_wrong_key_fails_check_and_read(export_path):
    with LoopbackServer(create_upi_sandbox_app(api_key=KEY, switch_export=export_path)) as server:
        connector = _connector(server.url, key="wrong")
        report = connector.check()
        assert not report.ok and "answered 401" in report.detail
        with pytest.raises(SourceAuthError):
            next(connector.read_batches(None))
        assert _connector(server.url).check().ok

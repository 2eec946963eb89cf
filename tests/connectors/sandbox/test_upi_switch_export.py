"""The sandbox issuer-switch export: the fields a switch exports, shaped as a switch shapes them."""

from datetime import UTC, datetime, timedelta

import httpx
import pandas as pd
import pytest

from connectors.sandbox.loopback import LoopbackServer
from connectors.sandbox.population import generate_population
from connectors.sandbox.upi_server import create_upi_sandbox_app
from connectors.sandbox.upi_switch_export import (
    ARRIVAL_COLUMN,
    SWITCH_EXPORT_COLUMNS,
    issuer_switch_export,
    write_daily_csv_exports,
)
from connectors.sandbox.upi_transactions import generate_upi_transactions
from connectors.upi.switch_record import SWITCH_FIELDS


@pytest.fixture(scope="module")
def export() -> pd.DataFrame:
    population = generate_population(60, seed=2)
    dataset = generate_upi_transactions(population, n_transactions=2_000, days=3, seed=2,
                                        malformed_rate=0)
    return issuer_switch_export(dataset, population, seed=2)


def test_the_connector_reads_exactly_what_the_switch_exports():
    assert SWITCH_FIELDS == SWITCH_EXPORT_COLUMNS


def test_fields_have_the_switch_shapes(export):
    assert export["TransactionID"].str.fullmatch(r"[A-Za-z0-9]{35}").all()
    assert export["TransactionID"].is_unique
    assert export["RRN"].str.fullmatch(r"\d{12}").all()
    assert export["PayerMobileNumber"].str.fullmatch(r"91[6-9]\d{9}").all()
    assert export["PayerIFSC"].str.fullmatch(r"[A-Z]{4}0[A-Z0-9]{6}").all()
    assert export["PayeeIFSC"].str.fullmatch(r"[A-Z]{4}0[A-Z0-9]{6}").all()
    assert export["PayeeMCC"].str.fullmatch(r"\d{4}").all()
    assert export["Amount"].str.fullmatch(r"\d+\.\d\d").all()
    created = pd.to_datetime(export["CreationTime"], format="%Y-%m-%dT%H:%M:%SZ")
    assert created.is_monotonic_increasing
    merchant = export["PayeeMCC"] != "0000"
    assert (export.loc[merchant, "PayeeMerchantID"] != "").all()
    assert (export.loc[~merchant, "PayeeMobileNumber"].str.len() == 12).all()
    assert export["PayerDeviceIP"].str.startswith("100.").all()


def test_states_carry_npci_codes(export):
    states = export["State"].value_counts(normalize=True)
    assert 0.9 < states["SUCCEEDED"] < 0.99 and "FAILED" in states
    failed = export[export["State"] == "FAILED"]
    assert failed["UPIErrorCode"].isin(["U30", "U16", "ZA", "ZM", "Z6", "Z7", "Z8", "Z9",
                                        "B3"]).all()
    assert (export.loc[export["State"] == "SUCCEEDED", "UPIErrorCode"] == "00").all()


def test_some_records_arrive_late_and_the_same_seed_gives_the_same_export(export):
    lag = export[ARRIVAL_COLUMN] - pd.to_datetime(export["CreationTime"], utc=True)
    assert (lag >= timedelta(0)).all()
    assert 0.005 < (lag > timedelta(minutes=5)).mean() < 0.05
    population = generate_population(60, seed=2)
    again = issuer_switch_export(generate_upi_transactions(
        population, n_transactions=2_000, days=3, seed=2, malformed_rate=0), population, seed=2)
    pd.testing.assert_frame_equal(export, again)


def test_daily_files_hold_what_arrived_in_arrival_order(export, tmp_path):
    cutoff = pd.Timestamp(export[ARRIVAL_COLUMN].iloc[len(export) // 2])
    paths = write_daily_csv_exports(export, tmp_path, as_of=cutoff)
    assert all(p.name.startswith("upi_txn_2026080") for p in paths)
    files = pd.concat([pd.read_csv(p, dtype=str, keep_default_na=False) for p in paths])
    assert list(files.columns) == list(SWITCH_EXPORT_COLUMNS)
    assert set(files["TransactionID"]) == set(
        export.loc[export[ARRIVAL_COLUMN] <= cutoff, "TransactionID"])
    arrival = export.set_index("TransactionID")[ARRIVAL_COLUMN]
    for path in paths:
        ids = pd.read_csv(path, dtype=str, usecols=["TransactionID"])["TransactionID"]
        assert arrival[ids].is_monotonic_increasing
    assert not list(tmp_path.glob("*.partial"))


def test_switch_feed_pages_by_token_and_serves_only_arrived_records(export, tmp_path):
    export.to_parquet(tmp_path / "switch.parquet")
    now = [pd.Timestamp(export[ARRIVAL_COLUMN].iloc[1500])]
    app = create_upi_sandbox_app(api_key="k", switch_export=tmp_path / "switch.parquet",
                                 clock=lambda: now[0])
    headers = {"Authorization": "Bearer k"}
    with LoopbackServer(app) as server, httpx.Client(base_url=server.url,
                                                     headers=headers) as http:
        ids, token = [], None
        while True:
            body = http.get("/v1/switch/transactions",
                            params={"page_size": 400, **({"page_token": token} if token else {})}
                            ).json()
            ids += [item["TransactionID"] for item in body["items"]]
            if (token := body["next_page_token"]) is None:
                break
        since = datetime(2026, 8, 2, tzinfo=UTC)
        later = http.get("/v1/switch/transactions",
                         params={"created_from": since.isoformat(), "page_size": 5}).json()
        bad = http.get("/v1/switch/transactions", params={"page_token": "%%%"})
        unauthorized = httpx.get(f"{server.url}/v1/switch/transactions")
    assert len(ids) == len(set(ids))
    assert set(ids) == set(export.loc[export[ARRIVAL_COLUMN] <= now[0], "TransactionID"])
    assert all(item["CreationTime"] >= "2026-08-02T00:00:00Z" for item in later["items"])
    assert bad.status_code == 400 and unauthorized.status_code == 401

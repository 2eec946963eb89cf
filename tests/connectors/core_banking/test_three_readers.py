"""The fixed-width, delimited and SQL readers over the same generated days."""

import json
from pathlib import Path

import pyarrow as pa
import pytest

from connectors.base import Connector
from connectors.configuration import load_connector_config
from connectors.core_banking.records import TRANSACTION_SCHEMA
from connectors.sandbox.core_banking import (
    write_delimited_extracts,
    write_fixed_width_extracts,
    write_htd_table,
)
from policies.loading import DEFAULT_POLICY_DIR, load_policy

EXAMPLES = Path(__file__).resolve().parents[3] / "connectors" / "examples"


@pytest.fixture(params=["fixed_width", "pipe", "csv", "sqlite",
                        pytest.param("postgresql", marks=pytest.mark.slow)])
def connector_of(request, tmp_path, htd, fixed_width, delimited, htd_sql, source_database):
    """A factory of connectors of one kind over the generated bank, by batch size."""
    kind = request.param
    if kind == "fixed_width":
        write_fixed_width_extracts(htd, tmp_path)
        return lambda size: fixed_width(tmp_path, batch_size=size)
    if kind in ("pipe", "csv"):
        delimiter = "|" if kind == "pipe" else ","
        write_delimited_extracts(htd, tmp_path, delimiter=delimiter)
        return lambda size: delimited(tmp_path, glob="*.*", delimiter=delimiter,
                                      batch_size=size)
    url = source_database(kind)
    write_htd_table(htd, url)
    return lambda size: htd_sql(url, batch_size=size)


def _table(batches):
    return pa.concat_tables([b.records for b in batches])


def test_every_reader_gives_the_generated_transactions_exactly(connector_of, htd):
    connector = connector_of(1000)
    assert isinstance(connector, Connector) and connector.schema() == TRANSACTION_SCHEMA
    batches = list(connector.read_batches(None))
    assert not [m for b in batches for m in b.malformed]
    assert _table(batches).equals(htd)       # Decimal amounts, IST times, nulls, order
    connector.close()


def test_reversal_legs_point_at_their_original_legs(connector_of):
    legs = {(r["tran_date"], r["tran_id"], r["part_tran_srl_num"]): r
            for r in _table(connector_of(1000).read_batches(None)).to_pylist()}
    reversals = [r for r in legs.values() if r["orig_tran_id"] is not None]
    assert len(reversals) >= 10
    assert any(r["orig_tran_date"] < r["tran_date"] for r in reversals)   # next-day reversal
    for leg in reversals:
        original = legs[(leg["orig_tran_date"], leg["orig_tran_id"],
                         leg["orig_part_tran_srl_num"])]
        assert original["orig_tran_id"] is None
        assert (original["foracid"], original["tran_amt"]) == (leg["foracid"], leg["tran_amt"])
        assert {original["part_tran_type"], leg["part_tran_type"]} == {"D", "C"}


@pytest.mark.parametrize("crash_after", [1, 4, 9])
def test_a_crash_then_a_rerun_gives_no_gap_and_no_duplicate(connector_of, htd, crash_after):
    """Commit ``crash_after`` batches, crash before acknowledging the next one, resume from
    the stored cursor (through JSON, as the cursor store keeps it), then run once more."""
    committed, store = [], {"cursor": None, "sequence": 0}

    def run(limit=None):
        batches = connector_of(17).read_batches(
            json.loads(json.dumps(store["cursor"])), first_sequence=store["sequence"])
        for batch in batches:
            if limit is not None and batch.sequence >= limit:
                return                                    # crash: batch read, not committed
            committed.append(batch)
            store.update(cursor=batch.end, sequence=batch.sequence + 1)

    run(limit=crash_after)
    assert len(committed) == crash_after
    run()
    run()                                                 # nothing new
    assert [b.sequence for b in committed] == list(range(len(committed)))
    assert len({b.batch_id for b in committed}) == len(committed)
    assert _table(committed).equals(htd)


@pytest.mark.parametrize("name", ["fixed_width", "delimited", "sql"])
def test_examples_load_and_classify_every_field(name, monkeypatch):
    monkeypatch.setenv("NIJTA_CBS_SQL_URL", "postgresql+psycopg://nijta:s3cret@db/finacle")
    config = load_connector_config(EXAMPLES / f"core_banking_{name}.yaml")
    assert config.source.type == f"core_banking_{name}"
    dataset = load_policy(DEFAULT_POLICY_DIR).datasets[config.dataset]
    assert set(dataset.fields) == set(TRANSACTION_SCHEMA.names)
    assert "s3cret" not in repr(config)

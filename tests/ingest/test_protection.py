"""protect_records: schema and field-plan refusals by row, lake rows with stable Arrow types."""

from datetime import UTC, datetime

import pyarrow as pa

from anonymize.keys import LocalKeyStore
from anonymize.tokens import Tokenizer
from connectors.upi.demo_feed import DEMO_FEED_SCHEMA
from ingest.protection import protect_records
from ingest.schemas import validation_for
from policies.field_plan import FieldPlan
from policies.loading import DEFAULT_POLICY_DIR, load_policy


def _table(rows) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=DEMO_FEED_SCHEMA)


def _plan(**changes) -> FieldPlan:
    plan = load_policy(DEFAULT_POLICY_DIR).field_plan("upi_transactions")
    return FieldPlan(dataset=plan.dataset, fields={**plan.fields, **changes})


def test_schema_refusals_keep_input_positions_and_the_rest_is_tokenized(key_file, upi_record):
    rows = [upi_record(0), upi_record(1, amount=-5.0), upi_record(2), upi_record(3, currency="USD")]
    protected = protect_records(_table(rows), validation_for("upi_transactions"), _plan(),
                                Tokenizer(LocalKeyStore(key_file)))
    assert [(r.row, r.rule) for r in protected.rejected] == [
        (1, "upi_transactions.schema.amount.greater_than"),
        (3, "upi_transactions.schema.currency.isin")]
    table = protected.table
    assert table.column("txn_id").to_pylist() == [rows[0]["txn_id"], rows[2]["txn_id"]]
    assert {"payer_vpa", "payer_name", "remarks"}.isdisjoint(table.column_names)
    assert table.column("payer_token")[0].as_py().startswith("tok_")
    assert table.schema.field("event_ts").type == pa.timestamp("us", tz="UTC")
    assert table.column("event_ts")[0].as_py() == datetime(2026, 8, 3, 14, 5, 9, tzinfo=UTC)


def test_rows_a_transform_refuses_are_found_among_good_ones(key_file, upi_record):
    # a policy slip: free-text remarks tokenized as mobile numbers; text without digits fails
    plan = _plan(remarks={"transform": "tokenize", "identifier": "mobile"})
    remarks = ["call 9845012763", "groceries", None, "rent", "ph 9123456780", "kirana"]
    rows = [upi_record(i, remarks=text) for i, text in enumerate(remarks)]
    protected = protect_records(_table(rows), validation_for("upi_transactions"), plan,
                                Tokenizer(LocalKeyStore(key_file)))
    assert [r.row for r in protected.rejected] == [1, 3, 5]
    assert {r.rule for r in protected.rejected} == {"upi_transactions.plan.InvalidValue"}
    assert all("groceries" not in r.reason and "remarks" in r.reason
               for r in protected.rejected)
    assert protected.table.column("txn_id").to_pylist() == [rows[i]["txn_id"]
                                                            for i in (0, 2, 4)]


def test_an_all_refused_batch_gives_the_same_lake_schema(key_file, upi_record):
    tokenizer = Tokenizer(LocalKeyStore(key_file))
    validation = validation_for("upi_transactions")
    good = protect_records(_table([upi_record(0)]), validation, _plan(), tokenizer)
    bad = protect_records(_table([upi_record(1, payer_vpa=None)]), validation, _plan(), tokenizer)
    assert bad.table.num_rows == 0 and bad.table.schema == good.table.schema

"""The dead-letter queue round trip: reject, fix the policy or the schema, replay — and the counts
balance at every step (records read = rows in bronze + pending letters)."""

import shutil
from dataclasses import replace

import pandera.pandas as pa
import pytest

import ingest.schemas
from ingest.dead_letter_queue import DeadLetterQueue
from ingest.dead_letters import PENDING, REPLAYED
from ingest.pipeline import run_ingest
from ingest.replay import replay_dead_letters
from ingest.schemas import UPI_DEMO_FEED_VALIDATION, SourceValidation
from policies.loading import DEFAULT_POLICY_DIR

pytestmark = pytest.mark.slow

SLIP = "remarks: {category: free_text, transform: drop}"
PLAN_RULE = "upi_transactions.plan.InvalidValue"
CURRENCY_RULE = "upi_transactions.schema.currency.isin"


def _policy_with_slip(tmp_path):
    """The shipped policy, with remarks (free text) tokenized as if they were mobiles."""
    folder = shutil.copytree(DEFAULT_POLICY_DIR, tmp_path / "policy")
    dataset = folder / "dataset_upi_transactions.yaml"
    text = dataset.read_text()
    assert SLIP in text
    dataset.write_text(text.replace(SLIP, "remarks: {category: identifier, transform: "
                                          "tokenize, identifier: mobile}"))
    return dataset


def _balance(spark, ws, source, queue) -> tuple[int, int]:
    bronze = spark.read.format("delta").load(str(ws.bronze_table(source.config.sink.bronze_table)))
    in_bronze, pending = bronze.count(), queue.count(status=PENDING)
    assert in_bronze + pending == source.keys.total()
    assert bronze.select("txn_id").distinct().count() == in_bronze
    return in_bronze, pending


def _raw_values(source_rows, rejected_ids) -> set[bytes]:
    rejected = source_rows[source_rows["txn_id"].isin(rejected_ids)]
    columns = ("txn_id", "payer_vpa", "payer_name", "payer_mobile", "payer_account",
               "payee_vpa", "payee_name", "remarks")
    return {str(v).encode() for c in columns for v in rejected[c] if v and len(str(v)) >= 5}


def test_reject_fix_policy_fix_schema_replay_balances(tmp_path, sources, workspace, spark,
                                                      payments, monkeypatch):
    policy_file = _policy_with_slip(tmp_path)
    feed = sources.demo_feed()
    source = replace(feed, config=feed.config.model_copy(
        update={"policy_dir": policy_file.parent}))
    summary = run_ingest(source.config, workspace, spark=spark)
    queue = DeadLetterQueue(spark, workspace.dead_letters(source.config.name))
    assert summary.read == source.keys.total() == summary.written + summary.dead_letters
    assert summary.by_rule[PLAN_RULE] > 0 and summary.by_rule[CURRENCY_RULE] > 0
    in_bronze, pending = _balance(spark, workspace, source, queue)
    assert pending == summary.dead_letters

    # the DLQ table's files hold none of the rejected records' raw values
    bronze_ids = {r.txn_id for r in spark.read.format("delta").load(
        summary.bronze_table).select("txn_id").collect()}
    rejected_ids = set(payments.transactions["txn_id"]) - bronze_ids
    needles = _raw_values(payments.transactions, rejected_ids)
    assert len(rejected_ids) == pending and len(needles) > pending
    files = [p for p in workspace.dead_letters(source.config.name).rglob("*") if p.is_file()]
    assert len(files) >= 2
    assert not [p.name for p in files for n in needles if n in p.read_bytes()]

    # policy fix: remarks are dropped again; the policy-refused records now pass
    policy_file.write_text(policy_file.read_text().replace(
        "remarks: {category: identifier, transform: tokenize, identifier: mobile}",
        "remarks: {category: free_text, transform: redact}"))
    replayed = replay_dead_letters(source.config, workspace, spark=spark)
    assert replayed.replayed == summary.by_rule[PLAN_RULE]
    assert PLAN_RULE not in replayed.by_rule and replayed.by_rule[CURRENCY_RULE] > 0
    after_policy = _balance(spark, workspace, source, queue)
    assert after_policy == (in_bronze + replayed.replayed, pending - replayed.replayed)
    assert set(queue.letters(status=PENDING).column("attempts").to_pylist()) == {2}

    # schema fix: USD payments are accepted from now on; replay only that rule
    relaxed = UPI_DEMO_FEED_VALIDATION.schema.update_column(
        "currency", checks=[pa.Check.isin(["INR", "USD"])])
    monkeypatch.setattr(ingest.schemas, "UPI_DEMO_FEED_VALIDATION",
                        SourceValidation(relaxed, UPI_DEMO_FEED_VALIDATION.to_lake))
    usd = replay_dead_letters(source.config, workspace, spark=spark, rule=CURRENCY_RULE)
    assert usd.tried == usd.replayed == replayed.by_rule[CURRENCY_RULE]
    assert _balance(spark, workspace, source, queue)[1] == after_policy[1] - usd.replayed
    statuses = queue.letters().column("status").to_pylist()
    assert statuses.count(REPLAYED) == replayed.replayed + usd.replayed


def test_a_replay_that_crashed_after_its_commit_is_healed_not_repeated(
        tmp_path, sources, workspace, spark, monkeypatch):
    source = sources.demo_feed(page_size=400)
    run_ingest(source.config, workspace, spark=spark)
    queue = DeadLetterQueue(spark, workspace.dead_letters(source.config.name))
    relaxed = UPI_DEMO_FEED_VALIDATION.schema.update_column(
        "currency", checks=[pa.Check.isin(["INR", "USD"])])
    monkeypatch.setattr(ingest.schemas, "UPI_DEMO_FEED_VALIDATION",
                        SourceValidation(relaxed, UPI_DEMO_FEED_VALIDATION.to_lake))

    def crash(self, changes):
        raise RuntimeError("killed before the DLQ update")

    with monkeypatch.context() as patch:
        patch.setattr(DeadLetterQueue, "update", crash)
        with pytest.raises(RuntimeError):
            replay_dead_letters(source.config, workspace, spark=spark, rule=CURRENCY_RULE)
    healed = replay_dead_letters(source.config, workspace, spark=spark, rule=CURRENCY_RULE)
    assert healed.replayed > 0 and healed.tried == 0
    _balance(spark, workspace, source, queue)

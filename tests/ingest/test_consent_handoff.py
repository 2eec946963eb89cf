"""AA batch metadata sealed into a principal token, and its consent recorded once in the
workspace's registry: against the AA sandbox and the synthetic population."""

from __future__ import annotations

import json
from contextlib import closing
from datetime import UTC, datetime

import pandas as pd
import pytest

from anonymize.field_transforms import apply_field_plan
from anonymize.keys import LocalKeyStore
from anonymize.tokens import Tokenizer
from connectors.aa.connector import CONSENT_KEY, RAW_CUSTOMER_KEY, AaConnector, data_life_end
from ingest.consent_handoff import hand_off_consent, seal_consent_metadata
from ingest.exceptions import IngestError
from policies.consent import ConsentRegistry, ConsentStatus
from policies.erasure.locations import consent_db_path, open_consent_registry
from policies.field_plan import FieldPlan
from policies.loading import DEFAULT_POLICY_DIR, load_policy

DATASET = "aa_deposit_transactions"


@pytest.fixture(scope="module")
def policy():
    return load_policy(DEFAULT_POLICY_DIR)


@pytest.fixture
def aa_batches(sources):
    """Every batch of the ingest tests' AA source: two customers, two FI sessions each."""
    config = sources.aa_fiu().config
    with closing(AaConnector(config.name, config.source)) as connector:
        return list(connector.read_batches(None))


@pytest.fixture
def tokenizer(key_file):
    return Tokenizer(LocalKeyStore(key_file))


def _upi_mobile_token(policy, tokenizer, mobile: str) -> str:
    """The token the shipped UPI field plan stores for a payer's mobile (payer_mobile_token),
    from the way a PSP writes it."""
    rule = policy.datasets["upi_transactions"].fields["payer_mobile"]
    plan = FieldPlan(dataset="upi_transactions", fields={"payer_mobile": rule.rule(None)})
    frame = pd.DataFrame({"payer_mobile": [f"+91 {mobile[:5]} {mobile[5:]}"]})
    return apply_field_plan(frame, plan, tokenizer)["payer_mobile_token"][0].as_py()


def test_sealing_replaces_the_raw_customer_with_the_mobile_token_every_source_uses(
        aa_batches, population, policy, tokenizer):
    for batch, person in zip(aa_batches, [0, 0, 1, 1], strict=True):
        raw = batch.metadata[RAW_CUSTOMER_KEY]
        sealed = seal_consent_metadata(batch.metadata, tokenizer)
        text = json.dumps(sealed)
        mobile = population.iloc[person]["mobile"]
        assert RAW_CUSTOMER_KEY not in sealed and "raw" not in text
        assert raw["handle"] not in text and mobile not in text
        assert raw["handle"].partition("@")[0] not in text
        token = sealed[CONSENT_KEY]["principal"]
        assert token == _upi_mobile_token(policy, tokenizer, mobile)
        unsealed = {**sealed, RAW_CUSTOMER_KEY: raw}
        unsealed[CONSENT_KEY] = {k: v for k, v in sealed[CONSENT_KEY].items() if k != "principal"}
        assert unsealed == batch.metadata  # nothing else changed
        assert seal_consent_metadata(sealed, tokenizer) == sealed  # sealing twice is harmless
    assert RAW_CUSTOMER_KEY in aa_batches[0].metadata  # the batch itself is left as it was


def test_metadata_without_an_aa_consent_passes_through(tokenizer):
    metadata = {"withheld": {"children": 2}, "files": ["a.csv"]}
    assert seal_consent_metadata(metadata, tokenizer) == metadata


def test_a_raw_customer_without_a_mobile_is_refused_without_echoing_it(aa_batches, tokenizer):
    metadata = {**aa_batches[0].metadata,
                RAW_CUSTOMER_KEY: {"handle": "C000001@nijta-aa", "mobile": "C000001"}}
    with pytest.raises(IngestError, match=r"raw_aa_customer.mobile does not tokenize") as error:
        seal_consent_metadata(metadata, tokenizer)
    assert "C000001" not in str(error.value)


def test_hand_off_records_the_consent_in_the_workspace_registry_once(
        aa_batches, workspace, policy, tokenizer):
    registry = open_consent_registry(workspace)
    sealed = [seal_consent_metadata(batch.metadata, tokenizer) for batch in aa_batches]
    artefacts = [hand_off_consent(m, registry, policy=policy, dataset=DATASET) for m in sealed]
    assert consent_db_path(workspace).exists()
    facts = sealed[0][CONSENT_KEY]
    recorded = registry.get(facts["consent_id"])
    assert artefacts[0] == artefacts[1] == recorded
    assert recorded.principal == facts["principal"]
    assert recorded.purposes == ("credit_underwriting",)  # AA purpose code 105
    assert recorded.categories[0] == "DEPOSIT"
    assert set(recorded.categories[1:]) == set(policy.field_categories(DATASET).values())
    assert recorded.start == datetime.fromisoformat(facts["start"])
    assert recorded.expiry == datetime.fromisoformat(facts["expiry"])
    # DataLife 6 months, counted in calendar months from the expiry
    assert recorded.data_life_until == recorded.data_life == data_life_end(
        ("MONTH", 6), recorded.expiry)
    assert 181 <= (recorded.data_life - recorded.expiry).days <= 184
    assert (recorded.source.kind, recorded.source.reference) == ("aa", facts["consent_id"])
    assert recorded.status is ConsentStatus.ACTIVE
    assert len(registry.all()) == 2 and len(registry.events()) == 2  # one per consent
    check = registry.is_permitted(recorded.principal, "credit_underwriting",
                                  ["DEPOSIT", "financial"], at=datetime.now(UTC))
    assert check.permitted and check.consent_id == recorded.consent_id


def test_a_second_hand_off_changes_nothing_not_even_a_later_status(
        aa_batches, policy, tokenizer):
    registry = ConsentRegistry("sqlite://")
    sealed = seal_consent_metadata(aa_batches[0].metadata, tokenizer)
    first = hand_off_consent(sealed, registry, policy=policy, dataset=DATASET)
    registry.set_status(first.consent_id, ConsentStatus.PAUSED, at=datetime.now(UTC),
                        reason="paused on the AA app")
    again = hand_off_consent(sealed, registry, policy=policy, dataset=DATASET)
    assert again.status is ConsentStatus.PAUSED and len(registry.events()) == 2


def test_hand_off_skips_batches_without_a_consent_and_refuses_unsealed_ones(
        aa_batches, policy, tokenizer):
    registry = ConsentRegistry("sqlite://")
    assert hand_off_consent({"files": ["a.csv"]}, registry, policy=policy,
                            dataset=DATASET) is None
    with pytest.raises(IngestError, match="still raw"):
        hand_off_consent(aa_batches[0].metadata, registry, policy=policy, dataset=DATASET)
    sealed = seal_consent_metadata(aa_batches[0].metadata, tokenizer)
    unmapped = {**sealed, CONSENT_KEY: {**sealed[CONSENT_KEY], "purpose_code": "101"}}
    no_wealth = policy.model_copy(update={"purposes": {
        name: p for name, p in policy.purposes.items() if "101" not in p.aa_purpose_codes}})
    with pytest.raises(IngestError, match=r"purpose code 101 maps onto no purpose.*"
                                          r"aa_purpose_codes"):
        hand_off_consent(unmapped, registry, policy=no_wealth, dataset=DATASET)
    assert registry.all() == []


@pytest.mark.slow
def test_an_aa_ingest_run_records_its_consents_and_writes_no_raw_customer(
        sources, workspace, spark, population):
    from ingest.pipeline import run_ingest

    config = sources.aa_fiu().config
    summary = run_ingest(config, workspace, spark=spark)

    registry = open_consent_registry(workspace)
    try:
        artefacts = registry.all()
    finally:
        registry.close()
    consents = {r["consent_id"] for r in spark.read.format("delta")
                .load(summary.bronze_table).select("consent_id").distinct().collect()}
    assert {a.consent_id for a in artefacts} == consents and len(consents) == 2
    assert all(a.purposes == ("credit_underwriting",) and a.source.kind == "aa"
               for a in artefacts)
    assert len({a.principal for a in artefacts}) == 2
    # neither the bronze commits' metadata, the audit log nor any workspace file holds the
    # customers' handles or mobile numbers
    history = " ".join(str(r["userMetadata"]) for r in spark.sql(
        f"DESCRIBE HISTORY delta.`{summary.bronze_table}`").collect())
    assert "raw_aa_customer" not in history and '"principal": "tok_' in history
    raw = [population.iloc[i]["mobile"] for i in (0, 1)] + ["@nijta-aa"]
    texts = [history] + [p.read_text(errors="replace") for p in workspace.root.rglob("*")
                         if p.is_file() and p.suffix in (".json", ".jsonl", ".crc")]
    assert not [value for value in raw for text in texts if value in text]

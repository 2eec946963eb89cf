"""The enforcement API: every rule allowed and denied, with the rule id that decided.

Consents come from the real consent registry (sqlite); the audit log is an in-test list with
the ``append`` of ``policies.audit.AuditLog`` (the real log is used once, in a slow test).
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from anonymize.field_transforms import apply_field_plan
from anonymize.keys import LocalKeyStore
from anonymize.tokens import Tokenizer
from connectors.sandbox.population import generate_population
from connectors.sandbox.upi_transactions import generate_upi_transactions
from featurestore.definitions import FEATURE_NAMES
from policies.configuration import Policy
from policies.consent import ConsentArtefact, ConsentRegistry, ConsentSource, ConsentStatus
from policies.decisions import Rule
from policies.enforcement import PolicyEngine
from policies.exceptions import PolicyDenied
from policies.loading import DEFAULT_POLICY_DIR, load_policy

ADULT, CHILD, CHILD_NO_VPC = "tok_" + "a" * 32, "tok_" + "c" * 32, "tok_" + "d" * 32
NOW = datetime(2026, 11, 1, tzinfo=UTC)
BEHAVIOURAL = {"distinct_payees_7d", "night_share_7d", "amount_zscore"}


def _consent(consent_id: str, principal: str, purposes: list[str], categories: list[str],
             **overrides) -> ConsentArtefact:
    return ConsentArtefact(**{
        "consent_id": consent_id, "principal": principal, "purposes": purposes,
        "categories": categories, "start": NOW - timedelta(days=30),
        "expiry": NOW + timedelta(days=300), "source": ConsentSource(kind="app_consent_manager"),
        **overrides})


@dataclass
class Audit:
    entries: list[tuple[str, dict]] = field(default_factory=list)

    def append(self, kind, payload):
        self.entries.append((kind, dict(payload)))


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(DEFAULT_POLICY_DIR)


def _changed(policy: Policy, change) -> Policy:
    data = policy.model_dump()
    change(data)
    return Policy.model_validate(data)


@pytest.fixture
def consents(tmp_path) -> ConsentRegistry:
    registry = ConsentRegistry(f"sqlite:///{tmp_path / 'consents.sqlite'}")
    registry.record(_consent("c-adult", ADULT, ["fraud_detection"],
                             ["identifier", "financial", "behavioural"]))
    # the child's consent covers financial data only: asking about more would be refused
    registry.record(_consent("c-child", CHILD, ["fraud_detection"], ["financial"],
                             principal_is_child=True, verifiable_parental_consent=True))
    registry.record(_consent("c-child-2", CHILD_NO_VPC, ["fraud_detection"],
                             ["financial", "behavioural"], principal_is_child=True))
    yield registry
    registry.close()


# plan_ingest ------------------------------------------------------------------------------

def test_upi_ingest_plan_tokenizes_the_demo_transactions(policy, key_file):
    population = generate_population(20, seed=7)
    frame = generate_upi_transactions(population, n_transactions=50, days=10,
                                      malformed_rate=0).transactions
    decision = PolicyEngine(policy).plan_ingest("upi_transactions", "fraud_detection",
                                                columns=list(frame.columns))
    assert (decision.allowed, decision.rule) == (True, Rule.PURPOSE_ALLOWED)
    table = apply_field_plan(frame, decision.field_plan, Tokenizer(LocalKeyStore(key_file)))
    assert not {"payer_vpa", "payer_name", "payee_vpa", "remarks"} & set(table.column_names)
    assert table["payer_token"][0].as_py().startswith("tok_")
    assert set(frame["payer_vpa"]).isdisjoint(table["payer_token"].to_pylist())


def test_every_declared_purpose_of_every_default_dataset_plans(policy):
    engine = PolicyEngine(policy)
    for name, dataset in policy.datasets.items():
        for purpose in dataset.purposes:
            decision = engine.plan_ingest(name, purpose)
            assert decision.allowed, (name, purpose, decision.reason)


@pytest.mark.parametrize(("dataset", "purpose", "rule"), [
    ("upi_payments", "fraud_detection", Rule.UNKNOWN_DATASET),
    ("upi_transactions", "fraud_scoring", Rule.UNKNOWN_PURPOSE),
    ("upi_transactions", "credit_underwriting", Rule.PURPOSE_NOT_DECLARED),
])
def test_ingest_denied_for_unknown_or_undeclared(policy, dataset, purpose, rule):
    decision = PolicyEngine(policy).plan_ingest(dataset, purpose)
    assert (decision.allowed, decision.rule, decision.field_plan) == (False, rule, None)


def test_ingest_denied_when_the_purpose_does_not_allow_a_kept_category(policy):
    def add_field(transform):
        def change(data):
            data["datasets"]["upi_transactions"]["fields"]["night_habit"] = {
                "category": "behavioural", "transform": transform}
        return change

    kept = PolicyEngine(_changed(policy, add_field("keep")))
    decision = kept.plan_ingest("upi_transactions", "payment_dispute_resolution")
    assert (decision.allowed, decision.rule) == (False, "policy.purpose.category_not_allowed")
    assert decision.details["fields"] == {"night_habit": "behavioural"}
    assert kept.plan_ingest("upi_transactions", "fraud_detection").allowed
    dropped = PolicyEngine(_changed(policy, add_field("drop")))
    assert dropped.plan_ingest("upi_transactions", "payment_dispute_resolution").allowed


def test_unknown_columns_are_refused_unless_the_dataset_allows_them(policy):
    columns = [*policy.datasets["upi_transactions"].fields, "device_note"]
    decision = PolicyEngine(policy).plan_ingest("upi_transactions", "fraud_detection", columns)
    assert (decision.allowed, decision.rule) == (False, Rule.UNKNOWN_COLUMN)
    assert decision.details == {"dataset": "upi_transactions", "purpose": "fraud_detection"}

    def allow(data):
        data["datasets"]["upi_transactions"]["allow_unknown"] = True

    decision = PolicyEngine(_changed(policy, allow)).plan_ingest(
        "upi_transactions", "fraud_detection", columns)
    assert decision.allowed
    assert decision.field_plan.fields["device_note"].transform == "scrub"
    assert decision.categories["device_note"] == "free_text"


# check_location ---------------------------------------------------------------------------

@pytest.mark.parametrize(("uri", "data_class", "allowed", "rule"), [
    ("s3://nijta-analytics-sg/bronze/upi", "payment", False, Rule.PAYMENT_DATA_LOCALISATION),
    ("s3://nijta-lake-mumbai/bronze/upi", "payment", True, Rule.PAYMENT_DATA_LOCALISATION),
    ("abfss://lake@nijtaindia.dfs.core.windows.net/bronze", "payment", True,
     Rule.PAYMENT_DATA_LOCALISATION),
    ("gs://nijta-lake-india/gold", "personal", True, Rule.ALLOWED_REGIONS),
    ("s3://nijta-analytics-sg/gold", "personal", False, Rule.ALLOWED_REGIONS),
    ("s3://nijta-model-archive-us/m", "non_personal", True, Rule.RESIDENCY_UNRESTRICTED),
    ("s3://nijta-lake-mumbai-copy/bronze", "payment", False, Rule.UNKNOWN_LOCATION),
    ("hdfs://namenode/lake", "non_personal", False, Rule.UNKNOWN_LOCATION),
    ("s3://nijta-lake-mumbai/x", "secret", False, Rule.UNKNOWN_DATA_CLASS),
])
def test_check_location(policy, uri, data_class, allowed, rule):
    decision = PolicyEngine(policy).check_location(uri, data_class)
    assert (decision.allowed, decision.rule) == (allowed, rule), decision.reason


def test_local_paths_are_the_local_location(policy, tmp_path):
    engine = PolicyEngine(policy)
    for uri in (str(tmp_path / "lake"), f"file://{tmp_path}/lake", "relative/lake"):
        decision = engine.check_location(uri, "payment")
        assert decision.allowed and decision.details["location"] == "local_disk"


def test_payment_data_stays_in_india_even_where_personal_data_may_go(policy):
    def allow_singapore(data):
        data["residency"]["allowed_regions"] += ("aws-ap-southeast-1",)

    engine = PolicyEngine(_changed(policy, allow_singapore))
    assert engine.check_location("s3://nijta-analytics-sg/x", "personal").allowed
    denied = engine.check_location("s3://nijta-analytics-sg/x", "payment")
    assert (denied.allowed, denied.rule) == (False, "rbi.2018.payment_data_localisation")
    with pytest.raises(PolicyDenied, match=r"rbi\.2018\.payment_data_localisation"):
        denied.require()


def test_a_barred_country_is_always_denied(policy):
    engine = PolicyEngine(policy)
    assert engine.check_location("s3://nijta-model-archive-us/m", "non_personal").allowed

    def bar_us(data):
        data["residency"]["barred_countries"] = ("US",)

    barred = PolicyEngine(_changed(policy, bar_us))
    for data_class in ("non_personal", "personal", "payment"):
        decision = barred.check_location("s3://nijta-model-archive-us/m", data_class)
        assert (decision.allowed, decision.rule) == (False, "dpdp.s16.barred_country")
    assert barred.check_location("s3://nijta-lake-mumbai/m", "payment").allowed


# authorize_serving ------------------------------------------------------------------------

def test_an_adult_with_consent_gets_every_feature(policy, consents):
    decision = PolicyEngine(policy, consents).authorize_serving(
        "fraud_api", "fraud_detection", FEATURE_NAMES, ADULT, at=NOW)
    assert decision.allowed and decision.features == FEATURE_NAMES
    assert (decision.rule, decision.removed) == ("consent.active", ())
    assert decision.details["consent_id"] == "c-adult"


def test_without_consent_nothing_is_served(policy, consents):
    stranger = "tok_" + "e" * 32
    decision = PolicyEngine(policy, consents).authorize_serving(
        "fraud_api", "fraud_detection", FEATURE_NAMES, stranger, at=NOW)
    assert (decision.allowed, decision.rule, decision.features) == (
        False, "consent.none", ())


def test_children_never_get_behavioural_features(policy, consents):
    decision = PolicyEngine(policy, consents).authorize_serving(
        "fraud_api", "fraud_detection", FEATURE_NAMES, CHILD, at=NOW)
    assert decision.allowed
    assert set(decision.features) == set(FEATURE_NAMES) - BEHAVIOURAL
    assert {r.feature: r.rule for r in decision.removed} == dict.fromkeys(
        BEHAVIOURAL, "dpdp.s9.children.no_tracking")
    assert (decision.rule, decision.details["consent_id"]) == ("consent.active", "c-child")


def test_a_child_without_verifiable_parental_consent_gets_nothing(policy, consents):
    decision = PolicyEngine(policy, consents).authorize_serving(
        "fraud_api", "fraud_detection", FEATURE_NAMES, CHILD_NO_VPC, at=NOW)
    assert (decision.allowed, decision.rule, decision.features) == (
        False, "dpdp.s9.children.parental_consent", ())


def test_a_child_asking_only_for_behavioural_features_is_denied(policy, consents):
    decision = PolicyEngine(policy, consents).authorize_serving(
        "fraud_api", "fraud_detection", sorted(BEHAVIOURAL), CHILD, at=NOW)
    assert (decision.allowed, decision.rule) == (False, "dpdp.s9.children.no_tracking")


def _with_clients(data):
    data["serving_clients"]["app_insights"] = {"purposes": ("product_analytics",)}
    data["serving_clients"]["disputes_desk"] = {"purposes": ("payment_dispute_resolution",)}


def test_a_barred_purpose_is_never_applied_to_a_child(policy, consents):
    engine = PolicyEngine(_changed(policy, _with_clients), consents)
    consents.record(_consent("c-analytics", ADULT, ["product_analytics"], ["behavioural"]))
    child = engine.authorize_serving("app_insights", "product_analytics", ["night_share_7d"],
                                     CHILD, at=NOW)
    assert (child.allowed, child.rule) == (False, "dpdp.s9.children.no_tracking")
    adult = engine.authorize_serving("app_insights", "product_analytics", ["night_share_7d"],
                                     ADULT, at=NOW)
    assert adult.allowed and adult.features == ("night_share_7d",)


def test_features_of_categories_the_purpose_does_not_allow_are_removed(policy, consents):
    engine = PolicyEngine(_changed(policy, _with_clients), consents)
    consents.record(_consent("c-analytics", ADULT, ["product_analytics"], ["behavioural"]))
    decision = engine.authorize_serving("app_insights", "product_analytics",
                                        ["upi_payer_features:txn_count_1h", "night_share_7d",
                                         "no_such_feature"], ADULT, at=NOW)
    assert decision.allowed and decision.features == ("night_share_7d",)
    assert {r.feature: r.rule for r in decision.removed} == {
        "upi_payer_features:txn_count_1h": "policy.purpose.category_not_allowed",
        "no_such_feature": "policy.feature.unknown"}


def test_a_legitimate_use_needs_no_consent(policy, consents):
    engine = PolicyEngine(_changed(policy, _with_clients), consents)
    no_consent = "tok_" + "f" * 32
    decision = engine.authorize_serving("disputes_desk", "payment_dispute_resolution",
                                        ["txn_amount_24h"], no_consent, at=NOW)
    assert (decision.allowed, decision.rule) == (True, "dpdp.s7.legitimate_use")
    assert decision.features == ("txn_amount_24h",)


@pytest.mark.parametrize(("client", "purpose", "rule"), [
    ("marketing_bot", "fraud_detection", "policy.serving.unknown_client"),
    ("fraud_api", "credit_underwriting", "policy.serving.client_purpose_not_registered"),
    ("fraud_api", "fraud_scoring", "policy.purpose.unknown"),
])
def test_serving_denied_to_unregistered_clients(policy, consents, client, purpose, rule):
    decision = PolicyEngine(policy, consents).authorize_serving(
        client, purpose, FEATURE_NAMES, ADULT, at=NOW)
    assert (decision.allowed, decision.rule, decision.features) == (False, rule, ())


def test_without_a_registry_consent_is_reported_unchecked(policy):
    decision = PolicyEngine(policy).authorize_serving("fraud_api", "fraud_detection",
                                                      ["txn_count_1h"], ADULT)
    assert decision.allowed and decision.details["consent"] == "not_checked"


# due_for_deletion -------------------------------------------------------------------------

def test_principals_whose_only_basis_lapsed_are_due(policy, tmp_path):
    registry = ConsentRegistry(f"sqlite:///{tmp_path / 'lapsed.sqlite'}")
    token = {n: f"tok_{n * 32}" for n in "12345"}
    past = {"start": NOW - timedelta(days=100), "expiry": NOW - timedelta(days=1)}
    registry.record(_consent("c1", token["1"], ["fraud_detection"], ["financial"]))
    registry.record(_consent("c2", token["2"], ["credit_underwriting"], ["financial"], **past))
    registry.record(_consent("c3", token["3"], ["wealth_management"], ["financial"],
                             data_life=NOW - timedelta(days=1)))
    registry.record(_consent("c4", token["4"], ["fraud_detection"], ["financial"]))
    registry.record(_consent("c5", token["4"], ["fraud_detection"], ["financial"]))
    registry.record(_consent("c6", token["5"], ["fraud_detection"], ["financial"]))
    for revoked in ("c1", "c4"):
        registry.set_status(revoked, ConsentStatus.REVOKED, at=NOW - timedelta(days=2),
                            reason="withdrawn in the app")
    plan = PolicyEngine(policy, registry).due_for_deletion(NOW)
    registry.close()
    # c4's principal still has c5 in force; c6 has not lapsed
    assert {(p.principal_token, p.consent_id, p.rule) for p in plan.principals} == {
        (token["1"], "c1", "dpdp.s6.consent_withdrawn"),
        (token["2"], "c2", "dpdp.s8_7.consent_expired"),
        (token["3"], "c3", "aa.datalife_elapsed")}


def test_each_dataset_is_cut_off_at_its_longest_purpose_retention(policy):
    def shorten(data):
        data["purposes"]["credit_underwriting"]["retention_days"] = 90
        data["purposes"]["loan_monitoring"]["retention_days"] = 400
        data["datasets"]["upi_transactions"]["fields"]["event_ts"]["output"] = "event_time"

    plan = PolicyEngine(_changed(policy, shorten)).due_for_deletion(NOW)
    cutoffs = {c.dataset: c for c in plan.retention}
    assert set(cutoffs) == set(policy.datasets)
    aa = cutoffs["aa_deposit_transactions"]
    assert (aa.purpose, aa.cutoff, aa.time_column, aa.rule) == (
        "loan_monitoring", NOW - timedelta(days=400), "transaction_timestamp",
        "dpdp.s8_7.retention")
    assert cutoffs["upi_transactions"].time_column == "event_time"
    assert cutoffs["upi_transactions"].cutoff == NOW - timedelta(days=365)


# audit ------------------------------------------------------------------------------------

def test_every_decision_is_audited_with_rule_and_policy_version(policy, consents):
    audit = Audit()
    engine = PolicyEngine(policy, consents, audit)
    engine.plan_ingest("upi_transactions", "credit_underwriting")
    engine.check_location("s3://nijta-analytics-sg/x", "payment")
    engine.authorize_serving("fraud_api", "fraud_detection", FEATURE_NAMES, CHILD, at=NOW)
    engine.due_for_deletion(NOW)
    assert [kind for kind, _ in audit.entries] == ["decision"] * 4
    payloads = [p for _, p in audit.entries]
    assert [(p["call"], p["allowed"], p["rule"]) for p in payloads] == [
        ("plan_ingest", False, "policy.dataset.purpose_not_declared"),
        ("check_location", False, "rbi.2018.payment_data_localisation"),
        ("authorize_serving", True, "consent.active"),
        ("due_for_deletion", True, "policy.erasure.schedule")]
    assert {p["policy_version"] for p in payloads} == {policy.version}
    assert payloads[2]["principal"] == CHILD
    assert payloads[2]["removed"] == dict.fromkeys(BEHAVIOURAL, "dpdp.s9.children.no_tracking")


@pytest.mark.slow
def test_decisions_pass_the_real_audit_logs_identifier_guard(policy, consents, tmp_path):
    from policies.audit.log import AuditLog

    log = AuditLog(tmp_path / "audit.jsonl", fsync=False)
    engine = PolicyEngine(policy, consents, log)
    engine.plan_ingest("upi_transactions", "fraud_detection",
                       list(policy.datasets["upi_transactions"].fields))
    engine.check_location("abfss://lake@nijtaindia.dfs.core.windows.net/bronze", "payment")
    engine.authorize_serving("fraud_api", "fraud_detection", FEATURE_NAMES, ADULT, at=NOW)
    engine.due_for_deletion(NOW)
    lines = (tmp_path / "audit.jsonl").read_text().splitlines()
    assert len(lines) == 4
    assert all(policy.version in line and '"kind":"decision"' in line for line in lines)

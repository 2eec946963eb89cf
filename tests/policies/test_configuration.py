"""The policy model: storage addresses, classified fields, and the shipped defaults' content."""

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from featurestore.definitions import FEATURE_NAMES, FEATURE_VIEW
from policies.configuration import ClassifiedField, Policy, Purpose, StorageAddress
from policies.field_plan import Transform
from policies.loading import DEFAULT_POLICY_DIR, load_policy

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(DEFAULT_POLICY_DIR)


@pytest.mark.parametrize(("uri", "prefix", "inside"), [
    ("s3://nijta-lake-mumbai/bronze/upi", "s3://nijta-lake-mumbai/", True),
    ("s3a://nijta-lake-mumbai/bronze", "s3://nijta-lake-mumbai", True),
    ("s3://nijta-lake-mumbai-copy/bronze", "s3://nijta-lake-mumbai/", False),
    ("s3://other/nijta-lake-mumbai/x", "s3://nijta-lake-mumbai/", False),
    ("gs://nijta-lake-india/a/b", "gs://nijta-lake-india/a", True),
    ("gs://nijta-lake-india/ab", "gs://nijta-lake-india/a", False),
    ("abfss://lake@NijtaIndia.dfs.core.windows.net/x", "abfss://lake@nijtaindia.dfs.core.windows.net/",
     True),
    ("file:///srv/lake/bronze", "/srv/lake", True),
    ("/srv/lake/../other/bronze", "/srv/lake", False),
    ("file://localhost/srv/lake/x", "file:///srv/lake", True),
    ("s3://nijta-lake-mumbai/x", "file:///", False),
])
def test_storage_addresses_match_whole_segments(uri, prefix, inside):
    assert StorageAddress.parse(uri).within(StorageAddress.parse(prefix)) is inside


def test_a_relative_path_is_read_from_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert StorageAddress.parse("lake/bronze").within(StorageAddress.parse(str(tmp_path)))


def test_a_field_without_transform_takes_its_category_default():
    assert ClassifiedField(category="free_text").rule(Transform.SCRUB).transform == "scrub"
    with pytest.raises(ValueError, match="has no default_transform"):
        ClassifiedField(category="identifier").rule(None)
    with pytest.raises(ValidationError, match="'identifier' is required for tokenize"):
        ClassifiedField(category="identifier", transform="tokenize")


def test_a_legitimate_use_names_its_clause():
    with pytest.raises(ValidationError, match=r"clause of DPDP s\.7"):
        Purpose(description="d", lawful_basis="legitimate_use", allowed_categories=("x",),
                retention_days=1)
    with pytest.raises(ValidationError, match=r"clause of DPDP s\.7"):
        Purpose(description="d", lawful_basis="consent", legitimate_use="7(a)",
                allowed_categories=("x",), retention_days=1)


def test_a_policy_built_in_code_refuses_dangling_references(policy):
    data = policy.model_dump()
    data["purposes"]["fraud_detection"]["allowed_categories"] += ("biometric",)
    data["serving_clients"]["fraud_api"]["purposes"] = ("fraud_scoring",)
    with pytest.raises(ValidationError) as caught:
        Policy.model_validate(data)
    message = str(caught.value)
    assert "purposes.fraud_detection.allowed_categories: category 'biometric'" in message
    assert "serving_clients.fraud_api.purposes: purpose 'fraud_scoring'" in message


def test_every_example_connector_names_a_dataset_declared_for_its_purpose(policy):
    examples = sorted((REPO / "connectors/examples").glob("*.yaml"))
    assert len(examples) >= 6
    for path in examples:
        example = yaml.safe_load(path.read_text())
        assert example["purpose"] in policy.datasets[example["dataset"]].purposes, path.name


def test_the_upi_fraud_feature_service_is_classified(policy):
    assert set(policy.feature_views[FEATURE_VIEW].features) == set(FEATURE_NAMES)
    assert policy.feature_category("night_share_7d") == (f"{FEATURE_VIEW}:night_share_7d",
                                                         "behavioural")
    assert policy.feature_category(f"{FEATURE_VIEW}:txn_count_1h")[1] == "financial"
    assert policy.feature_category("other_view:txn_count_1h") is None


def test_each_aa_purpose_code_maps_onto_one_purpose(policy):
    mapped = {code: policy.purpose_for_aa_code(code) for code in ("101", "102", "103", "104",
                                                                   "105")}
    assert None not in mapped.values()
    assert mapped["105"] == "credit_underwriting"
    assert policy.purpose_for_aa_code("106") is None
    assert all(policy.purposes[p].lawful_basis == "consent" for p in mapped.values())


def test_defaults_cover_the_four_sources_and_the_named_purposes(policy):
    assert {"upi_transactions", "aa_deposit_transactions", "core_banking_transactions",
            "app_telemetry_events"} <= set(policy.datasets)
    assert {"fraud_detection", "credit_underwriting"} <= set(policy.purposes)
    assert policy.datasets["upi_transactions"].data_class == "payment"
    assert "behavioural" in policy.children.restricted_categories
    # free text with no transform is scanned and scrubbed
    assert policy.field_plan("core_banking_transactions").fields["tran_particular"].transform \
        == Transform.SCRUB

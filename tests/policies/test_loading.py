"""Loading a policy directory: every error with file, key and reason; a stable version."""

import shutil
from pathlib import Path

import pytest
import yaml

from policies.exceptions import PolicyConfigError
from policies.loading import DEFAULT_POLICY_DIR, load_policy


def _copy_defaults(tmp_path: Path) -> Path:
    return Path(shutil.copytree(DEFAULT_POLICY_DIR, tmp_path / "policy"))


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def _problems(directory: Path) -> set[tuple[str, str]]:
    with pytest.raises(PolicyConfigError) as caught:
        load_policy(directory)
    return {(p.file, p.key) for p in caught.value.problems}


def test_the_shipped_defaults_load():
    policy = load_policy(DEFAULT_POLICY_DIR)
    assert len(policy.version) == 64
    assert policy.version == load_policy(DEFAULT_POLICY_DIR).version


def test_version_follows_content_not_formatting(tmp_path):
    directory = _copy_defaults(tmp_path)
    before = load_policy(directory).version
    children = directory / "children.yaml"
    children.write_text("# a new comment\n" + children.read_text())
    assert load_policy(directory).version == before
    _edit(children, lambda d: d["children"]["barred_purposes"].append("spending_insights"))
    assert load_policy(directory).version != before


def test_every_error_is_reported_with_its_file_and_key(tmp_path):
    directory = _copy_defaults(tmp_path)
    _edit(directory / "purposes.yaml", lambda d: d["purposes"]["fraud_detection"][
        "allowed_categories"].append("biometrics"))
    _edit(directory / "dataset_upi_transactions.yaml", lambda d: d["datasets"][
        "upi_transactions"]["fields"]["payer_vpa"].pop("identifier"))
    _edit(directory / "residency.yaml", lambda d: d["locations"].update(
        lake_chennai={"uri": "s3://nijta-lake-chennai/", "region": "aws-ap-south-3"}))
    _edit(directory / "children.yaml", lambda d: d.update(advertising={"allowed": False}))
    _edit(directory / "serving.yaml", lambda d: d["feature_views"]["upi_payer_features"][
        "features"].update(device_risk="device_signals"))

    assert _problems(directory) == {
        ("purposes.yaml", "purposes.fraud_detection.allowed_categories"),
        ("dataset_upi_transactions.yaml", "datasets.upi_transactions.fields.payer_vpa"),
        ("residency.yaml", "locations.lake_chennai.region"),
        ("children.yaml", "advertising"),
        ("serving.yaml", "feature_views.upi_payer_features.features.device_risk"),
    }


def test_reasons_say_what_is_wrong(tmp_path):
    directory = _copy_defaults(tmp_path)
    _edit(directory / "dataset_upi_transactions.yaml", lambda d: d["datasets"][
        "upi_transactions"]["fields"]["payer_vpa"].pop("identifier"))
    _edit(directory / "children.yaml", lambda d: d.update(advertising={"allowed": False}))
    with pytest.raises(PolicyConfigError) as caught:
        load_policy(directory)
    reasons = {p.key: p.reason for p in caught.value.problems}
    assert reasons["datasets.upi_transactions.fields.payer_vpa"] == (
        "'identifier' is required for tokenize")
    assert reasons["advertising"] == "unknown key"
    assert "dataset_upi_transactions.yaml: datasets.upi_transactions.fields.payer_vpa" in str(
        caught.value)


def test_an_invalid_entry_is_one_error_not_a_cascade(tmp_path):
    directory = _copy_defaults(tmp_path)
    _edit(directory / "purposes.yaml", lambda d: d["purposes"]["fraud_detection"].update(
        retention_days=0))
    # datasets, serving clients … still name fraud_detection: no "not defined" errors for it
    assert _problems(directory) == {("purposes.yaml", "purposes.fraud_detection.retention_days")}


def test_a_name_defined_in_two_files_is_refused(tmp_path):
    directory = _copy_defaults(tmp_path)
    (directory / "z_more_purposes.yaml").write_text(yaml.safe_dump({"purposes": {
        "fraud_detection": {"description": "again", "lawful_basis": "consent",
                            "allowed_categories": ["financial"], "retention_days": 5}}}))
    with pytest.raises(PolicyConfigError) as caught:
        load_policy(directory)
    [problem] = caught.value.problems
    assert (problem.file, problem.key) == ("z_more_purposes.yaml", "purposes.fraud_detection")
    assert problem.reason == "already defined in purposes.yaml"


def test_a_key_given_twice_in_one_file_is_refused(tmp_path):
    directory = _copy_defaults(tmp_path)
    children = directory / "children.yaml"
    children.write_text(children.read_text() + "children:\n  restricted_categories: []\n")
    with pytest.raises(PolicyConfigError) as caught:
        load_policy(directory)
    [problem] = [p for p in caught.value.problems if p.file == "children.yaml"]
    assert "'children' is given twice" in problem.reason


def test_a_section_no_file_defines_is_reported(tmp_path):
    directory = _copy_defaults(tmp_path)
    (directory / "children.yaml").unlink()
    assert _problems(directory) == {(str(directory), "children")}


def test_an_unset_environment_reference_is_reported(tmp_path, monkeypatch):
    directory = _copy_defaults(tmp_path)
    monkeypatch.delenv("NIJTA_TEST_BUCKET", raising=False)
    _edit(directory / "residency.yaml", lambda d: d["locations"]["lake_mumbai"].update(
        uri="s3://${ENV:NIJTA_TEST_BUCKET}/"))
    assert ("residency.yaml", "locations.lake_mumbai.uri") in _problems(directory)
    monkeypatch.setenv("NIJTA_TEST_BUCKET", "lake-from-env")
    policy = load_policy(directory)
    assert policy.locations["lake_mumbai"].uri == "s3://lake-from-env/"


def test_a_missing_or_empty_directory_is_an_error(tmp_path):
    assert _problems(tmp_path / "absent") == {(str(tmp_path / "absent"), "<directory>")}
    assert _problems(tmp_path) == {(str(tmp_path), "<directory>")}
    (tmp_path / "bad.yaml").write_text("categories: [unclosed\n")
    assert ("bad.yaml", "<file>") in _problems(tmp_path)

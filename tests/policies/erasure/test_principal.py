"""``nijta erase`` on a real workspace: every store loses the principal, nothing else changes."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from pyspark.sql import functions as F
from typer.testing import CliRunner

from anonymize.exceptions import PrincipalShredded
from anonymize.keys import LocalKeyStore
from anonymize.transforms.encryption import PrincipalCipher
from featurestore.definitions import FEATURE_NAMES, FEATURE_SERVICE, GOLD_TABLE, PAYER_KEY
from featurestore.feast_repo import open_feature_store
from nijta.cli import app
from policies.audit import public_key_from_key_file, verify
from policies.consent import ConsentArtefact, ConsentRegistry, ConsentSource, ConsentStatus
from policies.erasure.exceptions import InvalidPrincipalToken
from policies.erasure.locations import audit_log_path, consent_db_url
from policies.erasure.principal import check_principal_token

T0 = datetime(2026, 7, 1, tzinfo=UTC)
TABLES = ("bronze/upi_transactions", "bronze/customer_profiles", f"gold/{GOLD_TABLE}")


def test_a_malformed_token_is_refused_without_echoing_it():
    for value in ("9845012763", "tok_ABC", "ravi@okaxis", "tok_" + "0" * 31):
        with pytest.raises(InvalidPrincipalToken) as caught:
            check_principal_token(value)
        assert value not in str(caught.value)
    assert check_principal_token("tok_" + "0a" * 16) == "tok_" + "0a" * 16


def _consent(consent_id, principal, status=ConsentStatus.ACTIVE):
    return ConsentArtefact(consent_id=consent_id, principal=principal,
                           purposes=("fraud_detection",), categories=("financial",), start=T0,
                           expiry=T0 + timedelta(days=365), status=status,
                           source=ConsentSource(kind="app_consent_manager", reference="m-1"))


def _holds(token):
    """Rows with ``token`` in any string column, principal column or not."""
    def condition(frame):
        strings = [f.name for f in frame.schema.fields if f.dataType.simpleString() == "string"]
        return F.greatest(*[F.coalesce(F.col(c) == token, F.lit(False)) for c in strings],
                          F.lit(False))
    return condition


def _online(workspace, tokens):
    store = open_feature_store(workspace)
    values = store.get_online_features(features=store.get_feature_service(FEATURE_SERVICE),
                                       entity_rows=[{PAYER_KEY: t} for t in tokens]).to_dict()
    return {t: tuple(values[n][i] for n in FEATURE_NAMES) for i, t in enumerate(tokens)}


def _payer_and_payee(spark, workspace, tokens):
    """A customer who both paid and was paid by another customer (P2P)."""
    upi = spark.read.format("delta").load(str(workspace.bronze_table("upi_transactions")))
    payees = {r.payee_token for r in upi.select("payee_token").distinct().collect()}
    payers = {r.payer_token for r in upi.select("payer_token").distinct().collect()}
    return next(i for i, t in enumerate(tokens) if t in payers and t in payees)


def _erase(*args):
    result = CliRunner().invoke(app, ["erase", *args])
    assert result.exit_code == 0, result.output
    return result, json.loads(result.stdout)


@pytest.mark.slow
def test_erase_removes_the_principal_from_every_store_and_nothing_else(spark, workspace, built):
    index = _payer_and_payee(spark, workspace, built.vpa_tokens)
    token, vpa = built.vpa_tokens[index], built.population["vpa"][index]
    others = [t for t in built.vpa_tokens if t != token]
    registry = ConsentRegistry(consent_db_url(workspace))
    registry.record(_consent("c-own", token))
    registry.record(_consent("c-old", token, ConsentStatus.EXPIRED))
    registry.record(_consent("c-other", others[0]))
    profiles = {r.vpa_token: r.name_enc for r in spark.read.format("delta")
                .load(str(workspace.bronze_table("customer_profiles"))).collect()}
    paths = {name: workspace.lake / name for name in TABLES}
    untouched = {name: _other_rows(spark, path, token) for name, path in paths.items()}
    online_before = _online(workspace, [token, *others])
    assert all(v is not None for v in online_before[token])

    refused = CliRunner().invoke(app, ["erase", "--workspace", str(workspace.root),
                                       "--principal-token", token, "--vacuum",
                                       "--retain-hours", "0"])
    assert refused.exit_code == 1 and "retentionDurationCheck" in refused.stderr
    _, dry = _erase("--workspace", str(workspace.root), "--principal-token", token, "--dry-run")
    assert _online(workspace, [token]) == {token: online_before[token]}
    assert not audit_log_path(workspace).exists()
    assert {c.consent_id: c.status for c in registry.for_principal(token)} == {
        "c-own": ConsentStatus.ACTIVE, "c-old": ConsentStatus.EXPIRED}

    result, report = _erase("--workspace", str(workspace.root), "--identifier", vpa,
                            "--type", "upi_vpa")
    assert report["principal"] == token and vpa not in result.output
    assert report["tables"] == dry["tables"] and report["online"] == dry["online"]
    assert all(report["tables"][name] > 0 for name in TABLES)  # the refusal deleted nothing
    assert report["tables"]["bronze/customer_profiles"] == 1
    assert report["online"] == {"upi_payer_features": 1}
    assert report["consents_revoked"] == ["c-own"] and report["key_shredded"] is True
    assert report["vacuum"]["retention_hours"] == 168
    assert len(report["vacuum"]["commands"]) == 3

    for name, path in paths.items():
        frame = spark.read.format("delta").load(str(path))
        assert frame.where(_holds(token)(frame)).count() == 0, name
        assert _other_rows(spark, path, token) == untouched[name], name
    assert _online(workspace, [token]) == {token: (None,) * len(FEATURE_NAMES)}
    assert _online(workspace, others) == {t: online_before[t] for t in others}

    assert {c.consent_id: c.status for c in registry.for_principal(token)} == {
        "c-own": ConsentStatus.REVOKED, "c-old": ConsentStatus.EXPIRED}
    assert registry.get("c-other").status is ConsentStatus.ACTIVE

    cipher = PrincipalCipher(LocalKeyStore(workspace.key_file))
    with pytest.raises(PrincipalShredded):
        cipher.decrypt(profiles[token], token)
    assert cipher.decrypt(profiles[others[0]], others[0]) == built.population["name"][
        built.vpa_tokens.index(others[0])]

    log = audit_log_path(workspace)
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    erasures = [e["payload"] for e in entries if e["kind"] == "erasure"]
    assert len(erasures) == 1 and erasures[0]["principal"] == token
    assert erasures[0]["tables"] == report["tables"] and erasures[0]["online"] == report["online"]
    assert vpa not in log.read_text()
    assert verify(log, public_key=public_key_from_key_file(workspace.key_file)).ok

    _, again = _erase("--workspace", str(workspace.root), "--principal-token", token)
    assert set(again["tables"].values()) == {0} and again["online"] == {"upi_payer_features": 0}
    assert again["consents_revoked"] == [] and again["key_shredded"] is False
    assert again["vacuum"] is None


def _other_rows(spark, path, token):
    frame = spark.read.format("delta").load(str(path))
    kept = frame.where(~_holds(token)(frame))
    row = kept.agg(F.count("*"), F.sum(F.xxhash64(*frame.columns).cast("decimal(38,0)"))).first()
    return int(row[0]), int(row[1] or 0)

"""Deleting principals from Feast's sqlite online store, by serialized entity key."""

from datetime import UTC, datetime
from types import SimpleNamespace

import pandas as pd
import pytest
import yaml
from feast import Entity, FeatureStore, FeatureView, Field, FileSource, ValueType
from feast.types import Float64, String

from policies.erasure.exceptions import OnlineStoreUnsupported
from policies.erasure.online_store import delete_online_entities, online_store_path

A, B = "tok_" + "a" * 32, "tok_" + "b" * 32
AT = datetime(2026, 8, 1, tzinfo=UTC)


@pytest.fixture
def store(tmp_path):
    """A Feast repo with a view keyed by the payer and one keyed by (payer, device); the
    online store path is relative, as a copied repo would have it."""
    config = {"project": "erasure", "provider": "local", "registry": str(tmp_path / "reg.db"),
              "online_store": {"type": "sqlite", "path": "online.db"},
              "offline_store": {"type": "file"}, "entity_key_serialization_version": 3}
    (tmp_path / "feature_store.yaml").write_text(yaml.safe_dump(config))
    frame = pd.DataFrame({"payer_token": [A, B], "device_id": ["d1", "d2"], "score": [1.0, 2.0],
                          "event_timestamp": [AT, AT]})
    frame.to_parquet(tmp_path / "source.parquet")
    source = FileSource(path=str(tmp_path / "source.parquet"), timestamp_field="event_timestamp")
    payer = Entity(name="payer", join_keys=["payer_token"], value_type=ValueType.STRING)
    device = Entity(name="device", join_keys=["device_id"], value_type=ValueType.STRING)
    views = [FeatureView(name="by_payer", entities=[payer], source=source,
                         schema=[Field(name="payer_token", dtype=String),
                                 Field(name="score", dtype=Float64)]),
             FeatureView(name="by_payer_device", entities=[payer, device], source=source,
                         schema=[Field(name="payer_token", dtype=String),
                                 Field(name="device_id", dtype=String),
                                 Field(name="score", dtype=Float64)])]
    store = FeatureStore(repo_path=str(tmp_path))
    store.apply([payer, device, *views])
    store.write_to_online_store("by_payer", frame)
    store.write_to_online_store("by_payer_device", pd.concat([frame, frame.assign(
        device_id=["d3", "d4"])]))
    return store


def _scores(store, view, rows):
    found = store.get_online_features(features=[f"{view}:score"], entity_rows=rows).to_dict()
    return found["score"]


def test_deletes_single_and_compound_keys_of_the_principal_only(store, tmp_path):
    assert online_store_path(store.config) == tmp_path / "online.db"
    assert delete_online_entities(store, {"payer_token"}, [A], dry_run=True) == {
        "by_payer": 1, "by_payer_device": 2}
    assert _scores(store, "by_payer", [{"payer_token": A}]) == [1.0]

    assert delete_online_entities(store, {"payer_token"}, [A]) == {
        "by_payer": 1, "by_payer_device": 2}
    assert _scores(store, "by_payer", [{"payer_token": A}, {"payer_token": B}]) == [None, 2.0]
    compound = [{"payer_token": A, "device_id": "d1"}, {"payer_token": A, "device_id": "d3"},
                {"payer_token": B, "device_id": "d2"}, {"payer_token": B, "device_id": "d4"}]
    assert _scores(store, "by_payer_device", compound) == [None, None, 2.0, 2.0]
    assert delete_online_entities(store, {"payer_token"}, [A]) == {
        "by_payer": 0, "by_payer_device": 0}


def test_views_without_a_principal_key_are_left_alone(store):
    assert delete_online_entities(store, {"device_id"}, ["d2"]) == {"by_payer_device": 1}
    assert _scores(store, "by_payer", [{"payer_token": B}]) == [2.0]


def test_only_the_sqlite_store_is_supported():
    config = SimpleNamespace(online_store=SimpleNamespace(type="redis"), repo_path=None)
    with pytest.raises(OnlineStoreUnsupported, match="'redis'"):
        online_store_path(config)

"""Delete principals' entity rows from the Feast online store.

Feast 0.67 has no public call to delete an entity from the online store. Its sqlite store
keeps one table per feature view, named ``<project>_<view>`` (with a version suffix when
feature-view versioning is on), and one row per (entity key, feature) whose ``entity_key``
is :func:`feast.infra.key_encoding_utils.serialize_entity_key` of the entity. So a
principal's rows are deleted by their serialized key; views keyed by several join keys are
matched by decoding each stored key, since a principal may be any one part of it.

Usage::

    store = open_feature_store(workspace)
    deleted = delete_online_entities(store, {"payer_token"}, ["tok_5f…"])
    deleted                                   # {"upi_payer_features": 1}
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Sequence
from contextlib import closing
from pathlib import Path

from feast import FeatureStore, FeatureView
from feast.infra.key_encoding_utils import deserialize_entity_key, serialize_entity_key
from feast.infra.online_stores.helpers import compute_table_id
from feast.protos.feast.types.EntityKey_pb2 import EntityKey
from feast.protos.feast.types.Value_pb2 import Value
from feast.repo_config import RepoConfig

from policies.erasure.exceptions import OnlineStoreUnsupported

__all__ = ["delete_online_entities", "online_store_path"]


def online_store_path(config: RepoConfig) -> Path:
    """The sqlite file of a repo's online store (a relative path is relative to the repo)."""
    store_type = config.online_store.type
    if store_type != "sqlite" and not store_type.endswith("SqliteOnlineStore"):
        raise OnlineStoreUnsupported(
            f"Feast online store type {store_type!r}: nijta erases only from the sqlite "
            "online store; delete the principal's entity keys there by hand and audit it")
    path = Path(config.online_store.path)
    if not path.is_absolute() and config.repo_path is not None:
        path = Path(config.repo_path) / path
    return path


def _online_views(store: FeatureStore, principal_keys: Collection[str]) -> list[FeatureView]:
    views = {v.name: v for v in [*store.list_feature_views(), *store.list_stream_feature_views()]}
    return [v for _, v in sorted(views.items())
            if v.online and set(v.join_keys) & set(principal_keys)]


def _matching_keys(db: sqlite3.Connection, table: str, view: FeatureView,
                   principal_keys: Collection[str], tokens: Sequence[str],
                   version: int) -> list[bytes]:
    if len(view.join_keys) == 1:
        (key,) = view.join_keys
        return [serialize_entity_key(EntityKey(join_keys=[key],
                                               entity_values=[Value(string_val=t)]),
                                     entity_key_serialization_version=version)
                for t in tokens]
    wanted = set(tokens)
    matches = []
    for (blob,) in db.execute(f"SELECT DISTINCT entity_key FROM {_quoted(table)}"):
        entity = deserialize_entity_key(blob, entity_key_serialization_version=version)
        if any(k in principal_keys and v.WhichOneof("val") == "string_val"
               and v.string_val in wanted
               for k, v in zip(entity.join_keys, entity.entity_values, strict=True)):
            matches.append(blob)
    return matches


def delete_online_entities(store: FeatureStore, principal_keys: Collection[str],
                           tokens: Sequence[str], *, dry_run: bool = False) -> dict[str, int]:
    """Delete every online entity whose principal join key holds one of ``tokens``.

    Returns, per online feature view keyed by a principal join key, how many entity keys
    were (or, with ``dry_run``, would be) deleted. A missing store file or view table means
    nothing was materialized there: zero.
    """
    config = store.config
    path = online_store_path(config)
    views = _online_views(store, principal_keys)
    if not path.exists():
        return {v.name: 0 for v in views}
    version = config.entity_key_serialization_version
    versioning = config.registry.enable_online_feature_view_versioning
    deleted = {}
    with closing(sqlite3.connect(path)) as db, db:
        present = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        for view in views:
            table = compute_table_id(config.project, view, versioning)
            if table not in present:
                deleted[view.name] = 0
                continue
            keys = _matching_keys(db, table, view, principal_keys, tokens, version)
            deleted[view.name] = _delete_keys(db, table, keys, dry_run=dry_run)
    return deleted


def _delete_keys(db: sqlite3.Connection, table: str, keys: list[bytes], *, dry_run: bool) -> int:
    """How many of ``keys`` have rows in ``table``; deletes them unless ``dry_run``."""
    found = 0
    for key in keys:
        (rows,) = db.execute(f"SELECT COUNT(*) FROM {_quoted(table)} WHERE entity_key = ?",
                             (key,)).fetchone()
        if rows and not dry_run:
            db.execute(f"DELETE FROM {_quoted(table)} WHERE entity_key = ?", (key,))
        found += rows > 0
    return found


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'

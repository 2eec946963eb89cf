"""Feast objects of nijta's UPI fraud features: entity, source, view and service.

The source is the gold Delta table written by :mod:`featurestore.jobs.payer_features`, read by
Feast's Spark offline store (``SparkSource`` with ``table_format=DeltaFormat()``). Training and
serving both go through the ``FeatureService`` — one definition, two paths.
"""

from __future__ import annotations

from datetime import timedelta

from feast import Entity, FeatureService, FeatureView, Field, ValueType
from feast.infra.offline_stores.contrib.spark_offline_store.spark_source import SparkSource
from feast.table_format import DeltaFormat
from feast.types import Float64, Int64

__all__ = ["FEATURE_NAMES", "FEATURE_SERVICE", "FEATURE_VIEW", "GOLD_TABLE", "PAYER_KEY",
           "feature_definitions"]

GOLD_TABLE = "upi_payer_features"
FEATURE_VIEW = "upi_payer_features"
FEATURE_SERVICE = "upi_fraud_v1"
PAYER_KEY = "payer_token"
_INT_FEATURES = ("txn_count_1h", "txn_count_24h", "txn_count_7d", "distinct_payees_7d")
_FLOAT_FEATURES = ("txn_amount_1h", "txn_amount_24h", "txn_amount_7d", "night_share_7d",
                   "amount_zscore")
FEATURE_NAMES = (*_INT_FEATURES, *_FLOAT_FEATURES)


def feature_definitions(gold_table_path: str) -> list[object]:
    """The entity, feature view and feature service over the gold table at that path."""
    payer = Entity(name="payer", join_keys=[PAYER_KEY], value_type=ValueType.STRING,
                   description="A UPI payer, keyed by the HMAC token of their VPA.")
    source = SparkSource(
        name=f"{GOLD_TABLE}_source", path=gold_table_path, table_format=DeltaFormat(),
        timestamp_field="event_timestamp", created_timestamp_column="created_timestamp",
    )
    view = FeatureView(
        name=FEATURE_VIEW, entities=[payer], ttl=timedelta(days=30), online=True, source=source,
        schema=[Field(name=n, dtype=Int64) for n in _INT_FEATURES]
        + [Field(name=n, dtype=Float64) for n in _FLOAT_FEATURES],
        description="Per-payer velocity, payee spread, night share and amount z-score.",
    )
    service = FeatureService(name=FEATURE_SERVICE, features=[view],
                             description="Features of the UPI fraud model.")
    return [payer, view, service]

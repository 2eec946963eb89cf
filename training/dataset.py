"""Training sets from Feast: labelled events point-in-time joined to their features.

Every labelled transaction in bronze is an entity row (payer token, event time, label); Feast's
Spark offline store joins to it the latest feature row at or before that time, through the
model's FeatureService — the very definition serving reads online.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
from feast import FeatureStore

from featurestore.definitions import PAYER_KEY
from training.exceptions import EmptyTrainingSet

__all__ = ["LABEL", "build_training_set"]

LABEL = "label"


def _labelled_events_sql(bronze_table: Path) -> str:
    return (f"SELECT {PAYER_KEY}, event_ts AS event_timestamp, CAST(is_fraud AS INT) AS {LABEL} "
            f"FROM delta.`{bronze_table}` WHERE status = 'SUCCESS'")


def build_training_set(store: FeatureStore, feature_service: str, bronze_table: Path,
                       out: Path) -> int:
    """Write the point-in-time training set to Parquet at ``out``; return its row count."""
    job = store.get_historical_features(
        entity_df=_labelled_events_sql(bronze_table),
        features=store.get_feature_service(feature_service),
    )
    table = job.to_arrow()
    if table.num_rows == 0:
        raise EmptyTrainingSet(f"no labelled events in {bronze_table}")
    out.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, out)
    return table.num_rows

"""ingest.telemetry: app events over HTTP into Kafka, and bounded reads of them into bronze.

    app SDK ─POST /v1/events─▶ collector (validate, withhold children) ─▶ Kafka topic
            ─▶ TelemetryConnector (bounded run, batches) ─▶ bronze ─▶ acknowledge (offsets)

The loopback broker for tests and the demo is ``ingest.telemetry.broker.KafkaBroker`` (not
re-exported here: ``python -m ingest.telemetry.broker`` runs that module as a script).
"""

from ingest.telemetry.collector import CollectorReceipt, create_collector_app
from ingest.telemetry.events import APP_EVENT_SCHEMA, AppEvent, CoarseLocation, DeviceInfo
from ingest.telemetry.exceptions import (
    KafkaBrokerError,
    KafkaJarsMissing,
    OffsetCommitFailed,
    TelemetryError,
    TelemetryReadFailed,
    TopicNotFound,
)
from ingest.telemetry.minors import CHILDREN_RULE, ChildrenWithheld, withhold_children
from ingest.telemetry.reader import TELEMETRY_RECORD_SCHEMA, TelemetryConnector

__all__ = [
    "APP_EVENT_SCHEMA",
    "CHILDREN_RULE",
    "TELEMETRY_RECORD_SCHEMA",
    "AppEvent",
    "ChildrenWithheld",
    "CoarseLocation",
    "CollectorReceipt",
    "DeviceInfo",
    "KafkaBrokerError",
    "KafkaJarsMissing",
    "OffsetCommitFailed",
    "TelemetryConnector",
    "TelemetryError",
    "TelemetryReadFailed",
    "TopicNotFound",
    "create_collector_app",
    "withhold_children",
]

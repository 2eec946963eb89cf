"""Errors of the Kafka telemetry path.

    NijtaError
     └── IngestError
          └── TelemetryError
               ├── KafkaBrokerError       the local broker could not be fetched, started or stopped
               │    └── KafkaJarsMissing  the Kafka jars are not in the cache and mvn could not
               │                          fetch them
               ├── TopicNotFound          the telemetry topic does not exist on the cluster
               ├── TelemetryReadFailed    Kafka reported an error, or went silent, mid-read
               └── OffsetCommitFailed     committing a batch's offsets after its sink commit failed

Messages name the broker folder, topic, partition and offset involved; never an event's
contents.
"""

from ingest.exceptions import IngestError

__all__ = [
    "KafkaBrokerError",
    "KafkaJarsMissing",
    "OffsetCommitFailed",
    "TelemetryError",
    "TelemetryReadFailed",
    "TopicNotFound",
]


class TelemetryError(IngestError):
    """Root of the telemetry path's errors."""


class KafkaBrokerError(TelemetryError):
    """The loopback broker did not start, did not answer or did not stop; see its log."""


class KafkaJarsMissing(KafkaBrokerError):
    """Run ``python -m ingest.telemetry.broker fetch`` (or ``make setup``) with Maven on PATH."""


class TopicNotFound(TelemetryError):
    """Create the topic first (``KafkaBroker.create_topic`` locally; your cluster's tooling)."""


class TelemetryReadFailed(TelemetryError):
    """A bounded read stopped before its end offsets; nothing of the run was acknowledged."""


class OffsetCommitFailed(TelemetryError):
    """The sink and the cursor store hold the batch but Kafka did not take its offsets; the
    next acknowledgement catches them up (runs resume from the cursor store, not from them)."""

"""connectors.telemetry: the ``kafka_telemetry`` source model, the ``source:`` block of a file
that reads app events from Kafka.

The reader itself, :class:`ingest.telemetry.reader.TelemetryConnector`, lives with the rest of
the telemetry path (collector, loopback broker, children's rule) in :mod:`ingest.telemetry`; the
registry (``connectors.registry``) imports it only when a ``kafka_telemetry`` file is opened.

Usage::

    config = load_connector_config(Path("connectors/examples/kafka_telemetry.yaml"))
    source: KafkaTelemetrySource = config.source
"""

from connectors.telemetry.configuration import KafkaTelemetrySource

__all__ = ["KafkaTelemetrySource"]

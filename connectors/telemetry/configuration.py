"""Source model of the Kafka telemetry connector: which cluster, topic and consumer group.

The connector reads ``AppEvent`` JSON in bounded runs (up to the end offsets seen when a run
starts) and commits the group's offsets only after the pipeline has committed and acknowledged
a batch, so the group's offsets mirror the cursor store. A cluster with authentication takes
SASL over TLS; the password is a ``${ENV:NAME}`` reference, never inline. Example:
``connectors/examples/kafka_telemetry.yaml``.

Usage::

    config = load_connector_config(Path("connectors/examples/kafka_telemetry.yaml"))
    config.source.consumer_settings()      # librdkafka settings: bootstrap.servers, sasl.* …
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

__all__ = ["KafkaTelemetrySource"]

_SASL_PROTOCOLS = ("SASL_PLAINTEXT", "SASL_SSL")
_TLS_PROTOCOLS = ("SSL", "SASL_SSL")


class KafkaTelemetrySource(BaseModel):
    """A Kafka topic of app telemetry events (``ingest.telemetry.events.AppEvent`` JSON)."""

    # The SASL password may be in the input: validation errors must not repeat it.
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    type: Literal["kafka_telemetry"]
    bootstrap_servers: str = Field(pattern=r"^[^\s,]+:\d{1,5}(,[^\s,]+:\d{1,5})*$")
    """``host:port`` of one or more brokers, comma-separated."""
    topic: str = Field(pattern=r"^[A-Za-z0-9._-]{1,249}$")
    """The topic the collector produces app events to."""
    group_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9._-]{1,255}$")
    """Consumer group whose committed offsets mirror the cursor store; unset: the connector's
    name. Give each connector its own group."""
    batch_size: int = Field(default=5_000, ge=1, le=100_000)
    """Events per batch (one bronze commit) at most."""
    idle_timeout_s: float = Field(default=30.0, gt=0)
    """A run fails when a partition below its end offset delivers nothing for this long."""
    request_timeout_s: float = Field(default=10.0, gt=0)
    """Timeout of each metadata, offset and commit request to the cluster."""
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    """``PLAINTEXT`` for the loopback broker; ``SASL_SSL`` for a managed cluster."""
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = None
    """Required with a ``SASL_*`` protocol."""
    sasl_username: str | None = None
    """Required with a ``SASL_*`` protocol."""
    sasl_password: SecretStr | None = None
    """Required with a ``SASL_*`` protocol; give it as ``${ENV:NAME}``, never inline."""
    ssl_ca_location: Path | None = None
    """PEM file of the CA that signed the brokers' certificates (``SSL``/``SASL_SSL``);
    unset: the system's trust store."""

    @model_validator(mode="after")
    def _security_settings_fit_the_protocol(self) -> Self:
        sasl = {"sasl_mechanism": self.sasl_mechanism, "sasl_username": self.sasl_username,
                "sasl_password": self.sasl_password}
        if self.security_protocol in _SASL_PROTOCOLS:
            missing = [name for name, value in sasl.items() if value is None]
            if missing:
                raise ValueError(f"security_protocol {self.security_protocol} needs "
                                 f"{', '.join(missing)}")
        elif given := [name for name, value in sasl.items() if value is not None]:
            raise ValueError(f"{', '.join(given)} apply only to a SASL_PLAINTEXT or SASL_SSL "
                             f"security_protocol, not {self.security_protocol}")
        if self.ssl_ca_location is not None and self.security_protocol not in _TLS_PROTOCOLS:
            raise ValueError("ssl_ca_location applies only to an SSL or SASL_SSL "
                             "security_protocol")
        return self

    def consumer_settings(self) -> dict[str, str]:
        """The cluster and security settings of a librdkafka client (no group, no offsets)."""
        settings = {"bootstrap.servers": self.bootstrap_servers,
                    "security.protocol": self.security_protocol}
        if self.sasl_password is not None:  # and, by the validator, a mechanism and a username
            settings |= {"sasl.mechanism": str(self.sasl_mechanism),
                         "sasl.username": str(self.sasl_username),
                         "sasl.password": self.sasl_password.get_secret_value()}
        if self.ssl_ca_location is not None:
            settings["ssl.ca.location"] = str(self.ssl_ca_location)
        return settings

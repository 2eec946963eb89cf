"""Connector configuration files: one YAML per source, parsed into strict models.

Secrets are ``${ENV:NAME}`` references resolved at load (see :mod:`nijta.configuration`),
typed as ``SecretStr`` so they never print. Example: ``connectors/examples/upi_sandbox.yaml``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, SecretStr, field_validator

from nijta.configuration import load_yaml_model

__all__ = [
    "ConnectorConfig", "CreationTimeIncrement", "HttpSourceSettings", "PspApiSettings",
    "SinkConfig", "SourceConfig", "UpiCsvSource", "UpiDemoFeedSource", "UpiSandboxSource",
    "load_connector_config",
]

_NAME = r"^[a-z][a-z0-9_]{0,62}$"


class HttpSourceSettings(BaseModel):
    """How a connector talks HTTP to its source (see :class:`connectors.http.SourceHttpClient`);
    mix into any HTTP source model."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    timeout_s: float = Field(default=10.0, gt=0)
    """Per-request timeout."""
    max_attempts: int = Field(default=5, ge=1, le=20)
    """Tries per request on timeouts, 429 and 5xx, with exponential backoff and jitter."""
    rate_limit_per_s: float | None = Field(default=None, gt=0)
    """Average requests per second at most (token bucket); unset: no limit."""
    backoff_base_s: float = Field(default=0.25, ge=0)
    """Backoff ceiling after the first failure; doubles per attempt, up to ``backoff_cap_s``."""
    backoff_cap_s: float = Field(default=8.0, ge=0)
    """Largest backoff between two attempts (a ``Retry-After`` header wins over it)."""


class CreationTimeIncrement(BaseModel):
    """Incremental reading by record creation time, with a late-arrival window."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    late_arrival_window_s: int = Field(default=3600, ge=0, le=7 * 86_400)
    """Each run re-reads records created this long before the newest one read so far, so a
    record that shows up at most this late is still picked up (exactly once: ids seen inside
    the window are kept in the cursor)."""
    created_from: datetime | None = None
    """Where the very first run starts (aware ISO 8601 time); unset: everything the source
    holds."""

    @field_validator("created_from")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("give a time zone, e.g. 2026-08-01T00:00:00+05:30")
        return value


class PspApiSettings(HttpSourceSettings):
    """Where a PSP's paged JSON API of UPI transactions is and how to page it (the local
    sandbox speaks it); mix into its source models."""

    base_url: str = Field(pattern=r"^https?://")
    """Root URL of the API, e.g. ``http://127.0.0.1:8765``."""
    api_key: SecretStr
    """Bearer key; give it as ``${ENV:NAME}``, never inline."""
    page_size: int = Field(default=5000, ge=1, le=50_000)
    """Records per page request."""


class UpiSandboxSource(PspApiSettings, CreationTimeIncrement):
    """The issuer-switch export of a PSP's API (``/v1/switch/transactions``), incremental by
    creation time."""

    type: Literal["upi_sandbox"]


class UpiDemoFeedSource(PspApiSettings):
    """The sandbox PSP's demo feed (``/v1/transactions``): the synthetic payments with their
    fraud label, a fixed list read in numbered pages."""

    type: Literal["upi_demo_feed"]


class UpiCsvSource(CreationTimeIncrement):
    """Daily issuer-switch CSV exports in one folder, a file per IST day
    (``upi_txn_YYYYMMDD.csv``), rewritten by the switch as late records arrive."""

    type: Literal["upi_csv"]
    directory: Path
    """Folder the switch drops its export files into."""
    file_prefix: str = Field(default="upi_txn_", pattern=r"^[A-Za-z0-9_.-]*$")
    """Export files are ``<file_prefix>YYYYMMDD.csv``; other files are ignored."""
    batch_size: int = Field(default=10_000, ge=1, le=1_000_000)
    """Records per batch at most."""
    encoding: str = "utf-8"


# Every source type, told apart by its ``type`` key. Each connector subpackage defines its own
# source model in ``connectors/<source>/configuration.py``; list it here.
from connectors.aa.configuration import AaFiuSource  # noqa: E402  (its subpackage's own model)
from connectors.core_banking.configuration import (  # noqa: E402  (its subpackage's own models)
    CoreBankingDelimitedSource,
    CoreBankingFixedWidthSource,
    CoreBankingSqlSource,
)
from connectors.telemetry.configuration import KafkaTelemetrySource  # noqa: E402  (its own model)

SourceConfig = Annotated[
    UpiSandboxSource | UpiDemoFeedSource | UpiCsvSource | AaFiuSource
    | CoreBankingFixedWidthSource | CoreBankingDelimitedSource | CoreBankingSqlSource
    | KafkaTelemetrySource,
    Field(discriminator="type"),
]


class SinkConfig(BaseModel):
    """Where the connector's records land."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    bronze_table: str = Field(pattern=_NAME)
    """Name of the bronze Delta table under ``<location>/bronze/``."""
    location: str | None = None
    """URI of the lake the bronze table and the dead-letter queue go under (``s3://…``,
    ``gs://…``, ``abfss://…``, ``file:///…`` or an absolute path); unset: the workspace's
    ``lake/``. It must lie in a storage location of the policy whose region may hold the
    dataset's data class: ingestion checks that before it writes anything."""


class ConnectorConfig(BaseModel):
    """One source: how to reach it, which policy dataset it feeds, why, and where it lands.

    What each field becomes (tokenized, dropped, scrubbed …) is not said here: it is the
    classification of ``dataset`` in the policy, so one policy governs every connector.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=_NAME)
    """Connector id; also the Delta ``txnAppId`` of its commits."""
    source: SourceConfig
    dataset: str = Field(pattern=_NAME)
    """The policy dataset the records belong to: its classification gives every field's
    transform, its data class the residency rules of the sink."""
    purpose: str = Field(pattern=_NAME)
    """The purpose the data is processed for (DPDP); the dataset must be declared for it."""
    policy_dir: Path | None = None
    """The policy directory; unset: the shipped defaults (``policies/defaults``). A relative
    path is read from the folder of the connector file."""
    sink: SinkConfig
    _source_file: Path | None = PrivateAttr(default=None)

    @property
    def source_file(self) -> Path | None:
        """The YAML file the config was loaded from (``None``: built in code)."""
        return self._source_file


def load_connector_config(path: Path) -> ConnectorConfig:
    """Load and validate a connector YAML file; errors name the file and key."""
    config = load_yaml_model(path, ConnectorConfig)
    if config.policy_dir is not None and not config.policy_dir.is_absolute():
        config = config.model_copy(update={"policy_dir": path.parent / config.policy_dir})
    config._source_file = path
    return config

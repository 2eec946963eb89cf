"""Connector configuration files: one YAML per source, parsed into strict models.

Secrets are ``${ENV:NAME}`` references resolved at load (see :mod:`nijta.configuration`),
typed as ``SecretStr`` so they never print. Example: ``connectors/examples/upi_sandbox.yaml``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from nijta.configuration import load_yaml_model
from policies.field_plan import FieldPlan

__all__ = [
    "ConnectorConfig", "SinkConfig", "SourceConfig", "UpiSandboxSource", "load_connector_config",
]

_NAME = r"^[a-z][a-z0-9_]{0,62}$"


class UpiSandboxSource(BaseModel):
    """A PSP-style paged JSON API of UPI transactions (the local sandbox speaks it)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["upi_sandbox"]
    base_url: str = Field(pattern=r"^https?://")
    """Root URL of the API, e.g. ``http://127.0.0.1:8765``."""
    api_key: SecretStr
    """Bearer key; give it as ``${ENV:NAME}``, never inline."""
    page_size: int = Field(default=5000, ge=1, le=50_000)
    """Records per page request."""
    timeout_s: float = Field(default=10.0, gt=0)
    """Per-request timeout."""
    max_attempts: int = Field(default=5, ge=1, le=20)
    """Tries per page on timeouts, 429 and 5xx, with exponential backoff and jitter."""


# Every source type, told apart by its ``type`` key. Each connector subpackage defines its own
# source model in ``connectors/<source>/configuration.py``; list it here.
SourceConfig = Annotated[
    UpiSandboxSource,
    Field(discriminator="type"),
]


class SinkConfig(BaseModel):
    """Where the connector's records land."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    bronze_table: str = Field(pattern=_NAME)
    """Name of the bronze Delta table under ``<workspace>/lake/bronze/``."""


class ConnectorConfig(BaseModel):
    """One source: how to reach it, what its fields are, why we process them, where they go."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=_NAME)
    """Connector id; also the Delta ``txnAppId`` of its commits."""
    source: SourceConfig
    purpose: str = Field(pattern=_NAME)
    """The purpose the data is processed for (DPDP)."""
    classification: FieldPlan
    """The dataset's field plan: every source field with its transform."""
    sink: SinkConfig


def load_connector_config(path: Path) -> ConnectorConfig:
    """Load and validate a connector YAML file; errors name the file and key."""
    return load_yaml_model(path, ConnectorConfig)

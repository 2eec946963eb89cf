"""Source models of the core-banking connectors, the ``source:`` block of their YAML files.

Examples: ``connectors/examples/core_banking_fixed_width.yaml``,
``core_banking_delimited.yaml`` and ``core_banking_sql.yaml``.

Usage::

    config = load_connector_config(Path("connectors/examples/core_banking_sql.yaml"))
    connector = HtdSqlConnector(config.name, config.source)
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from connectors.core_banking.layout import LAYOUTS

__all__ = ["CoreBankingDelimitedSource", "CoreBankingFixedWidthSource", "CoreBankingSqlSource"]

_IDENTIFIER = r"^[A-Za-z_][A-Za-z0-9_$]{0,127}$"


class _ExtractFolder(BaseModel):
    """End-of-day extract files a bank drops in a folder, read in name order."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    folder: Path
    """Where the bank drops the files (under the workspace's ``sources/`` in the sandbox)."""
    glob: str = Field(min_length=1)
    """Which files in ``folder`` are extracts; name them so this order is the days' order.
    Every matching file is hashed on each run, so archive old ones elsewhere."""
    encoding: str = "utf-8"
    """Text encoding of the files; fixed-width positions count characters."""
    batch_size: int = Field(default=10_000, ge=1, le=1_000_000)
    """Detail records per batch; a batch never spans two files."""


class CoreBankingFixedWidthSource(_ExtractFolder):
    """Fixed-width EOD extracts with header and trailer control totals."""

    type: Literal["core_banking_fixed_width"]
    glob: str = Field(default="*.dat", min_length=1)
    layout: str = "finacle_eod_v1"
    """Record layout by name (:mod:`connectors.core_banking.layout`)."""

    @field_validator("layout")
    @classmethod
    def _known_layout(cls, value: str) -> str:
        if value not in LAYOUTS:
            raise ValueError(f"unknown layout; known: {', '.join(sorted(LAYOUTS))}")
        return value


class CoreBankingDelimitedSource(_ExtractFolder):
    """Pipe- or comma-separated EOD extracts with a header row of column names."""

    type: Literal["core_banking_delimited"]
    glob: str = Field(default="*.txt", min_length=1)
    delimiter: str = Field(default="|", min_length=1, max_length=1)
    """Field separator: ``|`` for pipe files, ``,`` for CSV."""
    quotechar: str = Field(default='"', min_length=1, max_length=1)
    """Quotes a value that holds the delimiter, a quote (doubled) or a line break."""


class CoreBankingSqlSource(BaseModel):
    """Incremental pull over a Finacle HTD-like table (or a view joining HTD to GAM)."""

    # The URL holds a password: validation errors must not repeat it.
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    type: Literal["core_banking_sql"]
    url: SecretStr
    """SQLAlchemy URL with credentials, e.g. ``postgresql+psycopg://user:pw@host/db``;
    give it as ``${ENV:NAME}``, never inline."""
    table: str = Field(default="htd", pattern=_IDENTIFIER)
    """Table or view with the transaction columns (see :mod:`connectors.core_banking.sql`)."""
    table_schema: str | None = Field(default=None, pattern=_IDENTIFIER)
    """Database schema of ``table`` (Finacle: ``tbaadm``); default: the connection's."""
    batch_size: int = Field(default=5_000, ge=1, le=1_000_000)
    """Rows per query (keyset page)."""

    @field_validator("url")
    @classmethod
    def _parses(cls, value: SecretStr) -> SecretStr:
        try:
            make_url(value.get_secret_value())
        except ArgumentError:
            raise ValueError("not a SQLAlchemy URL (dialect+driver://user:password@host/db)"
                             ) from None
        return value

"""Configuration of an Account Aggregator connector on the FIU side.

One file names the AA (its base URL, id and RSA public key), who we are to it (FIU id,
``client_api_key``, our RSA signing key: secrets by ``${ENV:NAME}`` only), where the AA sends
its notifications, which customers' consents to ask for, and the consent itself: purpose code
(ReBIT 101-105), FI types, DataLife, frequency, fetch type and the FI date range.

Usage::

    config = load_connector_config(Path("connectors/examples/aa_fiu.yaml"))
    source: AaFiuSource = config.source
    source.consent.purpose_code        # "103"
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, SecretStr, model_validator

__all__ = ["PURPOSE_TEXTS", "AaFiuSource", "ConsentTemplate", "DataLife", "FetchFrequency"]

PURPOSE_TEXTS = {
    "101": ("Wealth management service", "Personal Finance"),
    "102": ("Customer spending patterns, budget or other reportings", "Personal Finance"),
    "103": ("Aggregated statement", "Financial Reporting"),
    "104": ("Explicit consent for monitoring of the accounts", "Account Query and Monitoring"),
    "105": ("Explicit one-time consent for the accounts", "Account Query and Monitoring"),
}
"""ReBIT purpose codes with their text and category (AA technical specification)."""

FiType = Literal["DEPOSIT", "TERM_DEPOSIT", "RECURRING_DEPOSIT"]
ConsentType = Literal["PROFILE", "SUMMARY", "TRANSACTIONS"]


class DataLife(BaseModel):
    """How long the FIU may keep the data it fetched (spec ``DataLife``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    unit: Literal["DAY", "MONTH", "YEAR", "INF"]
    value: int = Field(ge=0)
    """Number of units; must be 0 when ``unit`` is ``INF`` (the spec's rule)."""

    @model_validator(mode="after")
    def _inf_means_zero(self) -> Self:
        if (self.unit == "INF") != (self.value == 0):
            raise ValueError("value must be 0 exactly when unit is INF")
        return self


class FetchFrequency(BaseModel):
    """How many FI fetches the consent allows per unit of time (spec ``Frequency``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    unit: Literal["HOUR", "DAY", "MONTH", "YEAR"]
    value: int = Field(ge=1)


class ConsentTemplate(BaseModel):
    """The ``ConsentDetail`` the FIU asks each customer to approve."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    purpose_code: Literal["101", "102", "103", "104", "105"]
    """ReBIT purpose code; the records are tagged with it."""
    fi_types: tuple[FiType, ...] = Field(default=("DEPOSIT",), min_length=1)
    consent_types: tuple[ConsentType, ...] = Field(
        default=("PROFILE", "SUMMARY", "TRANSACTIONS"), min_length=1)
    consent_mode: Literal["VIEW", "STORE", "QUERY", "STREAM"] = "STORE"
    fetch_type: Literal["ONETIME", "PERIODIC"] = "PERIODIC"
    data_life: DataLife
    frequency: FetchFrequency
    data_from: AwareDatetime
    """Start of ``FIDataRange``: the oldest transaction the consent covers."""
    data_to: AwareDatetime
    """End of ``FIDataRange``."""
    validity_days: int = Field(default=365, ge=1, le=3650)
    """``consentExpiry`` is this many days after the consent request."""

    @model_validator(mode="after")
    def _range_is_ordered(self) -> Self:
        if self.data_from >= self.data_to:
            raise ValueError("data_from must be before data_to")
        return self


class AaFiuSource(BaseModel):
    """Deposit statements through an Account Aggregator, as a Financial Information User."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["aa_fiu"]
    base_url: str = Field(pattern=r"^https?://")
    """The AA's API root (Sahamati sandbox: ``https://api.sandbox.sahamati.org.in/router/v2``)."""
    aa_id: str = Field(min_length=1)
    """The AA's entity id: ``recipient-id`` of ``x-request-meta`` and the notifier we trust."""
    aa_public_key: str = Field(pattern=r"-----BEGIN PUBLIC KEY-----")
    """The AA's RSA public key (PEM), from the Central Registry: checks every response's
    ``x-jws-signature``, every notification and the consent artefact's ``signedConsent``."""
    fiu_id: str = Field(min_length=1)
    """Our entity id at the AA (``DataConsumer.id``)."""
    client_api_key: SecretStr
    """The ``client_api_key`` header; give it as ``${ENV:NAME}``, never inline."""
    private_key: SecretStr
    """Our RSA private key (PKCS#8 PEM) that signs every request; ``${ENV:NAME}`` only."""
    key_id: str = Field(min_length=1)
    """``kid`` of our signing key in the Central Registry."""
    notification_api_key: SecretStr | None = None
    """The ``aa_api_key`` the AA must send with its notifications; ``None`` skips the check."""
    notification_host: str = "127.0.0.1"
    """Interface the notification receiver listens on."""
    notification_port: int = Field(default=0, ge=0, le=65_535)
    """Port of the notification receiver; 0 picks a free one."""
    customers: tuple[str, ...] = Field(min_length=1)
    """Customers' AA handles (``id@aa``), one consent each, read in this order."""
    consent: ConsentTemplate
    fetch_window_days: int = Field(default=30, ge=1, le=366)
    """Each FI request covers at most this many days of ``FIDataRange``: one batch."""
    consent_timeout_s: float = Field(default=120.0, gt=0)
    """How long to wait for the customer to approve a consent request."""
    poll_interval_s: float = Field(default=2.0, gt=0)
    """Pause between status polls when no notification arrives."""
    fi_ready_timeout_s: float = Field(default=300.0, gt=0)
    """How long to keep fetching an FI session the AA answers ``DataFetchRequestInProgress``
    for (the FIP has not delivered yet) before giving up on it."""
    timeout_s: float = Field(default=30.0, gt=0)
    """Per-request timeout."""
    max_attempts: int = Field(default=5, ge=1, le=20)
    """Tries per request on timeouts, 429, 5xx and truncated JSON."""
    rate_limit_per_s: float | None = Field(default=None, gt=0)
    """Most requests per second to the AA; ``None``: unlimited."""

    @model_validator(mode="after")
    def _customer_handles(self) -> Self:
        bad = [i for i, handle in enumerate(self.customers) if handle.count("@") != 1]
        if bad:
            raise ValueError(f"customers[{bad[0]}] is not an AA handle of the form id@aa")
        return self

    def fetch_windows(self, after: datetime | None = None) -> list[tuple[datetime, datetime]]:
        """``FIDataRange`` cut into windows of ``fetch_window_days``, starting at ``after``."""
        start = max(after, self.consent.data_from) if after else self.consent.data_from
        step = timedelta(days=self.fetch_window_days)
        windows = []
        while start < self.consent.data_to:
            end = min(start + step, self.consent.data_to)
            windows.append((start, end))
            start = end
        return windows

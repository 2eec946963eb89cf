"""Consent artefacts: what a data principal agreed to, for which purposes, until when.

An artefact comes from an Account Aggregator (its signed consent, with the AA's consent id)
or from the app's own consent manager. It is keyed by the principal's **token**, never a raw
identifier, and names the policy's purpose codes (an AA ``Purpose.code`` such as ``103`` is
mapped onto them by the policy before recording), the data categories or FI types covered,
the validity window and the DataLife.

DataLife bounds how long data obtained under the consent may be kept. Given as a deadline it
is that deadline; given as a duration (AA's ``DataLife {unit, value}``) it runs from the
latest moment data can be fetched under the consent, its expiry, so ``data_life_until`` is
the outer bound for every batch. Each batch's own purge-by date (fetch time + DataLife) is
stamped on its rows at ingestion and enforced by retention.

Status follows this lifecycle; REVOKED and EXPIRED are final:

    ACTIVE ⇄ PAUSED,   ACTIVE | PAUSED → REVOKED | EXPIRED

Usage::

    artefact = ConsentArtefact(
        consent_id="c-1", principal="tok_5f…", purposes=("credit_underwriting",),
        categories=("DEPOSIT", "financial"), start=start, expiry=start + timedelta(days=365),
        data_life=timedelta(days=30), source=ConsentSource(kind="aa", aa_consent_id="…"))
    artefact.data_life_until          # expiry + 30 days
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from anonymize.tokens import TOKEN_HEX_CHARS, TOKEN_PREFIX

__all__ = ["FINAL_STATUSES", "TRANSITIONS", "ConsentArtefact", "ConsentSource",
           "ConsentStatus"]

_TOKEN = re.compile(rf"{re.escape(TOKEN_PREFIX)}[0-9a-f]{{{TOKEN_HEX_CHARS}}}")


class ConsentStatus(StrEnum):
    """The states of a consent (the AA consent statuses)."""

    ACTIVE = "ACTIVE"
    PAUSED = "PAUSED"
    REVOKED = "REVOKED"
    EXPIRED = "EXPIRED"


TRANSITIONS: dict[ConsentStatus, frozenset[ConsentStatus]] = {
    ConsentStatus.ACTIVE: frozenset({ConsentStatus.PAUSED, ConsentStatus.REVOKED,
                                     ConsentStatus.EXPIRED}),
    ConsentStatus.PAUSED: frozenset({ConsentStatus.ACTIVE, ConsentStatus.REVOKED,
                                     ConsentStatus.EXPIRED}),
    ConsentStatus.REVOKED: frozenset(),
    ConsentStatus.EXPIRED: frozenset(),
}
"""The statuses each status may change to."""

FINAL_STATUSES = frozenset(s for s, targets in TRANSITIONS.items() if not targets)


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("must be timezone-aware (e.g. 2026-01-01T00:00:00+05:30)")
    return value.astimezone(UTC)


UtcDateTime = Annotated[datetime, AfterValidator(_utc)]
"""An aware datetime, held in UTC."""
Code = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]


class ConsentSource(BaseModel):
    """Where the consent was given."""

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    kind: Literal["aa", "app_consent_manager"]
    """``aa``: an Account Aggregator consent artefact; ``app_consent_manager``: the app's own
    consent flow (or a DPDP Consent Manager)."""
    reference: str | None = Field(default=None, min_length=1, max_length=128)
    """The AA's consent id (required for ``aa``), or the consent manager's record id."""

    @model_validator(mode="after")
    def _aa_needs_its_consent_id(self) -> Self:
        if self.kind == "aa" and self.reference is None:
            raise ValueError("an AA consent needs the AA's consent id as reference")
        return self


class ConsentArtefact(BaseModel):
    """One consent of one data principal."""

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    consent_id: str = Field(min_length=1, max_length=128)
    principal: str
    """The principal's token (``tok_`` + 32 hex characters): never a raw identifier."""
    purposes: tuple[Code, ...] = Field(min_length=1)
    """The policy's purpose codes this consent allows."""
    categories: tuple[Code, ...] = Field(min_length=1)
    """Data categories and/or AA FI types covered (e.g. ``financial``, ``DEPOSIT``)."""
    start: UtcDateTime
    expiry: UtcDateTime
    data_life: UtcDateTime | timedelta | None = None
    """A deadline, a duration counted from ``expiry``, or ``None`` (AA ``INF``)."""
    status: ConsentStatus = ConsentStatus.ACTIVE
    source: ConsentSource
    principal_is_child: bool = False
    """Under 18 (DPDP s.9): processing needs verifiable parental consent."""
    verifiable_parental_consent: bool = False

    @field_validator("principal")
    @classmethod
    def _is_a_token(cls, value: str) -> str:
        if not _TOKEN.fullmatch(value):
            raise ValueError(f"principal must be a token ({TOKEN_PREFIX} followed by "
                             f"{TOKEN_HEX_CHARS} hex characters), never a raw identifier")
        return value

    @field_validator("purposes", "categories")
    @classmethod
    def _distinct(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(value))

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.expiry <= self.start:
            raise ValueError("expiry must come after start")
        if isinstance(self.data_life, timedelta) and self.data_life < timedelta(0):
            raise ValueError("data_life must not be a negative duration")
        return self

    @property
    def data_life_until(self) -> datetime | None:
        """The latest moment data obtained under this consent may be kept (``None``: no
        bound beyond the purpose's retention)."""
        if isinstance(self.data_life, timedelta):
            return self.expiry + self.data_life
        return self.data_life

    def covers(self, purpose: str, categories: frozenset[str]) -> bool:
        """Whether this consent names ``purpose`` and every one of ``categories``."""
        return purpose in self.purposes and categories <= set(self.categories)

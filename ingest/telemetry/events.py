"""An app telemetry event as the mobile SDK sends it, and as it is kept: coarse and tokenized.

What an event may carry is limited on purpose, so that the telemetry stream never holds a raw
identifier or a precise position:

- ``principal`` is a token, never an identifier. The SDK sends the ``tok_…`` HMAC token the
  app backend got from nijta for the signed-in customer, or a device-scoped random id before
  sign-in (16-128 of ``[A-Za-z0-9_-]``). Anything with an ``@`` (VPA, e-mail) or only digits
  (mobile, Aadhaar, card, account) is refused.
- ``location`` is a geohash of at most 5 characters (a cell of about 5 km × 5 km) and/or a
  city and state; latitude/longitude, pincodes and addresses are refused.
- ``device`` is the model, OS, OS version and app version; no device id, IMEI or IP address
  (the model forbids every field it does not name).
- ``age_band`` and/or ``is_minor`` say whether the principal is a child, which decides whether
  the event may be kept at all (``ingest.telemetry.minors``).

Rejections name the field and a rule id (``telemetry.location.coarse_only``, …, or
``telemetry.event.<pydantic error type>``), never the value.

Usage::

    event = AppEvent.model_validate_json(payload)     # pydantic.ValidationError when refused
    table = events_table([event])                     # Arrow, APP_EVENT_SCHEMA
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC
from typing import Annotated, Any, Literal

import pyarrow as pa
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

__all__ = ["APP_EVENT_SCHEMA", "AgeBand", "AppEvent", "CoarseLocation", "DeviceInfo",
           "EventType", "FieldError", "event_errors", "events_table"]

EventType = Literal["session_start", "session_end", "screen_view", "button_tap",
                    "app_foreground", "app_background"]
AgeBand = Literal["under_18", "18_24", "25_34", "35_44", "45_54", "55_64", "65_plus"]

MAX_GEOHASH_CHARS = 5
_GEOHASH = re.compile(r"[0-9bcdefghjkmnpqrstuvwxyz]+")
_FINE_LOCATION_KEYS = frozenset({"lat", "lon", "lng", "latitude", "longitude", "accuracy",
                                 "pincode", "pin", "postcode", "address", "street"})
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,128}")


def _principal_token(value: str) -> str:
    if "@" in value or value.isdigit() or not _TOKEN.fullmatch(value):
        raise PydanticCustomError(
            "telemetry.principal.token_only",
            "principal must be a tok_… token or a device-scoped id (16-128 letters, digits, "
            "_ or -); raw identifiers (VPA, e-mail, mobile, Aadhaar, card) are refused")
    return value


def _coarse_geohash(value: str) -> str:
    if len(value) > MAX_GEOHASH_CHARS:
        raise PydanticCustomError(
            "telemetry.location.coarse_only",
            "geohash finer than 5 characters (about 5 km) is refused; truncate it on device")
    if not _GEOHASH.fullmatch(value):
        raise PydanticCustomError("telemetry.location.geohash",
                                  "geohash must use the base-32 geohash alphabet")
    return value


Opaque = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{8,64}$")]
PlaceName = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z .'-]{1,39}$")]


class DeviceInfo(BaseModel):
    """What the app knows about the device, short of anything that identifies it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9 ._()+-]{0,63}$")]
    """Marketing model name, e.g. ``Redmi Note 13``."""
    os: Literal["android", "ios"]
    os_version: Annotated[str, Field(pattern=r"^[0-9][0-9A-Za-z._-]{0,15}$")]
    app_version: Annotated[str, Field(pattern=r"^\d+(\.\d+){0,3}([-+][0-9A-Za-z.]{1,20})?$")]


class CoarseLocation(BaseModel):
    """Where, at city level: a geohash of ≤ 5 characters and/or city and state."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    geohash: Annotated[str, AfterValidator(_coarse_geohash)] | None = None
    city: PlaceName | None = None
    state: PlaceName | None = None

    @model_validator(mode="before")
    @classmethod
    def _refuse_precise(cls, data: Any) -> Any:
        if isinstance(data, dict) and (fine := sorted(_FINE_LOCATION_KEYS & data.keys())):
            raise PydanticCustomError(
                "telemetry.location.coarse_only",
                "precise location ({keys}) is refused; send a geohash of at most 5 "
                "characters or a city and state", {"keys": ", ".join(fine)})
        return data

    @model_validator(mode="after")
    def _not_empty(self) -> CoarseLocation:
        if self.geohash is None and self.city is None and self.state is None:
            raise PydanticCustomError("telemetry.location.empty",
                                      "location needs a geohash, a city or a state; omit it "
                                      "when unknown")
        return self


class AppEvent(BaseModel):
    """One telemetry event from the app SDK."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_id: Opaque
    """Unique per event (a UUID or ULID from the SDK); the key for de-duplication."""
    principal: Annotated[str, AfterValidator(_principal_token)]
    session_id: Opaque
    event_type: EventType
    screen: Annotated[str, Field(pattern=r"^[a-z0-9_][a-z0-9_./-]{0,63}$")] | None = None
    """Screen route (``pay/confirm``), not a title or free text; required for ``screen_view``."""
    ts: AwareDatetime
    device: DeviceInfo
    location: CoarseLocation | None = None
    age_band: AgeBand | None = None
    is_minor: bool | None = None

    @model_validator(mode="after")
    def _consistent(self) -> AppEvent:
        if self.event_type == "screen_view" and self.screen is None:
            raise PydanticCustomError("telemetry.event.screen_missing",
                                      "a screen_view event needs a screen")
        if self.age_band is None and self.is_minor is None:
            raise PydanticCustomError(
                "telemetry.age.missing",
                "age_band or is_minor is required: children's events may not be kept")
        both = self.age_band is not None and self.is_minor is not None
        if both and (self.age_band == "under_18") != self.is_minor:
            raise PydanticCustomError("telemetry.age.inconsistent",
                                      "is_minor contradicts age_band")
        return self


APP_EVENT_SCHEMA = pa.schema([
    pa.field("event_id", pa.string(), nullable=False),
    pa.field("principal", pa.string(), nullable=False),
    pa.field("session_id", pa.string(), nullable=False),
    pa.field("event_type", pa.string(), nullable=False),
    pa.field("screen", pa.string()),
    pa.field("ts", pa.timestamp("us", tz="UTC"), nullable=False),
    pa.field("device_model", pa.string(), nullable=False),
    pa.field("device_os", pa.string(), nullable=False),
    pa.field("device_os_version", pa.string(), nullable=False),
    pa.field("app_version", pa.string(), nullable=False),
    pa.field("geohash", pa.string()),
    pa.field("city", pa.string()),
    pa.field("state", pa.string()),
    pa.field("age_band", pa.string()),
    pa.field("is_minor", pa.bool_()),
])
"""One flat row per event, as bronze keeps it."""


def _row(event: AppEvent) -> dict[str, Any]:
    location = event.location or CoarseLocation.model_construct()
    return {
        "event_id": event.event_id, "principal": event.principal,
        "session_id": event.session_id, "event_type": event.event_type,
        "screen": event.screen, "ts": event.ts.astimezone(UTC),
        "device_model": event.device.model, "device_os": event.device.os,
        "device_os_version": event.device.os_version, "app_version": event.device.app_version,
        "geohash": location.geohash, "city": location.city, "state": location.state,
        "age_band": event.age_band, "is_minor": event.is_minor,
    }


def events_table(events: Sequence[AppEvent], *,
                 extra: dict[str, pa.Array] | None = None) -> pa.Table:
    """Events as an Arrow table in :data:`APP_EVENT_SCHEMA`, plus ``extra`` columns."""
    table = pa.Table.from_pylist([_row(e) for e in events], schema=APP_EVENT_SCHEMA)
    for name, column in (extra or {}).items():
        table = table.append_column(name, column)
    return table


class FieldError(BaseModel):
    """Why one field of one event was refused: the field path, the rule id and the reason."""

    field: str
    rule: str
    reason: str


def event_errors(exc: ValidationError) -> list[FieldError]:
    """The errors of a refused event, without the input values pydantic would attach."""
    return [FieldError(field=".".join(str(part) for part in err["loc"]) or "(event)",
                       rule=err["type"] if err["type"].startswith("telemetry.")
                       else f"telemetry.event.{err['type']}",
                       reason=err["msg"])
            for err in exc.errors(include_input=False, include_url=False)]

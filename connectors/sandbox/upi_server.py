"""A PSP's UPI transaction API, imitated on loopback for development and tests.

It serves the transactions a bank or PSP would export: raw, with names, VPAs, mobiles and
accounts (that is the point of the sandbox). Its data lives under the workspace's ``sources/``
folder, which stands for the PSP's own system, outside nijta. Two feeds, same bearer key:

- ``GET /v1/transactions?page=&page_size=`` — the demo feed, numbered pages of the generator's
  records;
- ``GET /v1/switch/transactions?created_from=&page_size=&page_token=`` — the issuer-switch
  export (see :mod:`connectors.sandbox.upi_switch_export`), ordered by creation time and
  transaction id, walked with an opaque ``next_page_token``. A record is served only once it
  has arrived by the sandbox clock, so late records appear late, as on a real switch.

Usage::

    app = create_upi_sandbox_app(demo_parquet, api_key=key, switch_export=export_parquet,
                                 clock=lambda: now)
    with LoopbackServer(app) as server: ...
"""

from __future__ import annotations

import base64
import json
import math
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
from fastapi import Depends, FastAPI, Header, HTTPException, Query, Response

from connectors.sandbox.upi_switch_export import ARRIVAL_COLUMN, SWITCH_EXPORT_COLUMNS

__all__ = ["create_upi_sandbox_app"]

MAX_PAGE_SIZE = 50_000
SWITCH_PATH = "/v1/switch/transactions"


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-ready records: missing values as null, not NaN."""
    return frame.astype(object).where(frame.notna(), None).to_dict(orient="records")


def _json(body: Any) -> Response:
    # plain json.dumps: FastAPI's generic encoder costs ~0.5 s per 5,000-record page
    return Response(json.dumps(body), media_type="application/json")


def create_upi_sandbox_app(transactions: Path | None = None, *, api_key: str,
                           switch_export: Path | None = None,
                           clock: Callable[[], datetime] | None = None) -> FastAPI:
    """The sandbox app, guarded by a bearer key: the demo feed over a Parquet file of
    generated ``transactions``, and the switch feed over a Parquet ``switch_export`` as
    :func:`issuer_switch_export` builds it. ``clock`` (default: wall time) decides which switch
    records have arrived."""
    app = FastAPI(title="nijta UPI PSP sandbox")

    def authorized(authorization: Annotated[str | None, Header()] = None) -> None:
        expected = f"Bearer {api_key}"
        if authorization is None or not secrets.compare_digest(authorization, expected):
            raise HTTPException(status_code=401, detail="missing or wrong bearer key")

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    if transactions is not None:
        _add_demo_feed(app, pd.read_parquet(transactions), authorized)
    if switch_export is not None:
        _add_switch_feed(app, _SwitchFeed(pd.read_parquet(switch_export)),
                         clock or (lambda: datetime.now(UTC)), authorized)
    return app


def _add_demo_feed(app: FastAPI, frame: pd.DataFrame, authorized: Callable[..., None]) -> None:
    @app.get("/v1/transactions", dependencies=[Depends(authorized)])
    def transactions_page(
        page: Annotated[int, Query(ge=0)] = 0,
        page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 5000,
    ) -> Response:
        total = len(frame)
        start = page * page_size
        return _json({
            "page": page,
            "page_size": page_size,
            "total": total,
            "total_pages": max(1, math.ceil(total / page_size)),
            "items": _records(frame.iloc[start:start + page_size]),
        })


class _SwitchFeed:
    """The export sorted by (CreationTime, TransactionID), with a sortable key per row."""

    def __init__(self, export: pd.DataFrame) -> None:
        ordered = export.sort_values(["CreationTime", "TransactionID"], kind="stable")
        self.rows = ordered[list(SWITCH_EXPORT_COLUMNS)].reset_index(drop=True)
        # CreationTime is fixed-width RFC 3339 UTC, so text order is time order.
        self.keys = (self.rows["CreationTime"] + "|" + self.rows["TransactionID"]).to_numpy(
            dtype=str)
        arrived = pd.to_datetime(ordered[ARRIVAL_COLUMN], utc=True).dt.tz_convert(None)
        self.arrived = arrived.to_numpy(dtype="datetime64[ns]")

    def page(self, after_key: str, now: datetime, size: int) -> tuple[pd.DataFrame, str | None]:
        """Up to ``size`` arrived rows after ``after_key``, and the key to continue from."""
        start = int(np.searchsorted(self.keys, after_key, side="right"))
        now64 = np.datetime64(now.astimezone(UTC).replace(tzinfo=None), "ns")
        visible = start + np.flatnonzero(self.arrived[start:] <= now64)[:size]
        more = len(visible) == size
        return self.rows.iloc[visible], str(self.keys[visible[-1]]) if more else None


def _add_switch_feed(app: FastAPI, feed: _SwitchFeed, clock: Callable[[], datetime],
                     authorized: Callable[..., None]) -> None:
    @app.get(SWITCH_PATH, dependencies=[Depends(authorized)])
    def switch_page(
        created_from: datetime | None = None,
        page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 1000,
        page_token: str | None = None,
    ) -> Response:
        if page_token is not None:
            after = _decode_token(page_token)
        elif created_from is not None:
            if created_from.tzinfo is None:
                raise HTTPException(422, detail="created_from needs a time zone")
            # "<time>|" sorts just before every key of that second
            after = created_from.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") + "|"
        else:
            after = ""
        rows, next_key = feed.page(after, clock(), page_size)
        return _json({"items": _records(rows),
                      "next_page_token": None if next_key is None else _encode_token(next_key)})


def _encode_token(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode()


def _decode_token(token: str) -> str:
    try:
        key = base64.b64decode(token.encode(), altchars=b"-_", validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        key = ""
    if "|" not in key:
        raise HTTPException(400, detail="page_token is not one this API issued")
    return key

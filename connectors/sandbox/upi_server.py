"""A PSP's UPI transaction API, imitated on loopback for development and tests.

It serves, page by page, the transactions a bank or PSP would export: raw, with names, VPAs,
mobiles and accounts (that is the point of the sandbox). Its data lives under the workspace's
``sources/`` folder, which stands for the PSP's own system, outside nijta.
"""

from __future__ import annotations

import json
import math
import secrets
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
from fastapi import Depends, FastAPI, Header, HTTPException, Query, Response

__all__ = ["create_upi_sandbox_app"]

MAX_PAGE_SIZE = 50_000


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-ready records: missing values as null, not NaN."""
    return frame.astype(object).where(frame.notna(), None).to_dict(orient="records")


def create_upi_sandbox_app(transactions: Path, *, api_key: str) -> FastAPI:
    """The sandbox app over a Parquet file of transactions, guarded by a bearer key."""
    frame = pd.read_parquet(transactions)
    app = FastAPI(title="nijta UPI PSP sandbox")

    def authorized(authorization: Annotated[str | None, Header()] = None) -> None:
        expected = f"Bearer {api_key}"
        if authorization is None or not secrets.compare_digest(authorization, expected):
            raise HTTPException(status_code=401, detail="missing or wrong bearer key")

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/v1/transactions", dependencies=[Depends(authorized)])
    def transactions_page(
        page: Annotated[int, Query(ge=0)] = 0,
        page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 5000,
    ) -> Response:
        total = len(frame)
        start = page * page_size
        body = {
            "page": page,
            "page_size": page_size,
            "total": total,
            "total_pages": max(1, math.ceil(total / page_size)),
            "items": _records(frame.iloc[start:start + page_size]),
        }
        # plain json.dumps: FastAPI's generic encoder costs ~0.5 s per 5,000-record page
        return Response(json.dumps(body), media_type="application/json")

    return app

"""The web UI: server-rendered pages over the same queries as the API."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)

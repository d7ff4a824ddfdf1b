"""The JSON API under /api: every query of the CLI, with the same fields as its ``--format json`` rows."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from service.deps import Store

router = APIRouter(prefix="/api", tags=["api"])


class Health(BaseModel):
    status: str
    backend: str
    episodes: int


@router.get("/health", response_model=Health)
def health(store: Store) -> Health:
    """Whether the service is up, its backend, and how many episodes its store holds."""
    episodes = store.run("MATCH (e:Episode) RETURN count(e) AS n")[0]["n"]
    return Health(status="ok", backend=store.backend, episodes=episodes)

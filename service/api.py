"""The JSON API under /api: every query of the CLI, with the same fields as its ``--format json`` rows.

This module has what is about the whole graph (health, stats, paths); the routers beside it, one per
resource (api_technologies, api_companies, api_episodes), the rest. Each route is one call into queries/.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from queries.path import Path, path
from service.deps import Store
from service.params import DEFAULT_LIMIT, Limit
from service.problems import RESPONSES

router = APIRouter(prefix="/api", tags=["graph"], responses=RESPONSES)


class Health(BaseModel):
    status: str
    backend: str
    episodes: int


class Stats(BaseModel):
    """Nodes per label and relationships per type, as ``stackgraph stats --format json`` prints them."""

    nodes: dict[str, int]
    relationships: dict[str, int]


@router.get("/health", response_model=Health)
def health(store: Store) -> Health:
    """Whether the service is up, its backend, and how many episodes its store holds."""
    episodes = store.run("MATCH (e:Episode) RETURN count(e) AS n")[0]["n"]
    return Health(status="ok", backend=store.backend, episodes=episodes)


@router.get("/stats", response_model=Stats)
def stats(store: Store) -> Stats:
    """Nodes per label and relationships per type."""
    return Stats(**store.counts())


@router.get("/path", response_model=list[Path])
def shortest_paths(store: Store,
                   start: Annotated[str, Query(alias="from", min_length=1, description="A company, technology, person "
                                               "or episode; prefix the kind to choose: technology:logflare")],
                   end: Annotated[str, Query(alias="to", min_length=1, description="As from")],
                   through_podcast: bool = False, limit: Limit = DEFAULT_LIMIT) -> list[Path]:
    """The shortest paths (up to 6 hops) between two named things, as ``stackgraph path``."""
    return path(store, start, end, limit=limit, through_podcast=through_podcast)

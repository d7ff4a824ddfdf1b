"""/api/technologies and /api/pairs: what a technology is, who uses it, what goes with it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from queries.cooccurring import Cooccurrence, Pair, cooccurring, cooccurring_pairs
from queries.hosting import Hosting, hosting
from queries.profiles import take
from queries.related import Related, related
from queries.technologies import TechnologyMatch, TechnologyProfile, find_technologies, technology_profile
from queries.timeline import Appearance, timeline
from queries.who_uses import Usage, who_uses
from service.deps import Store
from service.params import DEFAULT_LIMIT, Limit
from service.problems import RESPONSES

router = APIRouter(prefix="/api", tags=["technologies"], responses=RESPONSES)

Name = Annotated[str, Path(max_length=200,
                           description="A technology's name, slug or alias, any case: PostgreSQL, postgres, pg")]
MinCount = Annotated[int, Query(ge=1, le=1_000_000_000, description="Least number of companies a pair must share.")]


@router.get("/technologies", response_model=list[TechnologyMatch])
def technologies(store: Store, q: Annotated[str, Query(max_length=200, description="A name, slug or alias, "
                                                        "or the start of one; empty: every technology")] = "",
                 limit: Limit = DEFAULT_LIMIT) -> list[TechnologyMatch]:
    """Technologies matching a name or the start of one, with category and how many companies use each."""
    return find_technologies(store, q, limit=limit)


@router.get("/technologies/{name}", response_model=TechnologyProfile)
def technology(store: Store, name: Name) -> TechnologyProfile:
    """The technology: category, aliases, homepage if known, and how many companies use it."""
    return technology_profile(store, name)


@router.get("/technologies/{name}/companies", response_model=list[Usage])
def companies(store: Store, name: Name, limit: Limit = DEFAULT_LIMIT) -> list[Usage]:
    """The companies that use it, newest episode first, as ``stackgraph who-uses``."""
    return take(who_uses(store, name), limit)


@router.get("/technologies/{name}/cooccurring", response_model=list[Cooccurrence])
def cooccurring_with(store: Store, name: Name,
                     category: Annotated[str | None, Query(max_length=200, description="Keep only technologies "
                                                           "of this category (e.g. database)")] = None,
                     min_count: MinCount = 1, limit: Limit = DEFAULT_LIMIT) -> list[Cooccurrence]:
    """Technologies used by the same companies, with support, confidence, lift and Jaccard, as
    ``stackgraph cooccurring``."""
    return cooccurring(store, name, category=category, min_count=min_count, limit=limit)


@router.get("/technologies/{name}/hosting", response_model=list[Hosting])
def hosting_of(store: Store, name: Name, limit: Limit = DEFAULT_LIMIT) -> list[Hosting]:
    """The hosting providers its companies run on, counted, as ``stackgraph hosting``."""
    return hosting(store, name, limit=limit)


@router.get("/technologies/{name}/related", response_model=list[Related])
def related_to(store: Store, name: Name, limit: Limit = DEFAULT_LIMIT) -> list[Related]:
    """What it touches: companies using or hosted on it, technologies named with it in a topic, as
    ``stackgraph related``."""
    return related(store, name, limit=limit)


@router.get("/technologies/{name}/timeline", response_model=list[Appearance])
def timeline_of(store: Store, name: Name, limit: Limit = DEFAULT_LIMIT) -> list[Appearance]:
    """The episodes that bring it up, oldest first, with topic timestamps, as ``stackgraph timeline``."""
    return timeline(store, name, limit=limit)


@router.get("/pairs", response_model=list[Pair])
def pairs(store: Store, min_count: MinCount = 2, limit: Limit = DEFAULT_LIMIT) -> list[Pair]:
    """The strongest pairs in the whole graph by lift, as ``stackgraph cooccurring --all``."""
    return cooccurring_pairs(store, min_count=min_count, limit=limit)

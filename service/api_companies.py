"""/api/companies and /api/similar: a company's stack, who resembles it, what it might adopt."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, HTTPException, Query

from queries.company import CompanyProfile, company_profile
from queries.recommend import Recommendation, recommend
from queries.similar import Similarity, similar, similar_to_stack
from service.deps import Projection, Store
from service.params import DEFAULT_LIMIT, Limit, Ranking
from service.problems import RESPONSES

router = APIRouter(prefix="/api", tags=["companies"], responses=RESPONSES)

Name = Annotated[str, Path(max_length=200, description="A company's name or slug, any case: GoRails, remote-com")]


@router.get("/companies/{name}", response_model=CompanyProfile)
def company(store: Store, name: Name) -> CompanyProfile:
    """The company: its stack (as ``stackgraph stack``), the episodes featuring it, its guests and website."""
    return company_profile(store, name)


@router.get("/companies/{name}/similar", response_model=list[Similarity])
def similar_companies(store: Store, projection: Projection, name: Name, by: Ranking = "jaccard",
                      limit: Limit = DEFAULT_LIMIT) -> list[Similarity]:
    """Companies whose stacks resemble its stack, with what they share and what differs, as ``stackgraph similar``."""
    return similar(store, name, by=by, limit=limit, projection=projection)


@router.get("/companies/{name}/recommendations", response_model=list[Recommendation])
def recommendations(store: Store, projection: Projection, name: Name,
                    neighbours: Annotated[int, Query(ge=1, le=1000, description="How many of the most similar "
                                                     "companies to draw from.")] = 3,
                    by: Ranking = "jaccard", limit: Limit = DEFAULT_LIMIT) -> list[Recommendation]:
    """Technologies its most similar companies use and it does not, as ``stackgraph recommend``."""
    return recommend(store, name, neighbours=neighbours, by=by, limit=limit, projection=projection)


@router.get("/similar", response_model=list[Similarity])
def similar_to(store: Store, projection: Projection,
               stack: Annotated[str, Query(max_length=10_000, description="Comma-separated technologies: "
                                           "rails,postgres,redis")],
               by: Ranking = "jaccard", limit: Limit = DEFAULT_LIMIT) -> list[Similarity]:
    """Companies whose stacks resemble a stack that is not in the graph, as ``stackgraph similar --stack``."""
    technologies = [name for name in stack.split(",") if name.strip()]
    if not technologies:
        raise HTTPException(422, "stack names no technology; give a comma-separated list such as rails,postgres")
    return similar_to_stack(store, technologies, by=by, limit=limit, projection=projection)

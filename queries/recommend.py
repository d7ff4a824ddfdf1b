"""Technologies a company might adopt: what its most similar companies use and it does not.

The score of a technology is the sum of the similarities (Jaccard by default, or
IDF cosine) of the ``neighbours`` most similar companies that use it.

>>> [(r.name, r.company_names, round(r.score, 2)) for r in recommend(store, "Bolt")]   # Acme 2/3, Coil 1/3
[('Ruby on Rails', ['Acme'], 0.67), ('Elixir', ['Coil'], 0.33)]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from graph.store import GraphStore
from queries.names import resolve_company
from queries.profiles import company_stack, take, technologies
from queries.similar import ranked

if TYPE_CHECKING:
    from queries.projection import StackProjection


@dataclass(frozen=True)
class Recommendation:
    name: str
    technology: str  # its slug
    category: str
    score: float
    companies: int  # how many of the neighbours use it
    company_names: list[str]  # those neighbours, most similar first


def recommend(
    store: GraphStore, company: str, *, neighbours: int = 3, by: str = "jaccard", limit: int | None = None,
    projection: StackProjection | None = None,
) -> list[Recommendation]:
    """Technologies the ``neighbours`` most similar companies use and ``company`` does not.

    Ordered by score, then the number of companies behind it (both descending), then name.
    ``projection``: as for :func:`queries.similar.similar`.
    """
    slug = resolve_company(store, company)
    stack = company_stack(store, slug)
    nearest = ranked(store, stack, slug, by, max(neighbours, 0), projection)
    scores: dict[str, float] = {}
    behind: dict[str, list[str]] = {}
    for neighbour, other in nearest:
        weight = neighbour.jaccard if by == "jaccard" else neighbour.cosine
        for technology in other - stack:
            scores[technology] = scores.get(technology, 0.0) + weight
            behind.setdefault(technology, []).append(neighbour.name)
    names, categories = technologies(store, scores)
    rows = [
        Recommendation(names.get(t, t), t, categories.get(t, "other"), score, len(behind[t]), behind[t])
        for t, score in scores.items()
    ]
    rows.sort(key=lambda r: (-round(r.score, 12), -r.companies, r.name.lower(), r.technology))
    return take(rows, limit)

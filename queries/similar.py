"""Companies with similar stacks: Jaccard of the technology sets and IDF-weighted cosine.

idf(t) = log(N / df(t)) over the N companies, df(t) the companies using t, so a
technology nearly everyone uses (PostgreSQL) counts for little. Only companies
sharing at least one technology are listed.

>>> [(s.company, s.shared_count) for s in similar(store, "Remote.com", limit=1)]   # doctest: +SKIP
[('ScrollKeeper', 9)]
>>> similar_to_stack(store, ["rails", "postgres", "redis"], by="cosine", limit=1)  # doctest: +SKIP
[Similarity(company='GoRails', ...)]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from graph.store import GraphStore
from loaders.catalog import Catalog
from queries.names import resolve_company, resolve_technology
from queries.profiles import Profiles, take

RANKINGS = ("jaccard", "cosine")


@dataclass(frozen=True)
class Similarity:
    company: str
    slug: str
    jaccard: float
    cosine: float
    shared_count: int
    shared: list[str]
    only_here: list[str]  # in the company (or stack) asked about, not in this one
    only_there: list[str]  # in this company, not in the one asked about


def rank(profiles: Profiles, stack: frozenset[str], exclude: str | None, by: str) -> list[Similarity]:
    """Every company sharing a technology with ``stack``, best first by ``by`` (then the other score, then name)."""
    if by not in RANKINGS:
        raise ValueError(f"unknown ranking {by!r}; choose one of: {', '.join(RANKINGS)}")
    rows = []
    for slug, other in profiles.stacks.items():
        if slug == exclude or not stack & other:
            continue
        rows.append(
            Similarity(
                profiles.company_names[slug], slug, profiles.jaccard(stack, other), profiles.cosine(stack, other),
                len(stack & other), profiles.names(stack & other), profiles.names(stack - other),
                profiles.names(other - stack),
            )
        )
    first, second = (lambda s: s.jaccard, lambda s: s.cosine) if by == "jaccard" else (lambda s: s.cosine, lambda s: s.jaccard)
    rows.sort(key=lambda s: (-round(first(s), 12), -round(second(s), 12), s.company.lower(), s.slug))
    return rows


def similar(store: GraphStore, company: str, *, by: str = "jaccard", limit: int | None = None) -> list[Similarity]:
    """Companies whose stacks resemble the stack of ``company`` (name or slug, any case)."""
    slug = resolve_company(store, company)
    profiles = Profiles.load(store)
    return take(rank(profiles, profiles.stacks[slug], slug, by), limit)


def stack_slugs(store: GraphStore, technologies: Iterable[str], catalog: Catalog | None = None) -> frozenset[str]:
    """Catalog slugs for a stack typed by a user; a name neither the catalog nor the store knows is an UnknownName."""
    catalog = catalog or Catalog.default()
    slugs = set()
    for name in (t.strip() for t in technologies):
        if name:
            entry = catalog.resolve(name)
            slugs.add(entry.slug if entry else resolve_technology(store, name, catalog))
    return frozenset(slugs)


def similar_to_stack(
    store: GraphStore, technologies: Iterable[str], *, by: str = "jaccard", limit: int | None = None
) -> list[Similarity]:
    """Companies whose stacks resemble a stack that is not in the graph, e.g. ``["rails", "postgres"]``."""
    stack = stack_slugs(store, technologies)
    return take(rank(Profiles.load(store), stack, None, by), limit)

"""Companies with similar stacks: Jaccard of the technology sets and IDF-weighted cosine.

idf(t) = log(N / df(t)) over the N companies, df(t) the companies using t, so a
technology nearly everyone uses (PostgreSQL) counts for little. Only companies
sharing at least one technology are listed.

>>> [(s.name, s.shared_count, round(s.jaccard, 2)) for s in similar(store, "Acme")]   # Dune shares nothing
[('Bolt', 2, 0.67), ('Coil', 1, 0.25)]
>>> [(s.name, round(s.cosine, 2)) for s in similar_to_stack(store, ["rails", "postgres", "redis"], by="cosine")]
[('Acme', 1.0), ('Bolt', 0.48), ('Coil', 0.04)]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from domain.catalog import Catalog
from graph.store import GraphStore
from queries.names import resolve_company, resolve_technology
from queries.profiles import Neighbourhood, Weights, company_stack, jaccard, take
from queries.profiles import technologies as technology_details

if TYPE_CHECKING:  # the projection imports numpy, which a plain CLI call never needs
    from queries.projection import StackProjection

RANKINGS = ("jaccard", "cosine")


@dataclass(frozen=True)
class Similarity:
    name: str
    company: str  # its slug
    jaccard: float
    cosine: float
    shared_count: int
    shared: list[str]
    only_here: list[str]  # in the company (or stack) asked about, not in this one
    only_there: list[str]  # in this company, not in the one asked about


def display_names(names: dict[str, str], technologies: Iterable[str]) -> list[str]:
    """Display names (the id when the store has none), sorted case-insensitively."""
    return sorted((names.get(t, t) for t in technologies), key=lambda n: (n.lower(), n))


def ranked(
    store: GraphStore,
    stack: frozenset[str],
    exclude: str | None,
    by: str,
    limit: int | None = None,
    projection: StackProjection | None = None,
) -> list[tuple[Similarity, frozenset[str]]]:
    """The first ``limit`` companies sharing a technology with ``stack``, best first by ``by`` (then the other
    score, then name), each with its own stack.

    Only those companies are read (not every company), and the document frequencies only of the
    technologies whose IDF a returned or tied row needs: ranked by Jaccard, the cosine only
    breaks ties, so it is computed for the rows up to ``limit`` and those tied with the last.
    ``projection`` (ranked by Jaccard, with a limit): picks those companies in memory instead of Cypher.
    """
    if by not in RANKINGS:
        raise ValueError(f"unknown ranking {by!r}; choose one of: {', '.join(RANKINGS)}")
    take([], limit)  # a negative limit is an error before any query
    if limit == 0:
        return []
    in_memory: StackProjection | None = None
    if by == "jaccard" and limit is not None:
        if projection is not None and projection.refresh(store):
            in_memory = projection
            hood = Neighbourhood.of(store, projection.best_by_jaccard(stack, exclude, limit))
        else:
            hood = _best_by_jaccard(store, stack, exclude, limit)
    else:
        hood = Neighbourhood.load(store, stack, exclude)
    scores = {slug: jaccard(stack, other) for slug, other in hood.stacks.items()}
    needed = list(hood.stacks)
    if by == "jaccard" and limit is not None and limit < len(needed):
        needed.sort(key=lambda slug: -round(scores[slug], 12))
        last = round(scores[needed[limit - 1]], 12)
        needed = [slug for slug in needed if round(scores[slug], 12) >= last]
    weighed = stack.union(*(hood.stacks[slug] for slug in needed))
    weights = Weights(store, weighed, in_memory.users_of(weighed) if in_memory else None)
    rows = [(slug, scores[slug], weights.cosine(stack, hood.stacks[slug])) for slug in needed]

    def order(row: tuple[str, float, float]) -> tuple[float, float, str, str]:
        slug, jaccard_score, cosine_score = row
        first, second = (jaccard_score, cosine_score) if by == "jaccard" else (cosine_score, jaccard_score)
        return -round(first, 12), -round(second, 12), hood.company_names[slug].lower(), slug

    rows.sort(key=order)
    kept = take(rows, limit)
    names, _ = technology_details(store, stack.union(*(hood.stacks[slug] for slug, _, _ in kept)))
    result = []
    for slug, jaccard_score, cosine_score in kept:
        other = hood.stacks[slug]
        result.append((
            Similarity(
                hood.company_names[slug], slug, jaccard_score, cosine_score, len(stack & other),
                display_names(names, stack & other), display_names(names, stack - other),
                display_names(names, other - stack),
            ),
            other,
        ))
    return result


def _best_by_jaccard(store: GraphStore, stack: frozenset[str], exclude: str | None, limit: int) -> Neighbourhood:
    """The companies that can be among the first ``limit`` by Jaccard: the best ones, read until the
    rows read end below the ``limit``-th (rounded as ranked), so that no tie with it is left unread."""
    top = limit + 16
    while True:
        hood = Neighbourhood.load(store, stack, exclude, top)
        if hood.complete:
            return hood
        scores = sorted((round(jaccard(stack, other), 12) for other in hood.stacks.values()), reverse=True)
        if scores[-1] < scores[limit - 1]:
            return hood
        top *= 4


def similar(
    store: GraphStore, company: str, *, by: str = "jaccard", limit: int | None = None,
    projection: StackProjection | None = None,
) -> list[Similarity]:
    """Companies whose stacks resemble the stack of ``company`` (name or slug, any case).

    ``projection``: a :class:`queries.projection.StackProjection` of ``store`` that the caller keeps
    between questions; the same answers, the candidates picked in memory in milliseconds.
    """
    slug = resolve_company(store, company)
    return [row for row, _ in ranked(store, company_stack(store, slug), slug, by, limit, projection)]


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
    store: GraphStore, technologies: Iterable[str], *, by: str = "jaccard", limit: int | None = None,
    projection: StackProjection | None = None,
) -> list[Similarity]:
    """Companies whose stacks resemble a stack that is not in the graph, e.g. ``["rails", "postgres"]``."""
    return [row for row, _ in ranked(store, stack_slugs(store, technologies), None, by, limit, projection)]

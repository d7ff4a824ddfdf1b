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
from domain.catalog import Catalog
from queries.names import resolve_company, resolve_technology
from queries.profiles import Neighbourhood, Profiles, Weights, company_stack, take
from queries.profiles import technologies as technology_details
from queries.stack_matrix import for_repeated_questions

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


def display_names(names: dict[str, str], technologies: Iterable[str]) -> list[str]:
    """Profiles.names: display names (the id when the store has none), sorted case-insensitively."""
    return sorted((names.get(t, t) for t in technologies), key=lambda n: (n.lower(), n))


def ranked(
    store: GraphStore, stack: frozenset[str], exclude: str | None, by: str, limit: int | None = None
) -> list[tuple[Similarity, frozenset[str]]]:
    """The first ``limit`` companies sharing a technology with ``stack``, best first by ``by`` (then the other
    score, then name), each with its own stack.

    Only those companies are read (not every company), and the document frequencies only of the
    technologies whose IDF a returned or tied row needs: ranked by Jaccard, the cosine only
    breaks ties, so it is computed for the rows up to ``limit`` and those tied with the last.
    """
    if by not in RANKINGS:
        raise ValueError(f"unknown ranking {by!r}; choose one of: {', '.join(RANKINGS)}")
    take([], limit)  # a negative limit is an error before any query
    if limit == 0:
        return []
    matrix = None
    if by == "jaccard" and limit is not None:
        # From a store's second question on, an in-memory projection of the stacks picks the best.
        if (matrix := for_repeated_questions(store)) is not None:
            hood = Neighbourhood.of(store, stack, matrix.best_by_jaccard(stack, exclude, limit))
        else:
            hood = _best_by_jaccard(store, stack, exclude, limit)
    else:
        hood = Neighbourhood.load(store, stack, exclude)
    jaccard = {slug: Profiles.jaccard(stack, other) for slug, other in hood.stacks.items()}
    needed = list(hood.stacks)
    if by == "jaccard" and limit is not None and limit < len(needed):
        needed.sort(key=lambda slug: -round(jaccard[slug], 12))
        last = round(jaccard[needed[limit - 1]], 12) if limit else None
        needed = [slug for slug in needed if last is not None and round(jaccard[slug], 12) >= last]
    weighed = stack.union(*(hood.stacks[slug] for slug in needed))
    weights = Weights(store, weighed, matrix.users_of(weighed) if matrix else None)
    scores = [(slug, jaccard[slug], weights.cosine(stack, hood.stacks[slug])) for slug in needed]
    first, second = (1, 2) if by == "jaccard" else (2, 1)
    scores.sort(key=lambda s: (-round(s[first], 12), -round(s[second], 12), hood.company_names[s[0]].lower(), s[0]))
    kept = take(scores, limit)
    names, _ = technology_details(store, stack.union(*(hood.stacks[slug] for slug, _, _ in kept)))
    rows = []
    for slug, jaccard_score, cosine_score in kept:
        other = hood.stacks[slug]
        rows.append((
            Similarity(
                hood.company_names[slug], slug, jaccard_score, cosine_score, len(stack & other),
                display_names(names, stack & other), display_names(names, stack - other),
                display_names(names, other - stack),
            ),
            other,
        ))
    return rows


def _best_by_jaccard(store: GraphStore, stack: frozenset[str], exclude: str | None, limit: int) -> Neighbourhood:
    """The companies that can be among the first ``limit`` by Jaccard: the best ones, read until the
    rows read end below the ``limit``-th (rounded as ranked), so that no tie with it is left unread."""
    top = limit + 16
    while True:
        hood = Neighbourhood.load(store, stack, exclude, top)
        if hood.complete:
            return hood
        scores = sorted((round(Profiles.jaccard(stack, other), 12) for other in hood.stacks.values()), reverse=True)
        if scores[-1] < scores[limit - 1]:
            return hood
        top *= 4


def rank(
    store: GraphStore, stack: frozenset[str], exclude: str | None, by: str, limit: int | None = None
) -> list[Similarity]:
    """The first ``limit`` companies sharing a technology with ``stack``, best first by ``by`` (then the other score, then name)."""
    return [similarity for similarity, _ in ranked(store, stack, exclude, by, limit)]


def similar(store: GraphStore, company: str, *, by: str = "jaccard", limit: int | None = None) -> list[Similarity]:
    """Companies whose stacks resemble the stack of ``company`` (name or slug, any case)."""
    slug = resolve_company(store, company)
    return rank(store, company_stack(store, slug), slug, by, limit)


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
    return rank(store, stack, None, by, limit)

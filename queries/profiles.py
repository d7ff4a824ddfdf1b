"""Companies as sets of technologies, read around one stack: the input of the similarity questions.

Only the companies sharing a technology with the stack asked about are read, and the global
counts (N, document frequencies) only for the technologies that matter. Counts come from
Cypher; the ratios (Jaccard, IDF, cosine) are computed here in Python, so the same statements
run unchanged on FalkorDB and Neo4j.

>>> sorted(users(store, ["postgres", "redis", "rails", "go"]).items())   # no company uses go
[('postgres', 3), ('rails', 1), ('redis', 2)]
>>> jaccard(company_stack(store, "acme"), company_stack(store, "coil"))   # {postgres} of 4 technologies
0.25
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Iterable, TypeVar

from domain.cooccurrence import is_fresh
from graph.store import GraphStore, Row

T = TypeVar("T")

TOTAL = "MATCH (c:Company) RETURN count(c) AS companies"

STACK = """
MATCH (c:Company {id: $company})-[:USES]->(t:Technology)
RETURN DISTINCT t.id AS id
"""

# Sizes first, stacks only for the companies kept ({limit}: empty, or a LIMIT on the best by Jaccard).
# Per record (company x shared technology: ~400k at 100k episodes) nothing but the count; the
# subject is left out per company, and a company's stack size is its USES degree, not a walk of
# its stack. USES is one relationship per company and technology (the loader MERGEs it).
CANDIDATES = """
MATCH (t:Technology)<-[:USES]-(o:Company)
WHERE t.id IN $stack
WITH o, count(t) AS shared
WHERE $exclude IS NULL OR o.id <> $exclude
WITH o, toFloat(shared) / ($size + size([(o)-[:USES]->() | 1]) - shared) AS jaccard
ORDER BY jaccard DESC {limit}
MATCH (o)-[:USES]->(x:Technology)
WITH o, jaccard, collect(x.id) AS technologies
RETURN o.id AS id, o.name AS name, technologies, jaccard
ORDER BY jaccard DESC
"""

# The stacks of companies chosen elsewhere (by a queries.projection.StackProjection).
STACKS_OF = """
UNWIND $ids AS id
MATCH (o:Company {id: id})-[:USES]->(x:Technology)
RETURN o.id AS id, o.name AS name, collect(x.id) AS technologies
"""

# A technology's users: the co-occurrence index's diagonal when it is fresh, else its USES degree
# (FalkorDB walks the edges for it: 160 ms for a typical stack's technologies at 100k).
INDEXED_USERS = """
MATCH (t:Technology)-[r:CO_OCCURS]->(t)
WHERE t.id IN $ids
RETURN t.id AS id, r.companies AS companies
"""

USERS = """
MATCH (t:Technology)
WHERE t.id IN $ids
RETURN t.id AS id, size([(t)<-[:USES]-() | 1]) AS companies
"""

NAMED = """
MATCH (t:Technology)
WHERE t.id IN $ids
RETURN t.id AS id, t.name AS name, t.category AS category
"""


def take(rows: list[T], limit: int | None) -> list[T]:
    """The first ``limit`` rows; ``None`` keeps all, 0 keeps none."""
    if limit is None:
        return rows
    if limit < 0:
        raise ValueError("limit must be 0 or more")
    return rows[:limit]


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def idf_cosine(idf_of: Callable[[str], float], a: frozenset[str], b: frozenset[str]) -> float:
    """Cosine of the two sets as binary vectors weighted by ``idf_of``."""
    idf = {t: idf_of(t) for t in a | b}
    dot = sum(idf[t] ** 2 for t in a & b)
    norm_a = math.sqrt(sum(idf[t] ** 2 for t in a))
    norm_b = math.sqrt(sum(idf[t] ** 2 for t in b))
    return dot / (norm_a * norm_b) if norm_a and norm_b else 0.0


def total_companies(store: GraphStore) -> int:
    return store.run(TOTAL)[0]["companies"]


def company_stack(store: GraphStore, company: str) -> frozenset[str]:
    """The technology ids of the company with id ``company``."""
    return frozenset(row["id"] for row in store.run(STACK, {"company": company}) if row["id"] is not None)


def users(store: GraphStore, technologies: Iterable[str], *, indexed: bool | None = None) -> dict[str, int]:
    """Companies using each of ``technologies`` (absent: none), in one query over those technologies only.

    ``indexed``: whether the co-occurrence index is fresh, when the caller has asked already.
    """
    ids = sorted(set(technologies))
    if not ids:
        return {}
    query = INDEXED_USERS if (indexed if indexed is not None else is_fresh(store)) else USERS
    return {row["id"]: row["companies"] for row in store.run(query, {"ids": ids}) if row["companies"]}


def technologies(store: GraphStore, ids: Iterable[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Display names and categories of ``ids`` (the id and "other" where the store has none; an id
    not in the store has neither)."""
    ids = sorted(set(ids))
    names, categories = {}, {}
    for row in store.run(NAMED, {"ids": ids}) if ids else []:
        names[row["id"]] = row["name"] or row["id"]
        categories[row["id"]] = row["category"] or "other"
    return names, categories


@dataclass(frozen=True)
class Neighbourhood:
    """Companies sharing at least one technology with a stack, with their stacks."""

    stacks: dict[str, frozenset[str]]
    company_names: dict[str, str]
    complete: bool = True  # False: only the ``top`` best by Jaccard were read

    @classmethod
    def load(
        cls, store: GraphStore, stack: frozenset[str], exclude: str | None = None, top: int | None = None
    ) -> Neighbourhood:
        """All of them (``exclude`` left out), or the ``top`` best by Jaccard, ordered in Cypher so
        that only those rows travel."""
        if not stack:
            return cls({}, {})
        query = CANDIDATES.format(limit="LIMIT $top" if top is not None else "")
        rows = store.run(query, {"stack": sorted(stack), "exclude": exclude, "size": len(stack), "top": top})
        return cls(*cls._read(rows), top is None or len(rows) < top)

    @classmethod
    def of(cls, store: GraphStore, companies: list[str]) -> Neighbourhood:
        """The given companies (ids) only, chosen elsewhere, with their stacks."""
        return cls(*cls._read(store.run(STACKS_OF, {"ids": companies}) if companies else []))

    @staticmethod
    def _read(rows: list[Row]) -> tuple[dict[str, frozenset[str]], dict[str, str]]:
        stacks = {row["id"]: frozenset(t for t in row["technologies"] if t is not None) for row in rows}
        return stacks, {row["id"]: row["name"] or row["id"] for row in rows}


class Weights:
    """IDF weights, log(N / df), for the technologies asked about only; 0.0 for a technology no company uses."""

    def __init__(self, store: GraphStore, technologies: Iterable[str], frequencies: dict[str, int] | None = None):
        """``frequencies``: the companies using each technology, when the caller holds them already."""
        self.companies = total_companies(store)
        self.frequencies = users(store, technologies) if frequencies is None else frequencies
        self._idf: dict[str, float] = {}

    def idf(self, technology: str) -> float:
        if technology not in self._idf:
            df = self.frequencies.get(technology, 0)
            self._idf[technology] = math.log(self.companies / df) if df else 0.0
        return self._idf[technology]

    def cosine(self, a: frozenset[str], b: frozenset[str]) -> float:
        return idf_cosine(self.idf, a, b)

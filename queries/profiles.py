"""Companies as sets of technologies: the shared input of the similarity questions.

Counts come from Cypher; the ratios (Jaccard, IDF, cosine) are computed here in
Python, so the same statement runs unchanged on FalkorDB and Neo4j.

>>> profiles = Profiles.load(store)                  # doctest: +SKIP
>>> profiles.jaccard(profiles.stacks["remote-com"], profiles.stacks["scrollkeeper"])
0.4736842105263158
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, TypeVar

from graph.store import GraphStore

COMPANY_STACKS = """
MATCH (c:Company)
OPTIONAL MATCH (c)-[:USES]->(t:Technology)
RETURN c.id AS id, c.name AS name, collect(DISTINCT t.id) AS technologies
"""

TECHNOLOGIES = """
MATCH (t:Technology)
RETURN t.id AS id, t.name AS name, t.category AS category
"""

T = TypeVar("T")


def take(rows: list[T], limit: int | None) -> list[T]:
    """The first ``limit`` rows; ``None`` keeps all, 0 keeps none."""
    if limit is None:
        return rows
    if limit < 0:
        raise ValueError("limit must be 0 or more")
    return rows[:limit]


@dataclass(frozen=True)
class Profiles:
    """Every company's technology set, with the names needed to print them."""

    stacks: dict[str, frozenset[str]]
    company_names: dict[str, str]
    technology_names: dict[str, str]
    categories: dict[str, str]

    @classmethod
    def load(cls, store: GraphStore) -> Profiles:
        stacks, company_names = {}, {}
        for row in store.run(COMPANY_STACKS):
            stacks[row["id"]] = frozenset(t for t in row["technologies"] if t is not None)
            company_names[row["id"]] = row["name"] or row["id"]
        names, categories = {}, {}
        for row in store.run(TECHNOLOGIES):
            names[row["id"]] = row["name"] or row["id"]
            categories[row["id"]] = row["category"] or "other"
        return cls(stacks, company_names, names, categories)

    @property
    def companies(self) -> int:
        return len(self.stacks)

    def document_frequency(self, technology: str) -> int:
        return sum(1 for stack in self.stacks.values() if technology in stack)

    def idf(self, technology: str) -> float:
        """log(N / df); a technology no company uses has no weight (0.0)."""
        df = self.document_frequency(technology)
        return math.log(self.companies / df) if df else 0.0

    @staticmethod
    def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
        union = len(a | b)
        return len(a & b) / union if union else 0.0

    def cosine(self, a: frozenset[str], b: frozenset[str]) -> float:
        """Cosine of the two sets as binary vectors weighted by IDF."""
        idf = {t: self.idf(t) for t in a | b}
        dot = sum(idf[t] ** 2 for t in a & b)
        norm_a = math.sqrt(sum(idf[t] ** 2 for t in a))
        norm_b = math.sqrt(sum(idf[t] ** 2 for t in b))
        return dot / (norm_a * norm_b) if norm_a and norm_b else 0.0

    def names(self, technologies: Iterable[str]) -> list[str]:
        """Display names, sorted case-insensitively."""
        return sorted((self.technology_names.get(t, t) for t in technologies), key=lambda n: (n.lower(), n))

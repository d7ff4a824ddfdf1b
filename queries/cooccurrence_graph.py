"""A technology's co-occurrence neighbourhood as a small graph: it, the technologies most often used
with it, and how many companies use each pair of them (the edges of a drawing).

>>> around = cooccurrence_graph(store, "postgres", limit=2)
>>> [node.name for node in around.nodes], [(e.a, e.b, e.shared) for e in around.edges]
(['PostgreSQL', 'Redis', 'Elixir'], [('postgres', 'redis', 2), ('elixir', 'postgres', 1)])
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.cooccurrence import is_fresh
from graph.store import GraphStore
from queries.cooccurring import cooccurring
from queries.names import resolve_technology
from queries.profiles import technologies

# Between the technologies drawn only: each pair once (a.id < b.id), as the index stores them.
INDEXED_EDGES = """
MATCH (a:Technology)-[r:CO_OCCURS]->(b:Technology)
WHERE a.id IN $ids AND b.id IN $ids AND a.id < b.id
RETURN a.id AS a, b.id AS b, r.companies AS shared
"""

EDGES = """
MATCH (a:Technology)<-[:USES]-(c:Company)-[:USES]->(b:Technology)
WHERE a.id IN $ids AND b.id IN $ids AND a.id < b.id
RETURN a.id AS a, b.id AS b, count(DISTINCT c) AS shared
"""


@dataclass(frozen=True)
class Node:
    id: str  # the slug
    name: str
    category: str
    shared: int | None  # companies using it with the centre; None for the centre


@dataclass(frozen=True)
class Edge:
    a: str  # slugs, a < b
    b: str
    shared: int  # companies using both


@dataclass(frozen=True)
class CooccurrenceGraph:
    nodes: list[Node]  # the centre first, then by shared companies
    edges: list[Edge]  # by shared companies, most first, then by slugs


def cooccurrence_graph(store: GraphStore, technology: str, *, limit: int = 15) -> CooccurrenceGraph:
    """The technology ``technology`` names and the ``limit`` technologies used most with it, with the
    companies each pair of them shares."""
    slug = resolve_technology(store, technology)
    others = cooccurring(store, slug, limit=limit)
    names, categories = technologies(store, [slug])
    nodes = [Node(slug, names.get(slug, slug), categories.get(slug, "other"), None)]
    nodes += [Node(o.technology, o.name, o.category, o.shared) for o in others]
    ids = sorted(node.id for node in nodes)
    rows = store.run(INDEXED_EDGES if is_fresh(store) else EDGES, {"ids": ids}) if len(ids) > 1 else []
    edges = sorted((Edge(row["a"], row["b"], row["shared"]) for row in rows), key=lambda e: (-e.shared, e.a, e.b))
    return CooccurrenceGraph(nodes, edges)

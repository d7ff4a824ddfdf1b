"""How two named things connect: the shortest paths between them, as readable chains.

Either end may be a company, technology, person or episode (see
:func:`queries.names.resolve_entity`); paths follow relationships either way,
up to ``MAX_HOPS`` of them.

>>> [p.chain for p in path(store, "Elixir", "PostgreSQL")]
['Elixir <-USES- Coil -USES-> PostgreSQL']
>>> for p in path(store, "Redis", "Elixir"):
...     print(p.hops, p.chain)
4 Redis <-USES- Acme -USES-> PostgreSQL <-USES- Coil -USES-> Elixir
4 Redis <-USES- Bolt -USES-> PostgreSQL <-USES- Coil -USES-> Elixir
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.schema import SCHEMA
from graph.store import GraphStore
from queries.names import KINDS, Entity, resolve_entity
from queries.profiles import take

MAX_HOPS = 6
# Two companies that share no technology meet through thousands of others at 4 hops: all of
# those paths took minutes at 10k episodes (one call 248 s). The first MAX_PATHS found are read.
MAX_PATHS = 100

# Labels come from KINDS and types from the schema (ours), never from the user; only the domain's
# types, so no path takes a shortcut through derived data (CO_OCCURS). FalkorDB wants both ends
# bound before allShortestPaths.
_ENDS = """
MATCH (a:{a} {{id: $a}})
MATCH (b:{b} {{id: $b}})
"""
_NAME = "coalesce({0}.name, {0}.title, {0}.text, {0}.id, {0}.url)"
_PATHS = _ENDS + """
WITH a, b
MATCH p = allShortestPaths((a)-[:{types}*..{hops}]-(b))
RETURN [n IN nodes(p) | """ + _NAME.format("n") + """] AS names,
       [r IN relationships(p) | type(r)] AS types,
       [i IN range(0, size(relationships(p)) - 1) | startNode(relationships(p)[i]) = nodes(p)[i]] AS forward
LIMIT $paths
"""
# One and two hops are matched with both ends bound, the last hop a lookup between bound nodes:
# at 100k episodes 1 and ~40 ms on FalkorDB, where allShortestPaths took 0.3-1.3 s for two
# companies sharing a technology, walking every neighbour's neighbours first.
_SHORT_PATHS = {
    1: _ENDS + """
MATCH (a)-[r:{types}]-(b)
RETURN [""" + _NAME.format("a") + ", " + _NAME.format("b") + """] AS names, [type(r)] AS types,
       [startNode(r) = a] AS forward
LIMIT $paths
""",
    2: _ENDS + """
MATCH (a)-[r1:{types}]-(m)
WITH a, b, r1, m
MATCH (m)-[r2:{types}]-(b)
RETURN [""" + ", ".join(_NAME.format(n) for n in "amb") + """] AS names, [type(r1), type(r2)] AS types,
       [startNode(r1) = a, startNode(r2) = m] AS forward
LIMIT $paths
""",
}
# Three hops meet in the middle: each neighbour of a against each neighbour of b, a lookup per
# pair, at most MEET_IN_THE_MIDDLE_PAIRS of them (companies, people, episodes have tens of
# neighbours; a popular technology 10^5 at 100k episodes, where allShortestPaths is cheaper). No
# shorter path exists by then, so every path found is a shortest one and repeats no node.
MEET_IN_THE_MIDDLE_PAIRS = 20_000
_NEIGHBOURS = _ENDS + """
RETURN size([(a)-[:{types}]-() | 1]) AS near_a, size([(b)-[:{types}]-() | 1]) AS near_b
"""
_THREE_HOPS = _ENDS + """
MATCH (a)-[r1:{types}]-(m1)
WITH a, b, r1, m1
MATCH (b)-[r3:{types}]-(m2)
WITH a, b, r1, m1, r3, m2
MATCH (m1)-[r2:{types}]-(m2)
RETURN [""" + ", ".join(_NAME.format(n) for n in ("a", "m1", "m2", "b")) + """] AS names,
       [type(r1), type(r2), type(r3)] AS types, [startNode(r1) = a, startNode(r2) = m1, startNode(r3) = m2] AS forward
LIMIT $paths
"""

# The podcast is linked to every episode and host: a hub through which everything is a few hops
# from everything, in chains that say nothing.
_THROUGH_PODCAST = ("HAS_EPISODE", "HOSTS")

_ONE = "MATCH (a:{a} {{id: $a}}) RETURN coalesce(a.name, a.title, a.id) AS name"


@dataclass(frozen=True)
class Path:
    hops: int
    chain: str
    nodes: list[str]
    relationships: list[str]


def _chain(names: list[str], types: list[str], forward: list[bool]) -> str:
    parts = [names[0]]
    for name, kind, ahead in zip(names[1:], types, forward):
        parts.append(f"-{kind}-> {name}" if ahead else f"<-{kind}- {name}")
    return " ".join(parts)


def _label(entity: Entity) -> str:
    label = KINDS[entity.kind][0]
    assert label == entity.label
    return label


def _shortest(store: GraphStore, terms: dict, params: dict) -> list[dict]:
    """The rows of the shortest paths: one hop, two, three when the ends' neighbourhoods are small
    enough to pair, else (and beyond) allShortestPaths."""
    for query in _SHORT_PATHS.values():
        if rows := store.run(query.format(**terms), params):
            return rows
    [near] = store.run(_NEIGHBOURS.format(**terms), params)
    if near["near_a"] * near["near_b"] <= MEET_IN_THE_MIDDLE_PAIRS:
        if rows := store.run(_THREE_HOPS.format(**terms), params):
            return rows
    return store.run(_PATHS.format(**terms), params)


def path(store: GraphStore, start: str, end: str, *, limit: int | None = None,
         through_podcast: bool = False) -> list[Path]:
    """The shortest paths (at most MAX_HOPS relationships) from ``start`` to ``end``, ordered by chain:
    all of them, or the first MAX_PATHS the store finds when there are more.

    Paths avoid the Podcast node unless ``through_podcast``.

    No path within reach gives no rows; the same thing at both ends gives one path of 0 hops.
    """
    a, b = resolve_entity(store, start), resolve_entity(store, end)
    if a == b:
        [row] = store.run(_ONE.format(a=_label(a)), {"a": a.id})
        return take([Path(0, row["name"], [row["name"]], [])], limit)
    types = [t for t in SCHEMA.relationship_types if through_podcast or t not in _THROUGH_PODCAST]
    terms = {"a": _label(a), "b": _label(b), "types": "|".join(types), "hops": MAX_HOPS}
    params = {"a": a.id, "b": b.id, "paths": MAX_PATHS}
    rows = _shortest(store, terms, params)
    paths = {
        _chain(row["names"], row["types"], row["forward"]): Path(len(row["types"]), "", row["names"], row["types"])
        for row in rows
    }
    result = [Path(p.hops, chain, p.nodes, p.relationships) for chain, p in sorted(paths.items())]
    return take(result, limit)

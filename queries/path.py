"""How two named things connect: the shortest paths between them, as readable chains.

Either end may be a company, technology, person or episode (see
:func:`queries.names.resolve_entity`); paths follow relationships either way,
up to ``MAX_HOPS`` of them.

>>> [p.chain for p in path(store, "Elixir", "Google Cloud")]   # doctest: +SKIP
['Elixir <-USES- Logflare -HOSTED_ON-> Google Cloud', 'Elixir <-USES- Logflare -USES-> Google Cloud']
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.schema import RELATIONSHIP_TYPES
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
_PATHS = """
MATCH (a:{a} {{id: $a}})
MATCH (b:{b} {{id: $b}})
WITH a, b
MATCH p = allShortestPaths((a)-[:{types}*..{hops}]-(b))
RETURN [n IN nodes(p) | coalesce(n.name, n.title, n.text, n.id)] AS names,
       [r IN relationships(p) | type(r)] AS types,
       [i IN range(0, size(relationships(p)) - 1) | startNode(relationships(p)[i]) = nodes(p)[i]] AS forward
LIMIT $paths
"""

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


def path(store: GraphStore, start: str, end: str, *, limit: int | None = None) -> list[Path]:
    """The shortest paths (at most MAX_HOPS relationships) from ``start`` to ``end``, ordered by chain:
    all of them, or the first MAX_PATHS the store finds when there are more.

    No path within reach gives no rows; the same thing at both ends gives one path of 0 hops.
    """
    a, b = resolve_entity(store, start), resolve_entity(store, end)
    if a == b:
        [row] = store.run(_ONE.format(a=_label(a)), {"a": a.id})
        return take([Path(0, row["name"], [row["name"]], [])], limit)
    query = _PATHS.format(a=_label(a), b=_label(b), types="|".join(RELATIONSHIP_TYPES), hops=MAX_HOPS)
    paths = {
        _chain(row["names"], row["types"], row["forward"]): Path(len(row["types"]), "", row["names"], row["types"])
        for row in store.run(query, {"a": a.id, "b": b.id, "paths": MAX_PATHS})
    }
    result = [Path(p.hops, chain, p.nodes, p.relationships) for chain, p in sorted(paths.items())]
    return take(result, limit)

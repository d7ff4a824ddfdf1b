"""The neighbourhood of one node, read from the store hop by hop: what an ego page draws, and no more.

An ego page shows the nodes within N hops of its centre (either direction) and every edge among
them. Its tooltips tell each node's facts (a company's stack, a technology's users), which are
its own neighbours: so the page needs one ring more, the nodes next to the shown ones and the
edges that reach them, but nothing of the rest of the store. Each hop is one query per label
and direction, by the nodes' keys (indexed); the node limit is checked as each hop comes in,
before the next is read.

Around Bolt in the tiny listing: its episode, its guest and its two technologies. For their
facts, the page also reads the other companies using postgres and redis, Bolt's podcast...

>>> shown, context = neighbourhood(store, "Company:bolt", depth=1, max_nodes=50)
>>> sorted(shown), shown.number_of_edges()
(['Company:bolt', 'Episode:2020-02-04-bolt-is-a-bike-shop', 'Person:bob-ray', 'Technology:postgres', \
'Technology:redis'], 5)
>>> sorted(set(context) - set(shown))
['Company:acme', 'Company:coil']
>>> neighbourhood(store, "Company:bolt", depth=2, max_nodes=5)
Traceback (most recent call last):
...
visualizations.neighbourhood.TooManyNodes: more than 5 nodes lie within 2 hops of Company:bolt
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from domain.schema import SCHEMA
from graph import GraphStore
from graph.dialect import quoted
from visualizations.networkx_export import add_store_node, node_key

_DERIVED = {"labels": list(SCHEMA.derived_labels), "types": list(SCHEMA.derived_relationship_types)}


class TooManyNodes(ValueError):
    """The neighbourhood holds more nodes than the page may draw."""


def neighbourhood(store: GraphStore, centre: str, depth: int, max_nodes: int) -> tuple[nx.MultiDiGraph, nx.MultiDiGraph]:
    """(shown, context) around ``centre`` (a node key, ``"Company:bolt"``).

    ``shown``: the nodes within ``depth`` hops and every edge among them. ``context``: those, their
    neighbours and every edge touching a shown node, with all properties, for the tooltips.
    Raises TooManyNodes once more than ``max_nodes`` are within ``depth`` hops, and LookupError
    when no node has the key ``centre``.
    """
    context = nx.MultiDiGraph()
    label, _, key = centre.partition(":")
    for row in store.run(f"MATCH (n:{quoted(label)}) WHERE n.{quoted(SCHEMA.key_of(label))} = $key RETURN n LIMIT 1",
                         {"key": key}):
        add_store_node(context, row["n"])
    if centre not in context:
        raise LookupError(f"no node {centre} in the store")
    shown, frontier = {centre}, [centre]
    for hop in range(depth + 1):
        reached = _next_ring(store, context, frontier)
        frontier = sorted(reached - shown)
        if hop == depth:
            break
        shown.update(frontier)
        if len(shown) > max_nodes:
            raise TooManyNodes(f"more than {max_nodes} nodes lie within {depth} hops of {centre}")
    return context.subgraph(shown).copy(), context


def _next_ring(store: GraphStore, context: nx.MultiDiGraph, frontier: list[str]) -> set[str]:
    """Add every edge touching a ``frontier`` node, and the nodes at their other end, to ``context``;
    return the keys of those nodes."""
    keys_by_label: dict[str, list[str]] = defaultdict(list)
    for key in frontier:
        label, _, natural = key.partition(":")
        keys_by_label[label].append(natural)
    reached: set[str] = set()
    for label, keys in keys_by_label.items():
        for pattern, outgoing in (("(a)-[r]->(b)", True), ("(a)<-[r]-(b)", False)):
            query = (f"MATCH {pattern.replace('(a)', f'(a:{quoted(label)})')} "
                     f"WHERE a.{quoted(SCHEMA.key_of(label))} IN $keys AND NOT type(r) IN $types "
                     "AND none(l IN labels(b) WHERE l IN $labels) "
                     f"RETURN a.{quoted(SCHEMA.key_of(label))} AS key, r, b")
            for row in store.run(query, {"keys": keys, **_DERIVED}):
                near, far = node_key(label, row["key"]), add_store_node(context, row["b"])
                props = dict(row["r"])
                rel_type = props.pop("_type")
                source, target = (near, far) if outgoing else (far, near)
                if not context.has_edge(source, target, key=rel_type):  # between two frontier nodes: read from both
                    context.add_edge(source, target, key=rel_type, type=rel_type, **props)
                reached.add(far)
    return reached

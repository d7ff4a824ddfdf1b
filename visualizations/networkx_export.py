"""The store as networkx graphs, and the open formats networkx writes.

``store_graph`` reads every node and relationship into a MultiDiGraph: node keys
are ``"<Label>:<key>"`` (``"Technology:postgres"``), node attributes are
``label`` (the primary label), ``labels`` (all of them) and the node's
properties; edges are keyed by relationship type and carry ``type`` and the
relationship's properties.

Two derived graphs answer "which technologies go together":
``cooccurrence_graph`` (technologies, edge weight = companies using both) and
``similar_companies_graph`` (companies, edge weight = Jaccard of their stacks).
Both are bipartite projections of the company-technology USES graph.

The examples use the tiny listing: Acme uses postgres, redis and rails, Bolt postgres
and redis, Coil postgres and elixir, Dune lists no stack.

>>> graph = store_graph(store)
>>> graph.number_of_nodes(), graph.number_of_edges()  # 4 companies, episodes, guests, technologies
(16, 19)
"""

from __future__ import annotations

import io
import json
import re
from typing import Any

import networkx as nx
from networkx.algorithms import bipartite

from graph import GraphStore
from domain.schema import SCHEMA

NODE_KEYS, EXTRA_LABELS = SCHEMA.node_keys, SCHEMA.extra_labels

EXPORT_FORMATS = ("graphml", "gexf", "json")


def primary_label(labels: list[str]) -> str:
    """The schema label of a node: Technology for a Technology that is also a HostingProvider.

    >>> primary_label(["HostingProvider", "Technology"]), primary_label(["HostingProvider"]), primary_label([])
    ('Technology', 'Technology', 'Node')
    """
    for label in labels:
        if label in NODE_KEYS:
            return label
    for label in labels:
        if label in EXTRA_LABELS:
            return EXTRA_LABELS[label]
    return labels[0] if labels else "Node"


def node_key(label: str, key: Any) -> str:
    return f"{label}:{key}"


def _key_of(props: dict[str, Any], label: str) -> Any:
    return props.get(NODE_KEYS.get(label, "id"))


def add_store_node(graph: nx.MultiDiGraph, node: dict[str, Any]) -> str:
    """Add a node as the store returns it (its properties and ``_labels``) to ``graph``; its key."""
    props = dict(node)
    labels = sorted(props.pop("_labels"))
    label = primary_label(labels)
    key = node_key(label, _key_of(props, label))
    graph.add_node(key, label=label, labels=labels, **props)
    return key


def store_graph(store: GraphStore) -> nx.MultiDiGraph:
    """Every node and relationship of the store, with all their properties; derived data left out.

    >>> graph = store_graph(store)
    >>> graph.nodes["Technology:postgres"]["name"], graph.has_edge("Company:acme", "Technology:rails", key="USES")
    ('PostgreSQL', True)
    """
    graph = nx.MultiDiGraph()
    derived = {"labels": list(SCHEMA.derived_labels), "types": list(SCHEMA.derived_relationship_types)}
    for row in store.run("MATCH (n) WHERE none(label IN labels(n) WHERE label IN $labels) RETURN n", derived):
        add_store_node(graph, row["n"])
    query = (
        "MATCH (a)-[r]->(b) WHERE NOT type(r) IN $types "
        "RETURN labels(a) AS a_labels, a.id AS a_id, a.url AS a_url, r, "
        "labels(b) AS b_labels, b.id AS b_id, b.url AS b_url"
    )
    for row in store.run(query, derived):
        ends = []
        for side in ("a", "b"):
            label = primary_label(row[f"{side}_labels"])
            key = row[f"{side}_url"] if NODE_KEYS.get(label) == "url" else row[f"{side}_id"]
            ends.append(node_key(label, key))
        props = dict(row["r"])
        rel_type = props.pop("_type")
        graph.add_edge(ends[0], ends[1], key=rel_type, type=rel_type, **props)
    return graph


def ego_graph(graph: nx.MultiDiGraph, center: str, depth: int = 1) -> nx.MultiDiGraph:
    """The nodes within ``depth`` hops of ``center`` (either direction), and every edge among them.

    Around Bolt: its episode, its guest and its two technologies; two USES, FEATURES, WORKS_ON
    and the guest's APPEARED_ON.

    >>> around = ego_graph(store_graph(store), "Company:bolt")
    >>> around.number_of_nodes(), around.number_of_edges()
    (5, 5)
    """
    return nx.ego_graph(graph, center, radius=depth, undirected=True).copy()


def find_node(graph: nx.MultiDiGraph, name: str) -> str | None:
    """A node key from a key (``Technology:postgres``), a natural key (``postgres``) or a name, in any case.

    Companies and technologies win over other labels when a name is ambiguous.

    >>> graph = store_graph(store)
    >>> find_node(graph, "postgresql"), find_node(graph, "Bob Ray"), find_node(graph, "Technology:redis")
    ('Technology:postgres', 'Person:bob-ray', 'Technology:redis')
    >>> find_node(graph, "nothing") is None
    True
    """
    if name in graph:
        return name
    wanted = name.strip().casefold()
    preference = ["Company", "Technology", "Person", "Episode", "Library", "Podcast", "Link", "Topic"]
    matches = []
    for key, data in graph.nodes(data=True):
        label = data.get("label", "")
        candidates = [key.partition(":")[2], data.get("name"), data.get("title")]
        if any(isinstance(c, str) and c.casefold() == wanted for c in candidates):
            matches.append((preference.index(label) if label in preference else len(preference), key))
    return min(matches)[1] if matches else None


def _uses_graph(graph: nx.MultiDiGraph) -> tuple[nx.Graph, list[str]]:
    """The bipartite company-technology USES graph, with the nodes' attributes, and its companies in graph order.

    Every company is a node, with a stack or without.
    """
    companies = [key for key, label in graph.nodes(data="label") if label == "Company"]
    uses = nx.Graph()
    uses.add_nodes_from((key, graph.nodes[key]) for key in companies)
    edges = [(a, b) for a, b, rel_type in graph.edges(keys=True) if rel_type == "USES" and a in uses]
    uses.add_nodes_from((b, graph.nodes[b]) for _, b in edges)
    uses.add_edges_from(edges)
    return uses, companies


def cooccurrence_graph(graph: nx.MultiDiGraph, min_count: int = 1) -> nx.Graph:
    """Technologies as nodes; an edge where at least ``min_count`` companies use both (weight = that count).

    Technologies without such an edge are left out. Edges come in the order the companies first
    use both (then by name), which Louvain in ``technology_analysis`` depends on.

    >>> graph = store_graph(store)
    >>> together = cooccurrence_graph(graph)
    >>> together.number_of_edges(), together["Technology:postgres"]["Technology:redis"]
    (4, {'weight': 2})
    >>> list(cooccurrence_graph(graph, min_count=2).edges(data="weight"))
    [('Technology:postgres', 'Technology:redis', 2)]
    """
    uses, companies = _uses_graph(graph)
    together = bipartite.generic_weighted_projected_graph(uses, set(uses) - set(companies))
    rank = {key: index for index, key in enumerate(companies)}
    pairs = sorted((*sorted((a, b)), n) for a, b, n in together.edges(data="weight") if n >= min_count)
    pairs.sort(key=lambda pair: min(rank[key] for key in nx.common_neighbors(uses, pair[0], pair[1])))
    result = nx.Graph()
    result.add_edges_from((a, b, {"weight": n}) for a, b, n in pairs)
    result.add_nodes_from((key, together.nodes[key]) for key in list(result))
    return result


def similar_companies_graph(graph: nx.MultiDiGraph, min_shared: int = 1) -> nx.Graph:
    """Companies as nodes; an edge where two stacks share at least ``min_shared`` technologies.

    Edge attributes: ``weight`` (Jaccard of the two stacks) and ``shared`` (how many technologies).
    Every company is a node, even one sharing nothing.

    >>> graph = store_graph(store)
    >>> similar = similar_companies_graph(graph)
    >>> similar["Company:acme"]["Company:bolt"], similar["Company:acme"]["Company:coil"]
    ({'weight': 0.6666666666666666, 'shared': 2}, {'weight': 0.25, 'shared': 1})
    >>> similar.number_of_nodes(), similar.degree("Company:dune")
    (4, 0)
    >>> similar_companies_graph(graph, min_shared=2).number_of_edges()
    1
    """
    uses, companies = _uses_graph(graph)
    shared = bipartite.generic_weighted_projected_graph(uses, companies)
    result = nx.Graph()
    result.add_nodes_from(shared.nodes(data=True))
    pairs = sorted((*sorted((a, b)), n) for a, b, n in shared.edges(data="weight") if n >= min_shared)
    result.add_edges_from((a, b, {"weight": n / (uses.degree(a) + uses.degree(b) - n), "shared": n}) for a, b, n in pairs)
    return result


def _scalar(value: Any) -> Any:
    if isinstance(value, (list, tuple, dict, set)):
        return json.dumps(sorted(value) if isinstance(value, set) else value, ensure_ascii=False)
    return value


def scalar_graph(graph: nx.Graph) -> nx.Graph:
    """A copy whose attributes GraphML and GEXF can hold: lists become JSON strings, None is dropped.

    >>> graph = nx.Graph()
    >>> graph.add_node("a", labels=["X", "Y"], note=None, n=1)
    >>> scalar_graph(graph).nodes["a"]
    {'labels': '["X", "Y"]', 'n': 1}
    """
    copy = graph.copy()
    for _, data in copy.nodes(data=True):
        for name in list(data):
            if data[name] is None:
                del data[name]
            else:
                data[name] = _scalar(data[name])
    edges = copy.edges(keys=True, data=True) if copy.is_multigraph() else copy.edges(data=True)
    for *_, data in edges:
        for name in list(data):
            if data[name] is None:
                del data[name]
            else:
                data[name] = _scalar(data[name])
    return copy


def export_text(graph: nx.Graph, fmt: str) -> str:
    """The graph as GraphML, GEXF or node-link JSON.

    XML 1.0 cannot hold most control characters: GraphML and GEXF write each one as its escape
    (``\\x1b``, see :func:`xml_safe`). The JSON is strict: a float that is not a number is ``null``.

    >>> graph = store_graph(store)
    >>> text = export_text(graph, "graphml")
    >>> text.startswith("<?xml"), text.count("<node "), text.count("<edge ")
    (True, 16, 19)
    >>> len(json.loads(export_text(graph, "json"))["links"])
    19
    >>> export_text(graph, "csv")
    Traceback (most recent call last):
    ...
    ValueError: unknown format 'csv'; choose one of: graphml, gexf, json
    """
    if fmt == "json":
        data = nx.node_link_data(graph, edges="links")
        # NaN and ±Infinity, which json.dumps writes and JSON lacks, read back as null.
        strict = json.loads(json.dumps(data, default=str), parse_constant=lambda _: None)
        return json.dumps(strict, ensure_ascii=False, indent=2, allow_nan=False)
    flat = scalar_graph(graph)
    buffer = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(flat, buffer, encoding="utf-8")
    elif fmt == "gexf":
        # write_gexf takes a node's "id" attribute as its GEXF id, and two labels share slugs
        # (a person and a company): keep the natural key under "key" instead.
        for _, data in flat.nodes(data=True):
            if "id" in data:
                data["key"] = data.pop("id")
        nx.write_gexf(flat, buffer, encoding="utf-8")
    else:
        raise ValueError(f"unknown format {fmt!r}; choose one of: {', '.join(EXPORT_FORMATS)}")
    return xml_safe(buffer.getvalue().decode("utf-8"))


# The characters XML 1.0 cannot hold, not even as a character reference (&#1; is not well-formed).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` with each character XML 1.0 cannot hold written as its Python escape, ``\\x1b``.

    >>> print(xml_safe("<name>Acme\\x1b[2J Shop</name>"))
    <name>Acme\\x1b[2J Shop</name>
    """
    return _NOT_XML.sub(lambda match: repr(match[0])[1:-1], text)


def technology_analysis(graph: nx.MultiDiGraph, seed: int = 42) -> list[dict[str, Any]]:
    """Per technology: companies using it, degree and betweenness centrality, and its community.

    Centralities are on the company-technology graph (USES and HOSTED_ON, undirected), so a
    technology that bridges otherwise separate stacks scores high on betweenness. Communities are
    Louvain communities (seeded, so deterministic) of the co-occurrence graph, weight = shared
    companies; community 0 is the largest.

    On the tiny listing (3 companies, 4 technologies, 7 USES): postgres, in every stack, lies on
    the shortest paths from Coil and elixir to the rest (8 pairs) and on one of the two between
    Bolt and Acme or rails (2 halves): 9 of 15 pairs, 0.6. Everything goes with postgres, so the
    best split is none: one community.

    >>> rows = technology_analysis(store_graph(store))
    >>> [(r["technology"], r["companies"], r["degree"], r["betweenness"], r["community"]) for r in rows]
    [('postgres', 3, 0.5, 0.6, 0), ('redis', 2, 0.3333, 0.0667, 0), ('elixir', 1, 0.1667, 0.0, 0), ('rails', 1, 0.1667, 0.0, 0)]
    """
    stacks = nx.Graph()
    for source, target, rel_type in graph.edges(keys=True):
        if rel_type in ("USES", "HOSTED_ON"):
            stacks.add_edge(source, target)
    degree = nx.degree_centrality(stacks) if stacks else {}
    betweenness = nx.betweenness_centrality(stacks) if stacks else {}
    cooccurrence = cooccurrence_graph(graph)
    communities = nx.community.louvain_communities(cooccurrence, weight="weight", seed=seed) if cooccurrence else []
    ordered = sorted((sorted(c) for c in communities), key=lambda c: (-len(c), c))
    community_of = {key: index for index, members in enumerate(ordered) for key in members}
    uses, _ = _uses_graph(graph)
    rows = []
    for key, data in graph.nodes(data=True):
        if data.get("label") != "Technology":
            continue
        rows.append({
            "technology": key.partition(":")[2],
            "name": data.get("name"),
            "category": data.get("category"),
            "companies": uses.degree(key) if key in uses else 0,
            "degree": round(degree.get(key, 0.0), 4),
            "betweenness": round(betweenness.get(key, 0.0), 4),
            "community": community_of.get(key),
        })
    rows.sort(key=lambda r: (-r["betweenness"], -r["companies"], r["technology"]))
    return rows


"""Copy a whole graph from one store to another, e.g. the embedded FalkorDB to Neo4j.

The target gets the same nodes (by natural key), labels, properties and
relationships; it is MERGEd, so copying twice changes nothing. Derived data
(the co-occurrence counts) is not copied but recounted in the target.

>>> with open_store("falkordb", path=".store") as source, open_store("neo4j") as target:  # doctest: +SKIP
...     copy_graph(source, target)
"""

from __future__ import annotations

from typing import Callable

from graph.cooccurrence import CooccurrenceIndex
from graph.model import GraphDocument, Node, Relationship
from graph.schema import DERIVED_RELATIONSHIP_TYPES, EXTRA_LABELS, NODE_KEYS
from graph.store import GraphStore


def _properties(value: dict, *, drop: str) -> dict:
    return {k: v for k, v in value.items() if k != drop}


def read_document(store: GraphStore) -> GraphDocument:
    """Everything in a store as one GraphDocument, derived data left out."""
    doc = GraphDocument()
    for label, key in NODE_KEYS.items():
        for row in store.run(f"MATCH (n:{label}) RETURN n"):
            node = row["n"]
            extra = tuple(sorted(lbl for lbl in node["_labels"] if lbl in EXTRA_LABELS))
            properties = _properties(node, drop="_labels")
            doc.add_node(Node(label, properties.pop(key), properties, extra))
    for start_label, start_key in NODE_KEYS.items():
        rows = store.run(
            f"MATCH (a:{start_label})-[r]->(b) WHERE NOT type(r) IN $derived "
            f"RETURN a.{start_key} AS start, r, labels(b) AS end_labels, b.id AS end_id, b.url AS end_url",
            {"derived": list(DERIVED_RELATIONSHIP_TYPES)},
        )
        for row in rows:
            end_label = next(lbl for lbl in row["end_labels"] if lbl in NODE_KEYS)
            end_key = row["end_url"] if NODE_KEYS[end_label] == "url" else row["end_id"]
            rel = row["r"]
            doc.add_relationship(
                Relationship(rel["_type"], start_label, row["start"], end_label, end_key, _properties(rel, drop="_type"))
            )
    return doc


def copy_graph(source: GraphStore, target: GraphStore, *, progress: Callable[[str], None] | None = None) -> GraphDocument:
    """Upsert every node and relationship of ``source`` into ``target``; returns what was copied."""
    document = read_document(source)
    if progress:
        progress(f"read {len(document.nodes)} nodes and {len(document.relationships)} relationships from {source.describe()}")
    target.ensure_schema()
    index = CooccurrenceIndex(target)
    index.begin(rebuild=True)  # the target is merged into: only a recount of the union is right
    target.upsert(document)
    index.commit()
    return document

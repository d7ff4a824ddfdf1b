"""A whole graph read back as one GraphDocument, e.g. to copy it into another store.

>>> document = read_document(loaded_store)
>>> len(document.nodes_with_label("Episode")), len(document.relationships_of_type("USES"))
(4, 7)
"""

from __future__ import annotations

from graph.dialect import quoted
from graph.model import GraphDocument, Node, Relationship
from graph.store import GraphStore


def read_document(store: GraphStore) -> GraphDocument:
    """Every node and relationship of the store's schema, derived data left out."""
    schema = store.schema
    doc = GraphDocument()
    for label, key in schema.node_keys.items():
        for row in store.run(f"MATCH (n:{quoted(label)}) RETURN n"):
            properties = dict(row["n"])
            extra = tuple(sorted(lbl for lbl in properties.pop("_labels") if lbl in schema.extra_labels))
            doc.add_node(Node(label, properties.pop(key), properties, extra))
    # The end's key, whichever key property its label has: one map entry per key property name.
    end_keys = "{" + ", ".join(f"{quoted(key)}: b.{quoted(key)}" for key in sorted(set(schema.node_keys.values()))) + "}"
    for start_label, start_key in schema.node_keys.items():
        rows = store.run(
            f"MATCH (a:{quoted(start_label)})-[r]->(b) WHERE type(r) IN $types "
            f"RETURN a.{quoted(start_key)} AS start, r, labels(b) AS end_labels, {end_keys} AS end_keys",
            {"types": list(schema.relationship_types)},
        )
        for row in rows:
            end_label = next(lbl for lbl in row["end_labels"] if lbl in schema.node_keys)
            properties = dict(row["r"])
            rel_type = properties.pop("_type")
            doc.add_relationship(Relationship(rel_type, start_label, row["start"], end_label,
                                              row["end_keys"][schema.key_of(end_label)], properties))
    return doc

"""The graph's shape: labels and their keys, relationship types, from the code's schema, with the
properties and the labels they connect as the store holds them.

The tiny listing names no company website, and a company is "inferred" when no title or
description names it outright:

>>> [(e.name, e.key, e.properties) for e in describe_schema(store) if e.name in ("Company", "WORKS_ON")]
[('Company', 'id', ['id', 'inferred', 'name']), ('WORKS_ON', None, [])]
>>> [e.connects for e in describe_schema(store) if e.name == "USES"]
[['Company -> Technology']]
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.schema import SCHEMA
from graph.store import GraphStore

# Properties and ends are read from this many nodes or relationships of each label or type: enough
# to see every property the loaders write, without a walk of millions of topics.
SAMPLE = 10_000

# Labels and types are the schema's, never a user's.
_NODE_PROPERTIES = "MATCH (n:{label}) WITH n LIMIT $sample UNWIND keys(n) AS key RETURN DISTINCT key"
_RELATIONSHIPS = """
MATCH (a)-[r:{type}]->(b) WITH a, r, b LIMIT $sample
RETURN DISTINCT labels(a) AS start, labels(b) AS end, keys(r) AS properties
"""


@dataclass(frozen=True)
class SchemaEntry:
    kind: str  # "node", "label" (a secondary label of another label's nodes) or "relationship"
    name: str
    key: str | None  # the property a node is found by (its label's), None for a relationship
    properties: list[str]
    connects: list[str]  # a relationship's "Start -> End" labels; a secondary label's primary label
    note: str


def _primary(labels: list[str]) -> str:
    return next((label for label in labels if label in SCHEMA.node_keys), labels[0] if labels else "?")


def describe_schema(store: GraphStore) -> list[SchemaEntry]:
    """Every label and relationship type of the schema, derived ones last."""
    entries = []
    for label, key in SCHEMA.node_keys.items():
        rows = store.run(_NODE_PROPERTIES.format(label=label), {"sample": SAMPLE})
        owner = SCHEMA.parts.get(label)
        note = f"part of an {owner[0]} (through {owner[1]}), replaced when it is loaded again" if owner else ""
        entries.append(SchemaEntry("node", label, key, sorted(row["key"] for row in rows), [], note))
    for label, primary in SCHEMA.extra_labels.items():
        entries.append(SchemaEntry("label", label, SCHEMA.key_of(primary), [], [primary],
                                   f"also carried by some {primary} nodes"))
    for rel_type in SCHEMA.relationship_types + SCHEMA.derived_relationship_types:
        rows = store.run(_RELATIONSHIPS.format(type=rel_type), {"sample": SAMPLE})
        ends = sorted({f"{_primary(row['start'])} -> {_primary(row['end'])}" for row in rows})
        properties = sorted({key for row in rows for key in row["properties"]})
        derived = rel_type in SCHEMA.derived_relationship_types
        entries.append(SchemaEntry("relationship", rel_type, None, properties, ends,
                                   "derived: the co-occurrence counts (stackgraph reindex)" if derived else ""))
    for label in SCHEMA.derived_labels:
        entries.append(SchemaEntry("node", label, None, [], [], "derived: the co-occurrence index's state"))
    return entries

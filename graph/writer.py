"""Turn a GraphDocument into batched ``UNWIND $rows … MERGE`` statements.

The Cypher is plain openCypher that FalkorDB and Neo4j both accept. Labels and
relationship types cannot be parameters in Cypher, so they are checked
against the schema before they are put in the text; every value is a parameter.

>>> from graph.model import GraphDocument, Node
>>> doc = GraphDocument()
>>> _ = doc.add_node(Node("Technology", "aws", {"name": "AWS"}, ("HostingProvider",)))
>>> [s.query for s in upsert_statements(doc)]
['UNWIND $rows AS row MERGE (n:Technology {id: row.key}) SET n += row.props SET n:HostingProvider']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator

from graph.model import GraphDocument, Node, Relationship
from graph.schema import EXTRA_LABELS, RELATIONSHIP_TYPES, key_of

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class UpsertStatement:
    query: str
    rows: list[dict[str, Any]]

    @property
    def params(self) -> dict[str, Any]:
        return {"rows": self.rows}


def _checked_label(label: str) -> str:
    key_of(label)
    return label


def _checked_extra_label(label: str) -> str:
    if label not in EXTRA_LABELS:
        raise ValueError(f"unknown secondary label {label!r}")
    return label


def _checked_type(rel_type: str) -> str:
    if rel_type not in RELATIONSHIP_TYPES or not _IDENTIFIER.match(rel_type):
        raise ValueError(f"unknown relationship type {rel_type!r}")
    return rel_type


def _batches(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _clean(properties: dict[str, Any]) -> dict[str, Any]:
    if None not in properties.values():
        return properties  # the common case: nothing to drop, no copy
    return {k: v for k, v in properties.items() if v is not None}


# Statements come out grouped by shape in sorted shape order, rows in document order within a
# group (what sorting by shape, a stable sort, gives), but grouped in one pass without sorting rows.


def node_statements(nodes: list[Node], batch_size: int) -> Iterator[UpsertStatement]:
    groups: dict[tuple[str, tuple[str, ...]], list[dict[str, Any]]] = {}
    for node in nodes:
        shape = (node.label, tuple(sorted(node.extra_labels)) if node.extra_labels else ())
        rows = groups.get(shape)
        if rows is None:
            rows = groups[shape] = []
        rows.append({"key": node.key, "props": _clean(node.properties)})
    for label, extra in sorted(groups):
        key = key_of(_checked_label(label))
        query = f"UNWIND $rows AS row MERGE (n:{label} {{{key}: row.key}}) SET n += row.props"
        for extra_label in extra:
            query += f" SET n:{_checked_extra_label(extra_label)}"
        for batch in _batches(groups[(label, extra)], batch_size):
            yield UpsertStatement(query, batch)


def relationship_statements(rels: list[Relationship], batch_size: int) -> Iterator[UpsertStatement]:
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for rel in rels:
        shape = (rel.type, rel.start_label, rel.end_label)
        rows = groups.get(shape)
        if rows is None:
            rows = groups[shape] = []
        rows.append({"start": rel.start_key, "end": rel.end_key, "props": _clean(rel.properties)})
    for rel_type, start, end in sorted(groups):
        query = (
            "UNWIND $rows AS row "
            f"MATCH (a:{_checked_label(start)} {{{key_of(start)}: row.start}}) "
            f"MATCH (b:{_checked_label(end)} {{{key_of(end)}: row.end}}) "
            f"MERGE (a)-[r:{_checked_type(rel_type)}]->(b)"
        )
        rows = groups[(rel_type, start, end)]
        if any(row["props"] for row in rows):
            query += " SET r += row.props"
        else:
            # No properties in the whole group (HAS_TOPIC, MENTIONS, ...): "SET r += {}" would set
            # nothing, so neither it nor the empty maps are sent (a fifth less server time for these).
            rows = [{"start": row["start"], "end": row["end"]} for row in rows]
        for batch in _batches(rows, batch_size):
            yield UpsertStatement(query, batch)


def upsert_statements(document: GraphDocument, batch_size: int = 500) -> Iterator[UpsertStatement]:
    """Nodes first, so that every relationship finds both of its ends."""
    yield from node_statements(document.nodes, batch_size)
    yield from relationship_statements(document.relationships, batch_size)

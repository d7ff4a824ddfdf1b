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
from graph.schema import EXTRA_LABELS, OWNED_BY, RELATIONSHIP_TYPES, key_of

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class UpsertStatement:
    query: str
    rows: list[dict[str, Any]]
    # The same write, same rows, for a store that runs one write statement at a time (FalkorDB):
    # a node is looked up and, when absent, created with its properties. MERGE then SET makes
    # FalkorDB index a new node twice, and SET re-indexes a node even when nothing changed; the
    # garbage that leaves in its indexes is collected by forking the server, more often and at a
    # higher cost as the graph grows. Where writes run concurrently (Neo4j), only MERGE keeps two
    # loads from creating one node twice.
    serial_query: str | None = None

    @property
    def params(self) -> dict[str, Any]:
        return {"rows": self.rows}


def checked_label(label: str) -> str:
    key_of(label)
    return label


def checked_extra_label(label: str) -> str:
    if label not in EXTRA_LABELS:
        raise ValueError(f"unknown secondary label {label!r}")
    return label


def checked_type(rel_type: str) -> str:
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


def quoted(name: str) -> str:
    """A label, relationship type or property name as a Cypher identifier, whatever characters it holds.

    >>> quoted("Technology"), quoted("odd`name")
    ('`Technology`', '`odd``name`')
    """
    return "`" + name.replace("`", "``") + "`"


def _created_properties(key: str, names: set[str]) -> str:
    """The map a node is created with: its key, and each of ``names`` from the row's properties
    (null for a row without that one, which CREATE leaves unset)."""
    return "{" + ", ".join([f"{key}: row.key"] + [f"{quoted(name)}: row.props.{quoted(name)}" for name in sorted(names - {key})]) + "}"


# Whether SET n += row.props would change n (FalkorDB re-indexes a node on every SET).
_CHANGED = "any(k IN keys(row.props) WHERE n[k] IS NULL OR n[k] <> row.props[k])"

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
        key = key_of(checked_label(label))
        extra_labels = "".join(f":{checked_extra_label(extra_label)}" for extra_label in extra)
        query = f"UNWIND $rows AS row MERGE (n:{label} {{{key}: row.key}}) SET n += row.props"
        rows = groups[(label, extra)]
        created = _created_properties(key, {name for row in rows for name in row["props"]})
        serial = (
            f"UNWIND $rows AS row OPTIONAL MATCH (n:{label} {{{key}: row.key}}) "
            f"FOREACH (_ IN CASE WHEN n IS NULL THEN [1] ELSE [] END | CREATE (:{label}{extra_labels} {created})) "
            f"FOREACH (_ IN CASE WHEN n IS NOT NULL AND {_CHANGED} THEN [1] ELSE [] END | SET n += row.props)"
        )
        if extra:
            query += f" SET n{extra_labels}"
            serial += f" FOREACH (_ IN CASE WHEN n IS NOT NULL AND NOT n{extra_labels} THEN [1] ELSE [] END | SET n{extra_labels})"
        for batch in _batches(rows, batch_size):
            yield UpsertStatement(query, batch, serial)


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
            f"MATCH (a:{checked_label(start)} {{{key_of(start)}: row.start}}) "
            f"MATCH (b:{checked_label(end)} {{{key_of(end)}: row.end}}) "
            f"MERGE (a)-[r:{checked_type(rel_type)}]->(b)"
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


@dataclass
class _Split:
    """A document's parts (nodes listed in OWNED_BY that have exactly one owner in it) apart from the rest."""

    parts: dict[tuple[str, str], list[Node]]  # (part label, owner key) -> the owner's parts
    part_relationships: list[tuple[str, Relationship]]  # (owner key, relationship starting at a part)
    nodes: list[Node]
    relationships: list[Relationship]


def part_owners(document: GraphDocument) -> dict[tuple[str, str], str | None]:
    """Each node the document makes a part of an owner (OWNED_BY), with its owner's key; None for a
    part with several owners (written as a node)."""
    owners: dict[tuple[str, str], str | None] = {}
    for rel in document.relationships:
        if rel.end_label in OWNED_BY and OWNED_BY[rel.end_label] == (rel.start_label, rel.type):
            identity = (rel.end_label, rel.end_key)
            owners[identity] = None if identity in owners else rel.start_key
    return owners


def _split(document: GraphDocument) -> _Split:
    owners = {identity: owner for identity, owner in part_owners(document).items() if owner is not None}
    split = _Split({}, [], [], [])
    for node in document.nodes:
        owner = owners.get((node.label, node.key)) if node.label in OWNED_BY else None
        if owner is None:
            split.nodes.append(node)
        else:
            split.parts.setdefault((node.label, owner), []).append(node)
    for rel in document.relationships:
        if rel.end_label in OWNED_BY and (rel.end_label, rel.end_key) in owners and OWNED_BY[rel.end_label] == (rel.start_label, rel.type):
            if rel.properties:
                raise ValueError(f"{rel.type} makes {rel.end_label} nodes parts of their {rel.start_label}: it carries no properties")
            continue
        owner = owners.get((rel.start_label, rel.start_key)) if rel.start_label in OWNED_BY else None
        if owner is None:
            split.relationships.append(rel)
        else:
            split.part_relationships.append((owner, rel))
    return split


def part_statements(split: _Split, batch_size: int) -> Iterator[UpsertStatement]:
    """Each owner's parts replace the ones it had: the old ones are deleted, then the new ones are
    created with their own relationships in one statement. CREATE, not MERGE: a new part needs no
    lookup, so no index on its key; only its relationships' other ends are looked up.

    Parts may have relationships of one type to one label (topics MENTION technologies): one
    chained UNWIND per group would drop the parts with none of the first group.
    """
    groups = {(rel.type, rel.end_label) for _, rel in split.part_relationships}
    if len(groups) > 1:
        raise ValueError(f"parts can have relationships of one type to one label, not {sorted(groups)}")
    # As for the other relationships: without a property in the whole group, only the ends are sent.
    with_properties = any(rel.properties for _, rel in split.part_relationships)
    outgoing: dict[tuple[str, str], list[Any]] = {}
    for _, rel in split.part_relationships:
        end = {"end": rel.end_key, "props": _clean(rel.properties)} if with_properties else rel.end_key
        outgoing.setdefault((rel.start_label, rel.start_key), []).append(end)
    by_label: dict[str, list[tuple[str, list[Node]]]] = {}
    for (label, owner), parts in split.parts.items():
        by_label.setdefault(label, []).append((owner, parts))
    for label in sorted(by_label):
        owner_label, via = OWNED_BY[label]
        owner = f"(o:{checked_label(owner_label)} {{{key_of(owner_label)}: row.owner}})"
        delete = f"UNWIND $rows AS row MATCH {owner}-[:{checked_type(via)}]->(old:{label}) DETACH DELETE old"
        owners = by_label[label]
        for batch in _batches([{"owner": key} for key, _ in owners], batch_size):
            yield UpsertStatement(delete, batch)
        create = f"UNWIND $rows AS row MATCH {owner} UNWIND row.parts AS part CREATE (o)-[:{via}]->(n:{label}) SET n = part.props"
        if groups:
            [(rel_type, end)] = groups
            create += (f" WITH n, part UNWIND part.rels AS rel MATCH (b:{checked_label(end)} {{{key_of(end)}: "
                       f"{'rel.end' if with_properties else 'rel'}}}) CREATE (n)-[r:{checked_type(rel_type)}]->(b)")
            if with_properties:
                create += " SET r = rel.props"
        key = key_of(label)
        rows = [
            {"owner": owner_key,
             "parts": [{"props": {**_clean(part.properties), key: part.key}, "rels": outgoing.get((label, part.key), [])} for part in parts]}
            for owner_key, parts in owners
        ]
        for batch in _batches(rows, batch_size):
            yield UpsertStatement(create, batch)


def upsert_statements(document: GraphDocument, batch_size: int = 500) -> Iterator[UpsertStatement]:
    """Nodes first, so that every relationship finds both of its ends; then the owners' parts
    (OWNED_BY: an episode's topics) with their relationships; then the other relationships."""
    split = _split(document)
    yield from node_statements(split.nodes, batch_size)
    yield from part_statements(split, batch_size)
    yield from relationship_statements(split.relationships, batch_size)

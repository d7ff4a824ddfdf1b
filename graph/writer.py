"""Turn a GraphDocument into batched ``UNWIND $rows … MERGE`` statements.

Labels and relationship types cannot be parameters in Cypher, so they are checked
against the store's :class:`~graph.model.Schema` before they go into the text; every
value is a parameter. The statement that upserts nodes is the backend's own
(:mod:`graph.dialect`); the rest is plain openCypher that FalkorDB and Neo4j both accept.

>>> from graph.dialect import NEO4J
>>> from graph.model import GraphDocument, Node, Schema
>>> schema = Schema({"Technology": "id"}, (), extra_labels={"HostingProvider": "Technology"})
>>> doc = GraphDocument()
>>> _ = doc.add_node(Node("Technology", "aws", {"name": "AWS"}, ("HostingProvider",)))
>>> [s.query for s in upsert_statements(doc, schema, NEO4J)]
['UNWIND $rows AS row MERGE (n:Technology {id: row.key}) SET n += row.props SET n:HostingProvider']
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Mapping
from typing import Any, Iterator

from graph.dialect import Dialect
from graph.model import GraphDocument, Node, Relationship, Schema


@dataclass(frozen=True)
class UpsertStatement:
    """One write statement and the rows its ``UNWIND $rows`` reads."""

    query: str
    rows: list[dict[str, Any]]

    @property
    def params(self) -> dict[str, Any]:
        return {"rows": self.rows}


class _Checked:
    """The schema's names, checked before they go into query text."""

    def __init__(self, schema: Schema):
        self.schema = schema

    def label(self, label: str) -> str:
        self.schema.key_of(label)
        return label

    def extra_label(self, label: str) -> str:
        if label not in self.schema.extra_labels:
            raise ValueError(f"unknown secondary label {label!r}")
        return label

    def type(self, rel_type: str) -> str:
        if rel_type not in self.schema.relationship_types:
            raise ValueError(f"unknown relationship type {rel_type!r}")
        return rel_type


def _batches(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _clean(properties: dict[str, Any]) -> dict[str, Any]:
    if None not in properties.values():
        return properties  # the common case: nothing to drop, no copy
    return {k: v for k, v in properties.items() if v is not None}


def node_statements(nodes: list[Node], checked: _Checked, dialect: Dialect, batch_size: int) -> Iterator[UpsertStatement]:
    groups: dict[tuple[str, tuple[str, ...]], list[dict[str, Any]]] = {}
    for node in nodes:
        shape = (node.label, tuple(sorted(node.extra_labels)) if node.extra_labels else ())
        rows = groups.get(shape)
        if rows is None:
            rows = groups[shape] = []
        rows.append({"key": node.key, "props": _clean(node.properties)})
    for label, extra in sorted(groups):
        key = checked.schema.key_of(checked.label(label))
        extra_labels = tuple(checked.extra_label(extra_label) for extra_label in extra)
        rows = groups[(label, extra)]
        query = dialect.upsert_nodes(label, key, extra_labels, {name for row in rows for name in row["props"]})
        for batch in _batches(rows, batch_size):
            yield UpsertStatement(query, batch)


def relationship_statements(rels: list[Relationship], checked: _Checked, batch_size: int) -> Iterator[UpsertStatement]:
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
            f"MATCH (a:{checked.label(start)} {{{checked.schema.key_of(start)}: row.start}}) "
            f"MATCH (b:{checked.label(end)} {{{checked.schema.key_of(end)}: row.end}}) "
            f"MERGE (a)-[r:{checked.type(rel_type)}]->(b)"
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
    """A document's parts (nodes of a label in ``Schema.parts`` that have exactly one owner in it) apart from the rest."""

    parts: dict[tuple[str, str], list[Node]]  # (part label, owner key) -> the owner's parts
    part_relationships: list[tuple[str, Relationship]]  # (owner key, relationship starting at a part)
    nodes: list[Node]
    relationships: list[Relationship]


def _part_owners(document: GraphDocument, parts: Mapping[str, tuple[str, str]]) -> dict[tuple[str, str], str | None]:
    """Each node the document makes a part of an owner, with its owner's key; None for a part with
    several owners (written as a node)."""
    owners: dict[tuple[str, str], str | None] = {}
    for rel in document.relationships:
        if parts.get(rel.end_label) == (rel.start_label, rel.type):
            identity = (rel.end_label, rel.end_key)
            owners[identity] = None if identity in owners else rel.start_key
    return owners


def _split(document: GraphDocument, parts: Mapping[str, tuple[str, str]]) -> _Split:
    owners = {identity: owner for identity, owner in _part_owners(document, parts).items() if owner is not None}
    split = _Split({}, [], [], [])
    for node in document.nodes:
        owner = owners.get((node.label, node.key)) if node.label in parts else None
        if owner is None:
            split.nodes.append(node)
        else:
            split.parts.setdefault((node.label, owner), []).append(node)
    for rel in document.relationships:
        if (rel.end_label, rel.end_key) in owners and parts.get(rel.end_label) == (rel.start_label, rel.type):
            if rel.properties:
                raise ValueError(f"{rel.type} makes {rel.end_label} nodes parts of their {rel.start_label}: it carries no properties")
            continue
        owner = owners.get((rel.start_label, rel.start_key)) if rel.start_label in parts else None
        if owner is None:
            split.relationships.append(rel)
        else:
            split.part_relationships.append((owner, rel))
    return split


def part_statements(split: _Split, checked: _Checked, batch_size: int) -> Iterator[UpsertStatement]:
    """Each owner's parts replace the ones it had: the old ones are deleted, then the new ones are
    created in one statement with their relationships of one (type, end label) group, the most
    common (topics MENTION technologies). CREATE, not MERGE: a new part needs no lookup, so no
    index on its key; only its relationships' other ends are looked up.

    The parts' other relationships (a topic STATES a decision) follow, one statement per group,
    each part found through its owner: chained into the first UNWIND, a part with none of the
    first group's relationships would drop out of the rest.
    """
    by_group: dict[tuple[str, str], list[tuple[str, Relationship]]] = {}
    for owner_key, rel in split.part_relationships:
        by_group.setdefault((rel.type, rel.end_label), []).append((owner_key, rel))
    groups = sorted(by_group, key=lambda group: (-len(by_group[group]), group))
    chained = groups[0] if groups else None
    # As for the other relationships: without a property in the whole group, only the ends are sent.
    with_properties = chained is not None and any(rel.properties for _, rel in by_group[chained])
    outgoing: dict[tuple[str, str], list[Any]] = {}
    for _, rel in by_group[chained] if chained else []:
        end = {"end": rel.end_key, "props": _clean(rel.properties)} if with_properties else rel.end_key
        outgoing.setdefault((rel.start_label, rel.start_key), []).append(end)
    by_label: dict[str, list[tuple[str, list[Node]]]] = {}
    for (label, owner), parts in split.parts.items():
        by_label.setdefault(label, []).append((owner, parts))
    for label in sorted(by_label):
        owner_label, via = checked.schema.parts[label]
        owner = f"(o:{checked.label(owner_label)} {{{checked.schema.key_of(owner_label)}: row.owner}})"
        delete = f"UNWIND $rows AS row MATCH {owner}-[:{checked.type(via)}]->(old:{checked.label(label)}) DETACH DELETE old"
        owners = by_label[label]
        for batch in _batches([{"owner": key} for key, _ in owners], batch_size):
            yield UpsertStatement(delete, batch)
        create = f"UNWIND $rows AS row MATCH {owner} UNWIND row.parts AS part CREATE (o)-[:{via}]->(n:{label}) SET n = part.props"
        if chained:
            rel_type, end = chained
            create += (f" WITH n, part UNWIND part.rels AS rel MATCH (b:{checked.label(end)} {{{checked.schema.key_of(end)}: "
                       f"{'rel.end' if with_properties else 'rel'}}}) CREATE (n)-[r:{checked.type(rel_type)}]->(b)")
            if with_properties:
                create += " SET r = rel.props"
        key = checked.schema.key_of(label)
        rows = [
            {"owner": owner_key,
             "parts": [{"props": {**_clean(part.properties), key: part.key}, "rels": outgoing.get((label, part.key), [])} for part in parts]}
            for owner_key, parts in owners
        ]
        for batch in _batches(rows, batch_size):
            yield UpsertStatement(create, batch)
    for group in groups[1:]:
        yield from _later_part_relationships(by_group[group], checked, batch_size)


def _later_part_relationships(rels: list[tuple[str, Relationship]], checked: _Checked, batch_size: int) -> Iterator[UpsertStatement]:
    """Relationships of one group from parts just created, each part found through its owner."""
    start, rel_type, end = rels[0][1].start_label, rels[0][1].type, rels[0][1].end_label
    owner_label, via = checked.schema.parts[start]
    query = (
        "UNWIND $rows AS row "
        f"MATCH (:{checked.label(owner_label)} {{{checked.schema.key_of(owner_label)}: row.owner}})"
        f"-[:{checked.type(via)}]->(a:{checked.label(start)} {{{checked.schema.key_of(start)}: row.start}}) "
        f"MATCH (b:{checked.label(end)} {{{checked.schema.key_of(end)}: row.end}}) "
        f"CREATE (a)-[r:{checked.type(rel_type)}]->(b) SET r = row.props"
    )
    rows = [{"owner": owner, "start": rel.start_key, "end": rel.end_key, "props": _clean(rel.properties)} for owner, rel in rels]
    for batch in _batches(rows, batch_size):
        yield UpsertStatement(query, batch)


def upsert_statements(
    document: GraphDocument, schema: Schema, dialect: Dialect, batch_size: int = 500
) -> Iterator[UpsertStatement]:
    """Nodes first, so that every relationship finds both of its ends; then the owners' parts
    (an episode's topics) with their relationships; then the other relationships."""
    checked = _Checked(schema)
    split = _split(document, schema.parts)
    yield from node_statements(split.nodes, checked, dialect, batch_size)
    yield from part_statements(split, checked, batch_size)
    yield from relationship_statements(split.relationships, checked, batch_size)

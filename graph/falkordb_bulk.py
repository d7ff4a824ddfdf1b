"""GraphDocuments as FalkorDB ``GRAPH.BULK`` commands: a first load, written into a new graph.

``GRAPH.BULK`` takes nodes as rows of typed values and relationships as pairs of node ids, with
no query to plan, no lookup by key and the graph's matrices synced once per command: a tenth of
the server time of the same graph sent as ``UNWIND … MERGE`` statements. It creates, never merges,
so the encoder does what MERGE did, batch after batch, and gives the same graph:

* nodes are numbered as the server will number them (from ``first_node_id``, in the order they
  are sent, in a graph where nothing is deleted meanwhile) and remembered by the hash of their key;
  a node seen again is not sent again, and when its properties or labels differ from the last time
  it was seen, it goes into the batch's ``updates``, a document to upsert once the bulk is written;
* relationships are remembered by the hash of (type, start id, end id) and handled alike — except
  those touching an episode or its topics (``graph.schema.OWNED_BY``): an owner is loaded once
  (:class:`~graph.errors.BulkUnsuitable` otherwise), so they cannot recur, and need no memory.

>>> from graph.model import GraphDocument, Node, Relationship
>>> doc = GraphDocument()
>>> _ = doc.add_node(Node("Company", "acme", {"name": "Acme"}))
>>> _ = doc.add_node(Node("Technology", "rails", {"name": "Rails"}))
>>> _ = doc.add_relationship(Relationship("USES", "Company", "acme", "Technology", "rails"))
>>> batch = BulkEncoder(first_node_id=1).encode(doc)
>>> batch.nodes, batch.relationships, batch.arguments[:4]
(2, 1, [b'2', b'1', b'2', b'1'])
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any, Iterable

from graph.errors import BulkUnsuitable
from graph.hashed_keys import HashedKeys
from graph.model import GraphDocument, Node, Relationship
from graph.schema import OWNED_BY, key_of
from graph.writer import checked_extra_label, checked_label, checked_type

# The type byte before each value (FalkorDB's bulk_insert.c).
_NULL, _BOOL, _DOUBLE, _STRING, _LONG, _ARRAY = (bytes([code]) for code in range(6))
_INT64 = struct.Struct("<q")
_DOUBLE64 = struct.Struct("<d")
_ENDS = struct.Struct("<QQ")
_COUNT = struct.Struct("<I")

_OWNERS = {owner for owner, _ in OWNED_BY.values()}


@dataclass
class BulkBatch:
    """One ``GRAPH.BULK`` command's arguments after the graph name, and what must be upserted after the bulk."""

    arguments: list[bytes]
    nodes: int
    relationships: int
    updates: GraphDocument = field(default_factory=GraphDocument)


def _value(value: Any) -> bytes:
    if value is None:
        return _NULL
    if isinstance(value, bool):
        return _BOOL + (b"\x01" if value else b"\x00")
    if isinstance(value, int):
        if not -(1 << 63) <= value < (1 << 63):
            raise BulkUnsuitable(f"the integer {value} does not fit in 64 bits")
        return _LONG + _INT64.pack(value)
    if isinstance(value, float):
        return _DOUBLE + _DOUBLE64.pack(value)
    if isinstance(value, str):
        return _STRING + _c_string(value)
    if isinstance(value, (list, tuple)):
        return _ARRAY + _INT64.pack(len(value)) + b"".join(_value(element) for element in value)
    raise BulkUnsuitable(f"a {type(value).__name__} property value")


def _c_string(text: str) -> bytes:
    if "\x00" in text:
        raise BulkUnsuitable("a text holding a NUL character")
    return text.encode("utf-8") + b"\x00"


def _header(name: str, properties: list[str]) -> bytes:
    return _c_string(name) + _COUNT.pack(len(properties)) + b"".join(_c_string(p) for p in properties)


def _digest(properties: dict[str, Any], labels: tuple[str, ...] = ()) -> int:
    """A hash of what an upsert would set, to tell whether a node or relationship seen again differs."""
    items = tuple(sorted((k, v) for k, v in properties.items() if v is not None))
    try:
        return hash((items, tuple(sorted(labels))))
    except TypeError:  # list values
        return hash(repr((items, sorted(labels))))


def _node_blob(labels: str, key: str, nodes: list[Node]) -> bytes:
    names = sorted({name for node in nodes for name, value in node.properties.items() if value is not None} - {key})
    rows = [
        _value(node.key) + b"".join(_value(node.properties.get(name)) for name in names)
        for node in nodes
    ]
    return _header(labels, [key, *names]) + b"".join(rows)


def _relationship_blob(rel_type: str, rels: list[tuple[int, int, Relationship]]) -> bytes:
    names = sorted({name for _, _, rel in rels for name, value in rel.properties.items() if value is not None})
    if not names:
        return _header(rel_type, []) + b"".join(_ENDS.pack(start, end) for start, end, _ in rels)
    rows = [
        _ENDS.pack(start, end) + b"".join(_value(rel.properties.get(name)) for name in names)
        for start, end, rel in rels
    ]
    return _header(rel_type, names) + b"".join(rows)


def _parts(document: GraphDocument) -> set[tuple[str, str]]:
    """The nodes the document makes parts of an owner (as the writer does), each with exactly one."""
    owners: dict[tuple[str, str], str] = {}
    for rel in document.relationships:
        if OWNED_BY.get(rel.end_label) == (rel.start_label, rel.type):
            part = (rel.end_label, rel.end_key)
            if owners.setdefault(part, rel.start_key) != rel.start_key:
                raise BulkUnsuitable(f"{rel.end_label} {rel.end_key!r} belongs to two {rel.start_label} nodes")
    return set(owners)


class BulkEncoder:
    """Encodes a load's documents, in order, for a new graph whose next node id is ``first_node_id``."""

    def __init__(self, first_node_id: int):
        self.next_node_id = first_node_id
        self._nodes = HashedKeys(width=2)  # hash of (label, key) -> (node id, digest when last seen)
        self._relationships = HashedKeys(width=1)  # hash of (type, start id, end id) -> digest when last seen

    def encode(self, document: GraphDocument) -> BulkBatch:
        parts = _parts(document)
        updates = GraphDocument()
        ids, node_blobs, nodes = self._new_nodes(document, parts, updates)
        groups: dict[str, list[tuple[int, int, Relationship]]] = {}
        for rel in self._new_relationships(document.relationships, ids, parts, updates):
            groups.setdefault(checked_type(rel[2].type), []).append(rel)
        relationship_blobs = [_relationship_blob(rel_type, rels) for rel_type, rels in groups.items()]
        relationships = sum(len(rels) for rels in groups.values())
        counts = (nodes, relationships, len(node_blobs), len(relationship_blobs))
        return BulkBatch([str(n).encode() for n in counts] + node_blobs + relationship_blobs, nodes, relationships, updates)

    def _new_nodes(
        self, document: GraphDocument, parts: set[tuple[str, str]], updates: GraphDocument
    ) -> tuple[dict[tuple[str, str], int], list[bytes], int]:
        """Every document node's id, and the new ones' blobs (one per label set) and count: new nodes are
        numbered in the order they are sent."""
        kept = [node for node in document.nodes if (node.label, node.key) not in parts]
        hashes = [hash((node.label, node.key)) for node in kept]
        ids: dict[tuple[str, str], int] = {}
        new: dict[str, list[Node]] = {}
        for node, hash_, seen in zip(kept, hashes, self._nodes.get_many(hashes)):
            digest = _digest(node.properties, node.extra_labels)
            if seen is None:
                new.setdefault(self._labels(node), []).append(node)
                continue
            if node.label in _OWNERS:
                raise BulkUnsuitable(f"{node.label} {node.key!r} is loaded twice")
            node_id, last_digest = seen
            ids[node.label, node.key] = node_id
            if digest != last_digest:
                updates.add_node(node)
                self._nodes.set(hash_, (node_id, digest))
        for node in document.nodes:
            if (node.label, node.key) in parts:
                new.setdefault(self._labels(node), []).append(node)
        blobs, count = [], 0
        for labels, nodes in new.items():
            for node in nodes:
                ids[node.label, node.key] = self.next_node_id
                if (node.label, node.key) not in parts:
                    self._nodes.add(hash((node.label, node.key)), (self.next_node_id, _digest(node.properties, node.extra_labels)))
                self.next_node_id += 1
            blobs.append(_node_blob(labels, key_of(nodes[0].label), nodes))
            count += len(nodes)
        return ids, blobs, count

    @staticmethod
    def _labels(node: Node) -> str:
        return ":".join([checked_label(node.label), *sorted(checked_extra_label(label) for label in node.extra_labels)])

    def _new_relationships(
        self, rels: Iterable[Relationship], ids: dict[tuple[str, str], int], parts: set[tuple[str, str]], updates: GraphDocument
    ) -> Iterable[tuple[int, int, Relationship]]:
        """The relationships to send, with their ends' ids; those seen before only as updates, when they differ."""
        remembered: list[tuple[int, int, int, Relationship]] = []
        for rel in rels:
            start, end = (rel.start_label, rel.start_key), (rel.end_label, rel.end_key)
            if start not in ids or end not in ids:
                ids.update(self._stored_ids([node for node in (start, end) if node not in ids]))
                if start not in ids or end not in ids:
                    continue  # an end in neither the document nor the graph: an upsert's MATCH finds no pair either
            if rel.start_label in _OWNERS or rel.end_label in _OWNERS or start in parts or end in parts:
                yield ids[start], ids[end], rel
            else:
                remembered.append((hash((rel.type, ids[start], ids[end])), ids[start], ids[end], rel))
        hashes = [hash_ for hash_, _, _, _ in remembered]
        for (hash_, start_id, end_id, rel), seen in zip(remembered, self._relationships.get_many(hashes)):
            digest = _digest(rel.properties)
            if seen is None:
                self._relationships.add(hash_, (digest,))
                yield start_id, end_id, rel
            elif seen[0] != digest:
                updates.add_relationship(rel)
                self._relationships.set(hash_, (digest,))

    def _stored_ids(self, nodes: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
        seen = self._nodes.get_many([hash(node) for node in nodes])
        return {node: values[0] for node, values in zip(nodes, seen) if values is not None}

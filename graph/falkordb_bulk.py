"""GraphDocuments as FalkorDB ``GRAPH.BULK`` commands: a first load, written into a new graph.

``GRAPH.BULK`` takes nodes as rows of typed values and relationships as pairs of node ids, with
no query to plan, no lookup by key and the graph's matrices synced once per command: a tenth of
the server time of the same graph sent as ``UNWIND … MERGE`` statements. It creates, never merges,
so the encoder does what MERGE did, batch after batch, and gives the same graph:

* nodes are numbered as the server will number them (from ``first_node_id``, in the order they
  are sent, in a graph where nothing is deleted meanwhile) and remembered by the 64-bit hash of
  their key, with a CRC-32 of it that tells two keys hashing alike apart (then the load is
  :class:`~graph.errors.BulkUnsuitable`); a node seen again is not sent again, and when its
  properties or labels differ from the last time it was seen, it goes into the batch's
  ``updates``, a document to upsert once the bulk is written;
* relationships are remembered by their type and ends' ids, packed into one integer, and handled
  alike — except those touching an episode or its topics (``graph.schema.OWNED_BY``): an owner is
  loaded once (BulkUnsuitable otherwise), so they cannot recur, and need no memory.

What it remembers grows with the graph, ~24 bytes a node and ~16 a relationship: at MAX_KEYS
(100k–150k episodes) the encoder is ``full``, and the load upserts the rest.

>>> from graph.model import GraphDocument, Node, Relationship
>>> doc = GraphDocument()
>>> _ = doc.add_node(Node("Company", "acme", {"name": "Acme"}))
>>> _ = doc.add_node(Node("Technology", "rails", {"name": "Rails"}))
>>> _ = doc.add_relationship(Relationship("USES", "Company", "acme", "Technology", "rails"))
>>> batch = BulkEncoder(first_node_id=1).encode(doc)
>>> batch.nodes, batch.relationships, bulk_arguments([batch, batch])[:4]
(2, 1, [b'4', b'2', b'4', b'2'])
"""

from __future__ import annotations

import struct
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable

from graph.errors import BulkUnsuitable
from graph.int_keys import IntKeys
from graph.model import GraphDocument, Node, Relationship
from graph.schema import OWNED_BY, RELATIONSHIP_TYPES, key_of
from graph.writer import checked_extra_label, checked_label, checked_type, part_owners

# The type byte before each value (FalkorDB's bulk_insert.c).
_NULL, _BOOL, _DOUBLE, _STRING, _LONG, _ARRAY = (bytes([code]) for code in range(6))
_INT64 = struct.Struct("<q")
_DOUBLE64 = struct.Struct("<d")
_ENDS = struct.Struct("<QQ")
_COUNT = struct.Struct("<I")

_OWNERS = {owner for owner, _ in OWNED_BY.values()}

# A relationship's key: its type's number, then its ends' ids in ID_BITS bits each, in an int64.
ID_BITS = 28
_TYPE_NUMBERS = {rel_type: number << (2 * ID_BITS) for number, rel_type in enumerate(RELATIONSHIP_TYPES)}
assert len(RELATIONSHIP_TYPES) < 1 << (63 - 2 * ID_BITS)

MAX_KEYS = 1 << 22  # nodes and relationships remembered: 70–100 MB


@dataclass
class BulkBatch:
    """A document's new nodes and relationships in the bulk format, and what must be upserted after the bulk."""

    node_blobs: list[bytes]
    relationship_blobs: list[bytes]
    nodes: int
    relationships: int
    updates: GraphDocument = field(default_factory=GraphDocument)

    @property
    def size(self) -> int:
        return sum(map(len, self.node_blobs)) + sum(map(len, self.relationship_blobs))


def bulk_arguments(batches: list[BulkBatch]) -> list[bytes]:
    """One ``GRAPH.BULK`` command's arguments after the graph name, for batches in the order they were
    encoded: every node of them is created, in that order, before any relationship."""
    node_blobs = [blob for batch in batches for blob in batch.node_blobs]
    relationship_blobs = [blob for batch in batches for blob in batch.relationship_blobs]
    counts = (sum(b.nodes for b in batches), sum(b.relationships for b in batches), len(node_blobs), len(relationship_blobs))
    return [str(count).encode() for count in counts] + node_blobs + relationship_blobs


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


def _values(values: Iterable[Any], into: bytearray) -> None:
    """``_value`` of each, appended; inline for strings and nulls, nearly every value of a load."""
    for value in values:
        if type(value) is str:
            if "\x00" in value:
                raise BulkUnsuitable("a text holding a NUL character")
            into += _STRING
            into += value.encode("utf-8")
            into += b"\x00"
        elif value is None:
            into += _NULL
        else:
            into += _value(value)


def _c_string(text: str) -> bytes:
    if "\x00" in text:
        raise BulkUnsuitable("a text holding a NUL character")
    return text.encode("utf-8") + b"\x00"


def _header(name: str, properties: list[str]) -> bytes:
    return _c_string(name) + _COUNT.pack(len(properties)) + b"".join(_c_string(p) for p in properties)


def _digest(properties: dict[str, Any], labels: tuple[str, ...] = ()) -> int:
    """A hash of what an upsert would set, to tell whether a node or relationship seen again differs
    (properties in another order differ too: one update more, the same graph)."""
    try:
        return hash((*properties.items(), labels))
    except TypeError:  # list values
        return hash(repr((properties, labels)))


def _node_hash(label: str, key: str) -> int:
    return hash((label, key))


def _node_check(label: str, key: str) -> int:
    """A second hash of a node's key, independent of the first, compared when the first finds a node."""
    return zlib.crc32(key.encode("utf-8", "surrogatepass"), zlib.crc32(label.encode()))


def _node_blob(labels: str, key: str, nodes: list[Node]) -> bytes:
    names = sorted({name for node in nodes for name, value in node.properties.items() if value is not None} - {key})
    blob = bytearray(_header(labels, [key, *names]))
    _values((value for node in nodes for value in (node.key, *map(node.properties.get, names))), blob)
    return bytes(blob)


def _relationship_blob(rel_type: str, rows: list[tuple[int, int, Relationship]], with_properties: bool) -> bytes:
    names = sorted({name for _, _, rel in rows for name, value in rel.properties.items() if value is not None}) if with_properties else []
    blob = bytearray(_header(rel_type, names))
    if not names:
        blob += struct.pack(f"<{2 * len(rows)}Q", *(end for start, stop, _ in rows for end in (start, stop)))
        return bytes(blob)
    for start, end, rel in rows:
        blob += _ENDS.pack(start, end)
        _values(map(rel.properties.get, names), blob)
    return bytes(blob)


def _parts(document: GraphDocument) -> set[tuple[str, str]]:
    """The nodes the document makes parts of an owner, as the writer does; each must have one owner."""
    owners = part_owners(document)
    for (label, key), owner in owners.items():
        if owner is None:
            raise BulkUnsuitable(f"{label} {key!r} belongs to several owners")
    return set(owners)


class BulkEncoder:
    """Encodes a load's documents, in order, for a new graph whose next node id is ``first_node_id``."""

    def __init__(self, first_node_id: int):
        self.next_node_id = first_node_id
        # hash of (label, key) -> (node id << 32 | its check, digest when last seen); ids fit in ID_BITS
        self._nodes = IntKeys(width=2)
        self._relationships = IntKeys(width=1)  # (type, start id, end id) packed -> digest when last seen
        self._label_sets: dict[tuple[str, tuple[str, ...]], str] = {}

    @property
    def full(self) -> bool:
        return len(self._nodes) + len(self._relationships) >= MAX_KEYS

    def encode(self, document: GraphDocument) -> BulkBatch:
        if self.next_node_id + len(document.nodes) > 1 << ID_BITS:
            raise BulkUnsuitable(f"a graph of more than {1 << ID_BITS} nodes")
        parts = _parts(document)
        updates = GraphDocument()
        ids, part_ids, node_blobs, nodes = self._new_nodes(document, parts, updates)
        groups, with_properties = self._new_relationships(document.relationships, ids, part_ids, updates)
        relationship_blobs = [_relationship_blob(checked_type(rel_type), rows, rel_type in with_properties) for rel_type, rows in groups.items()]
        return BulkBatch(node_blobs, relationship_blobs, nodes, sum(len(rows) for rows in groups.values()), updates)

    def _new_nodes(
        self, document: GraphDocument, parts: set[tuple[str, str]], updates: GraphDocument
    ) -> tuple[dict[tuple[str, str], int], set[int], list[bytes], int]:
        """Every document node's id, the parts' ids, and the new nodes' blobs (one per label set) and count:
        new nodes are numbered in the order they are sent."""
        kept = [node for node in document.nodes if (node.label, node.key) not in parts]
        hashes = [_node_hash(node.label, node.key) for node in kept]
        ids: dict[tuple[str, str], int] = {}
        new: dict[str, list[tuple[Node, int | None]]] = {}  # label set -> (node, its hash; None for a part)
        for node, hash_, seen in zip(kept, hashes, self._nodes.get_many(hashes)):
            if seen is None:
                new.setdefault(self._label_set(node), []).append((node, hash_))
                continue
            id_and_check, last_digest = seen
            node_id = self._checked_id(node.label, node.key, id_and_check)
            if node.label in _OWNERS:
                raise BulkUnsuitable(f"{node.label} {node.key!r} is loaded twice")
            ids[node.label, node.key] = node_id
            digest = _digest(node.properties, node.extra_labels)
            if digest != last_digest:
                updates.add_node(node)
                self._nodes.set(hash_, (id_and_check, digest))
        for node in document.nodes:
            if (node.label, node.key) in parts:
                new.setdefault(self._label_set(node), []).append((node, None))
        part_ids: set[int] = set()
        blobs = []
        added_hashes, added_values = [], []
        for labels, nodes in new.items():
            for node, hash_ in nodes:
                node_id = ids[node.label, node.key] = self.next_node_id
                self.next_node_id += 1
                if hash_ is None:
                    part_ids.add(node_id)
                else:
                    added_hashes.append(hash_)
                    added_values += (node_id << 32 | _node_check(node.label, node.key), _digest(node.properties, node.extra_labels))
            blobs.append(_node_blob(labels, key_of(nodes[0][0].label), [node for node, _ in nodes]))
        self._nodes.add_many(added_hashes, added_values)
        return ids, part_ids, blobs, sum(len(nodes) for nodes in new.values())

    def _label_set(self, node: Node) -> str:
        """The node's labels as the bulk format names them, checked against the schema once per set."""
        shape = (node.label, node.extra_labels)
        labels = self._label_sets.get(shape)
        if labels is None:
            labels = self._label_sets[shape] = ":".join(
                [checked_label(node.label), *sorted(checked_extra_label(label) for label in node.extra_labels)]
            )
        return labels

    def _new_relationships(
        self, rels: Iterable[Relationship], ids: dict[tuple[str, str], int], part_ids: set[int], updates: GraphDocument
    ) -> tuple[dict[str, list[tuple[int, int, Relationship]]], set[str]]:
        """The relationships to send, by type, with their ends' ids, and the types some of them carry
        properties of; those seen before only as updates, when they differ."""
        groups: defaultdict[str, list[tuple[int, int, Relationship]]] = defaultdict(list)
        with_properties: set[str] = set()
        remembered: list[tuple[int, int, int, Relationship]] = []
        for rel in rels:
            start = ids.get((rel.start_label, rel.start_key))
            end = ids.get((rel.end_label, rel.end_key))
            if start is None or end is None:
                start, end = self._stored_id(rel.start_label, rel.start_key, start), self._stored_id(rel.end_label, rel.end_key, end)
                if start is None or end is None:
                    continue  # an end in neither the document nor the graph: an upsert's MATCH finds no pair either
            if rel.start_label in _OWNERS or rel.end_label in _OWNERS or start in part_ids or end in part_ids:
                groups[rel.type].append((start, end, rel))
                if rel.properties:
                    with_properties.add(rel.type)
            else:
                number = _TYPE_NUMBERS.get(rel.type)
                if number is None:
                    checked_type(rel.type)  # raises, naming the type
                remembered.append((number | start << ID_BITS | end, start, end, rel))
        added_keys, added_digests = [], []
        for (key, start, end, rel), seen in zip(remembered, self._relationships.get_many([r[0] for r in remembered])):
            digest = _digest(rel.properties)
            if seen is None:
                added_keys.append(key)
                added_digests.append(digest)
                groups[rel.type].append((start, end, rel))
                if rel.properties:
                    with_properties.add(rel.type)
            elif seen[0] != digest:
                updates.add_relationship(rel)
                self._relationships.set(key, (digest,))
        self._relationships.add_many(added_keys, added_digests)
        return groups, with_properties

    def _stored_id(self, label: str, key: str, known: int | None) -> int | None:
        if known is not None:
            return known
        [seen] = self._nodes.get_many([_node_hash(label, key)])
        return None if seen is None else self._checked_id(label, key, seen[0])

    @staticmethod
    def _checked_id(label: str, key: str, id_and_check: int) -> int:
        """The id of the node found by the hash of this key, if its check says it is this key's."""
        if id_and_check & 0xFFFFFFFF != _node_check(label, key):
            raise BulkUnsuitable(f"{label} {key!r} hashes like another key")
        return id_and_check >> 32

"""The typed, store-independent shape of a knowledge graph fragment.

A loader produces a :class:`GraphDocument`; any :class:`graph.store.GraphStore`
upserts it. Nodes and relationships are identified by natural keys (the store's
:class:`Schema` names the key property of each label), so upserting the same
document twice is a no-op.

>>> doc = GraphDocument()
>>> _ = doc.add_node(Node("Technology", "postgres", {"name": "PostgreSQL"}))
>>> _ = doc.add_node(Node("Technology", "postgres", {"category": "database"}))
>>> doc.nodes[0].properties
{'name': 'PostgreSQL', 'category': 'database'}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Schema:
    """The labels, keys and relationship types a store holds; the domain defines its own.

    ``parts`` maps a label whose nodes exist only as parts of one owner node to the owner's
    label and the relationship that reaches them (an episode's topics): the writer creates
    an owner's parts with it and replaces them when the owner is written again, so parts
    need no index. ``extra_labels`` maps a secondary label to the primary label of the nodes
    that carry it. ``derived_labels`` and ``derived_relationship_types`` are counts kept in
    the graph for fast reads: not part of the graph a user loaded, so counts, copies and
    exports leave them out. ``fulltext`` maps a label to the text properties the store keeps a
    full-text index of.

    >>> schema = Schema({"Link": "url"}, ("REFERENCES",))
    >>> schema.key_of("Link")
    'url'
    >>> schema.key_of("Nope")
    Traceback (most recent call last):
    ValueError: unknown node label 'Nope'; known: Link
    """

    node_keys: Mapping[str, str]
    relationship_types: tuple[str, ...]
    extra_labels: Mapping[str, str] = field(default_factory=dict)
    parts: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    derived_labels: tuple[str, ...] = ()
    derived_relationship_types: tuple[str, ...] = ()
    fulltext: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def key_of(self, label: str) -> str:
        """The key property of a node label."""
        try:
            return self.node_keys[label]
        except KeyError:
            raise ValueError(f"unknown node label {label!r}; known: {', '.join(self.node_keys)}") from None


@dataclass(slots=True)
class Node:
    label: str
    key: str
    properties: dict[str, Any] = field(default_factory=dict)
    extra_labels: tuple[str, ...] = ()


@dataclass(slots=True)
class Relationship:
    type: str
    start_label: str
    start_key: str
    end_label: str
    end_key: str
    properties: dict[str, Any] = field(default_factory=dict)

    @property
    def identity(self) -> tuple[str, str, str, str, str]:
        return (self.type, self.start_label, self.start_key, self.end_label, self.end_key)


@dataclass
class GraphDocument:
    """Nodes and relationships, deduplicated by natural key as they are added."""

    nodes: list[Node] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)
    _node_index: dict[tuple[str, str], Node] = field(default_factory=dict, repr=False)
    _rel_index: dict[tuple, Relationship] = field(default_factory=dict, repr=False)

    def add_node(self, node: Node) -> Node:
        """Add a node, or merge its properties and labels into the one with the same key."""
        identity = (node.label, node.key)
        existing = self._node_index.get(identity)
        if existing is None:
            self._node_index[identity] = node
            self.nodes.append(node)
            return node
        existing.properties.update(node.properties)
        if node.extra_labels or existing.extra_labels:
            existing.extra_labels = tuple(dict.fromkeys(existing.extra_labels + node.extra_labels))
        return existing

    def add_relationship(self, rel: Relationship) -> Relationship:
        identity = (rel.type, rel.start_label, rel.start_key, rel.end_label, rel.end_key)
        existing = self._rel_index.get(identity)
        if existing is None:
            self._rel_index[identity] = rel
            self.relationships.append(rel)
            return rel
        existing.properties.update(rel.properties)
        return existing

    def node(self, label: str, key: str) -> Node | None:
        return self._node_index.get((label, key))

    def nodes_with_label(self, label: str) -> list[Node]:
        return [n for n in self.nodes if n.label == label or label in n.extra_labels]

    def relationships_of_type(self, rel_type: str) -> list[Relationship]:
        return [r for r in self.relationships if r.type == rel_type]

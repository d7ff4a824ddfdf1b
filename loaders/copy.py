"""Copy a whole graph from one store to another, e.g. the embedded FalkorDB to Neo4j.

The target gets the same nodes (by natural key), labels, properties and relationships
through the load's own write step; it is MERGEd, so copying twice changes nothing, and
the co-occurrence counts are brought up to date there rather than copied.

>>> with open_store("falkordb", path=tmp_path / "copy-target") as target:
...     copied = copy_graph(store, target)
...     target.counts() == store.counts()
True
"""

from __future__ import annotations

from typing import Callable

from graph.reader import read_document
from graph.model import GraphDocument
from graph.store import GraphStore
from loaders.pipeline import Batch, write


def copy_graph(source: GraphStore, target: GraphStore, *, progress: Callable[[str], None] | None = None) -> GraphDocument:
    """Upsert every node and relationship of ``source`` into ``target``; returns what was copied."""
    document = read_document(source)
    if progress:
        progress(f"read {len(document.nodes)} nodes and {len(document.relationships)} relationships from {source.describe()}")
    write(target, [Batch(document, 0)])
    return document

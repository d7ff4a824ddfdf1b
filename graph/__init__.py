"""Graph infrastructure: the typed model, the writer and the stores (FalkorDB embedded, Neo4j).

Nothing here knows the StackGraph domain: a store is opened with the :class:`Schema` of the
graph it holds (``domain.schema.SCHEMA``; ``domain.open_store`` passes it).
"""

from __future__ import annotations

import os
from pathlib import Path

from graph.errors import QueryError, ReadOnlyRefusal, StoreError, StoreUnavailable
from graph.model import GraphDocument, Node, Relationship, Schema
from graph.store import GraphStore

BACKENDS = ("falkordb", "neo4j")

__all__ = [
    "BACKENDS",
    "GraphDocument",
    "GraphStore",
    "Node",
    "QueryError",
    "ReadOnlyRefusal",
    "Relationship",
    "Schema",
    "StoreError",
    "StoreUnavailable",
    "default_store_path",
    "open_store",
]


def default_store_path() -> Path:
    """STACKGRAPH_STORE, or the platform's user data directory."""
    if configured := os.environ.get("STACKGRAPH_STORE"):
        return Path(configured)
    import platformdirs

    return Path(platformdirs.user_data_dir("stackgraph")) / "store"


def open_store(
    backend: str = "falkordb",
    *,
    schema: Schema,
    path: str | os.PathLike[str] | None = None,
    uri: str | None = None,
    username: str | None = None,
    password: str | None = None,
    database: str | None = None,
    share: bool = False,
) -> GraphStore:
    """Open a store: the embedded FalkorDB in ``path``, or Neo4j at ``uri``.

    Neo4j settings left as None come from NEO4J_URI, NEO4J_USERNAME,
    NEO4J_PASSWORD and NEO4J_DATABASE. ``share``: other processes may use the
    embedded server while this store is open (a Neo4j server is shared anyway).
    """
    if backend == "falkordb":
        from graph.falkordb_store import FalkorDBStore

        return FalkorDBStore(Path(path) if path is not None else default_store_path(), schema=schema, share=share)
    if backend == "neo4j":
        from graph.neo4j_store import Neo4jStore

        return Neo4jStore(
            uri=uri or os.environ.get("NEO4J_URI", "bolt://localhost:7687"),
            username=username or os.environ.get("NEO4J_USERNAME", "neo4j"),
            password=password if password is not None else os.environ.get("NEO4J_PASSWORD", ""),
            database=database or os.environ.get("NEO4J_DATABASE") or None,
            schema=schema,
        )
    raise StoreError(f"unknown backend {backend!r}; choose one of: {', '.join(BACKENDS)}")

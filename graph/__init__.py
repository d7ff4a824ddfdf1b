"""The knowledge graph: typed model, schema and stores (FalkorDB embedded, Neo4j)."""

from __future__ import annotations

import os
from pathlib import Path

from graph.errors import QueryError, StoreError, StoreUnavailable
from graph.model import GraphDocument, Node, Relationship
from graph.store import GraphStore

BACKENDS = ("falkordb", "neo4j")

__all__ = [
    "BACKENDS",
    "GraphDocument",
    "GraphStore",
    "Node",
    "QueryError",
    "Relationship",
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
    path: str | os.PathLike[str] | None = None,
    uri: str | None = None,
    username: str | None = None,
    password: str | None = None,
    database: str | None = None,
) -> GraphStore:
    """Open a store: the embedded FalkorDB in ``path``, or Neo4j at ``uri``.

    Neo4j settings left as None come from NEO4J_URI, NEO4J_USERNAME,
    NEO4J_PASSWORD and NEO4J_DATABASE.
    """
    if backend == "falkordb":
        from graph.falkordb_store import FalkorDBStore

        return FalkorDBStore(Path(path) if path is not None else default_store_path())
    if backend == "neo4j":
        from graph.neo4j_store import Neo4jStore

        return Neo4jStore(
            uri=uri or os.environ.get("NEO4J_URI", "bolt://localhost:7687"),
            username=username or os.environ.get("NEO4J_USERNAME", "neo4j"),
            password=password if password is not None else os.environ.get("NEO4J_PASSWORD", ""),
            database=database or os.environ.get("NEO4J_DATABASE") or None,
        )
    raise StoreError(f"unknown backend {backend!r}; choose one of: {', '.join(BACKENDS)}")

"""The StackGraph domain: the graph's schema, the technology catalog and the co-occurrence index.

What loaders/ and queries/ share; built on graph/, which knows nothing of podcasts.
:func:`open_store` opens a store holding the StackGraph schema:

>>> with open_store("falkordb", path=tmp_path / "domain-example") as store:
...     store.counts()
{'nodes': {}, 'relationships': {}}
"""

from __future__ import annotations

import os

import graph
from domain.schema import SCHEMA


def open_store(
    backend: str = "falkordb",
    *,
    path: str | os.PathLike[str] | None = None,
    uri: str | None = None,
    username: str | None = None,
    password: str | None = None,
    database: str | None = None,
    share: bool = False,
) -> graph.GraphStore:
    """:func:`graph.open_store` with the StackGraph schema: the embedded FalkorDB in ``path``
    (default: STACKGRAPH_STORE or the user data directory), or Neo4j at ``uri`` (default:
    NEO4J_URI and friends); ``share`` lets other processes use its embedded server meanwhile."""
    return graph.open_store(
        backend, schema=SCHEMA, path=path, uri=uri, username=username, password=password, database=database,
        share=share,
    )


__all__ = ["SCHEMA", "open_store"]

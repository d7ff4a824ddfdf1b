"""Shared fixtures: real stores, one per backend the machine has.

The ``store`` fixture is parametrized over the backends: the embedded FalkorDB
always, Neo4j when NEO4J_URI points at a server (``make test`` starts one).
Without one, Neo4j tests skip with the reason, unless STACKGRAPH_REQUIRE_NEO4J=1
(as in CI), where they fail instead.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from domain import open_store
from graph import GraphStore

REPO = Path(__file__).resolve().parent.parent
LISTING = REPO / "data" / "running-in-production.txt"


def neo4j_settings() -> dict[str, str] | None:
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        return None
    return {
        "uri": uri,
        "username": os.environ.get("NEO4J_USERNAME", "neo4j"),
        "password": os.environ.get("NEO4J_PASSWORD", ""),
    }


def require_neo4j() -> dict[str, str]:
    settings = neo4j_settings()
    if settings is None:
        reason = "no Neo4j server: set NEO4J_URI (make test starts one when Java and Maven are present)"
        if os.environ.get("STACKGRAPH_REQUIRE_NEO4J") == "1":
            pytest.fail(reason + "; STACKGRAPH_REQUIRE_NEO4J=1 forbids skipping")
        pytest.skip(reason)
    return settings


@pytest.fixture(scope="session")
def falkordb_store(tmp_path_factory) -> GraphStore:
    store = open_store("falkordb", path=tmp_path_factory.mktemp("falkordb") / "store")
    store.ensure_schema()
    yield store
    store.close()


@pytest.fixture(scope="session")
def neo4j_store() -> GraphStore:
    store = open_store("neo4j", **require_neo4j())
    store.ensure_schema()
    yield store
    store.close()


@pytest.fixture(params=["falkordb", "neo4j"])
def store(request) -> GraphStore:
    """An empty store of each backend; emptied again after the test."""
    store = request.getfixturevalue(f"{request.param}_store")
    store.clear()
    yield store
    store.clear()

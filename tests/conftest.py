"""Shared fixtures: real stores, one per backend the machine has.

The ``store`` fixture is parametrized over the backends: the embedded FalkorDB
always, Neo4j when NEO4J_URI points at a server (``make test`` starts one).
Without one, Neo4j tests skip with the reason, unless STACKGRAPH_REQUIRE_NEO4J=1
(as in CI), where they fail instead.

``loaded_store`` is a store directory holding the bundled listing, loaded once per session through
the CLI, for the tests that only read; ``loaded_store_copy`` is a copy of it, for a test that writes.
Helpers that are not fixtures live in modules of their own (cli_helpers, listing_counts): test
modules do not import each other.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Iterator

import pytest

pytest.register_assert_rewrite("cli_helpers", "service_helpers")

from cli_helpers import invoke  # noqa: E402  (after the assert rewrite is registered)
from domain import open_store  # noqa: E402
from graph import GraphStore  # noqa: E402
from service_helpers import Service, running_service  # noqa: E402

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
def falkordb_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    store = open_store("falkordb", path=tmp_path_factory.mktemp("falkordb") / "store")
    store.ensure_schema()
    yield store
    store.close()


@pytest.fixture(scope="session")
def neo4j_store() -> Iterator[GraphStore]:
    store = open_store("neo4j", **require_neo4j())
    store.ensure_schema()
    yield store
    store.close()


@pytest.fixture(params=["falkordb", "neo4j"])
def store(request: pytest.FixtureRequest) -> Iterator[GraphStore]:
    """An empty store of each backend; emptied again after the test."""
    store = request.getfixturevalue(f"{request.param}_store")
    store.clear()
    yield store
    store.clear()


@pytest.fixture(scope="session")
def loaded_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The directory of an embedded store holding the bundled listing, loaded by ``stackgraph load``.

    Shared by every test that only reads it; a test that writes takes ``loaded_store_copy``.
    """
    store = tmp_path_factory.mktemp("loaded") / "store"
    result = invoke("load", "--quiet", str(LISTING), store=store, check=True)
    assert result.stdout == ""
    assert "Loaded 10 episode(s) from 1 file(s)" in result.stderr
    return store


@pytest.fixture
def loaded_store_copy(loaded_store: Path, tmp_path: Path) -> Path:
    """A copy of ``loaded_store`` (a closed store is a directory of files), this test's to change."""
    return Path(shutil.copytree(loaded_store, tmp_path / "store"))


TINY_LISTING = REPO / "tests" / "data" / "tiny.txt"


@pytest.fixture
def graph(store: GraphStore) -> GraphStore:
    """A store of each backend holding the bundled listing."""
    from loaders.pipeline import load_listings

    load_listings([LISTING], store)
    return store


@pytest.fixture
def tiny(store: GraphStore) -> GraphStore:
    """A store of each backend holding tests/data/tiny.txt: Acme {postgres, redis, rails}, Bolt {postgres, redis},
    Coil {postgres, elixir}, Dune {} (no stack)."""
    from loaders.pipeline import load_listings

    load_listings([TINY_LISTING], store)
    return store


@pytest.fixture(scope="module")
def service_falkordb(loaded_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """``stackgraph serve`` over a copy of ``loaded_store``, for the tests of one module."""
    store = Path(shutil.copytree(loaded_store, tmp_path_factory.mktemp("service") / "store"))
    with running_service(store=store) as service:
        yield service


@pytest.fixture(scope="module")
def service_neo4j(neo4j_store: GraphStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """``stackgraph serve`` over the test Neo4j holding the bundled listing, for the tests of one module.

    It shares the test database with ``store``: a module using it does not use ``store`` or ``graph`` too.
    """
    from loaders.pipeline import load_listings

    neo4j_store.clear()
    load_listings([LISTING], neo4j_store)
    neo4j_store.counts()  # the store's next call confirms the load's writes before the server reads them
    with running_service(backend="neo4j", log_dir=tmp_path_factory.mktemp("service"), **require_neo4j()) as service:
        yield service
    neo4j_store.clear()


@pytest.fixture(scope="module", params=["falkordb", "neo4j"])
def service(request: pytest.FixtureRequest) -> Service:
    """The service on each backend over the bundled listing (read-only: the same server serves a module)."""
    return request.getfixturevalue(f"service_{request.param}")

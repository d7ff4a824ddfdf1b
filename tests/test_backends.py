"""Both backends together: copying between them, parity, and the failures users meet.

Real processes where a process is the point: one killed with SIGKILL mid-load, two loading one store.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from cli_helpers import environment_without_settings, invoke, one_line_error
from conftest import LISTING, REPO, require_neo4j
from listing_counts import assert_full_listing
from loaders.copy import copy_graph
from loaders.pipeline import load_listings


def test_copy_from_falkordb_to_neo4j_keeps_every_node_and_relationship(falkordb_store, neo4j_store):
    falkordb_store.clear()
    neo4j_store.clear()
    load_listings([LISTING], falkordb_store)
    copy_graph(falkordb_store, neo4j_store)
    copy_graph(falkordb_store, neo4j_store)  # a second copy changes nothing
    counts = neo4j_store.counts()
    assert counts == falkordb_store.counts()
    assert_full_listing(counts)
    query = "MATCH (t:Topic {offset_s: 1109})-[:MENTIONS]->(m) RETURN t.text AS text, m.id AS id ORDER BY id"
    assert neo4j_store.run(query) == falkordb_store.run(query)
    neo4j_store.clear()
    falkordb_store.clear()


def test_the_same_load_gives_the_same_graph_on_both_backends(falkordb_store, neo4j_store):
    for store in (falkordb_store, neo4j_store):
        store.clear()
        load_listings([LISTING], store)
    assert falkordb_store.counts() == neo4j_store.counts()
    query = (
        "MATCH (c:Company)-[u:USES]->(t:Technology) "
        "RETURN c.id AS company, t.id AS tech, t.category AS category, u.episode AS episode ORDER BY company, tech"
    )
    assert falkordb_store.run(query) == neo4j_store.run(query)
    for store in (falkordb_store, neo4j_store):
        store.clear()


def test_unreachable_neo4j_is_one_line_naming_the_uri():
    result = invoke("--backend", "neo4j", "--uri", "bolt://127.0.0.1:1", "--password", "x", "stats")
    assert result.exit_code == 3
    line = one_line_error(result)
    assert "bolt://127.0.0.1:1" in line


def test_wrong_password_is_one_line_naming_the_uri():
    settings = require_neo4j()
    result = invoke("--backend", "neo4j", "--uri", settings["uri"], "--username", "neo4j",
                    "--password", "not-the-password", "stats")
    assert result.exit_code == 3
    line = one_line_error(result)
    assert settings["uri"] in line and "auth" in line.lower()


def _neo4j_options(request: pytest.FixtureRequest) -> list[str]:
    """The global options of the test Neo4j server, its graph emptied first."""
    request.getfixturevalue("neo4j_store").clear()
    settings = require_neo4j()
    return ["--backend", "neo4j", "--uri", settings["uri"], "--username", settings["username"],
            "--password", settings["password"]]


def test_cli_copy_to_neo4j(tmp_path, request):
    options = _neo4j_options(request)
    store = tmp_path / "store"
    invoke("load", "-q", str(LISTING), store=store, check=True)
    invoke(*options, "copy", "--from", "falkordb", "--to", "neo4j", store=store, check=True)
    stats = json.loads(invoke(*options, "stats", "--format", "json", check=True).stdout)
    assert stats["nodes"]["Episode"] == 10
    assert stats["relationships"]["USES"] == 163


def _store_options(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> list[str]:
    """The global options for a backend whose graph starts empty."""
    if backend == "neo4j":
        return _neo4j_options(request)
    return ["--store", str(tmp_path / "store")]


def _stats(options: list[str]) -> dict[str, dict[str, int]]:
    return json.loads(invoke(*options, "stats", "--format", "json", check=True).stdout)


# Loads a listing two episodes a batch into a store (backend, then open_store's settings as JSON) and,
# once the first batch is written (progress comes for a batch the store has confirmed), says so and
# waits to be killed.
LOAD_UNTIL_KILLED = """
import json, sys, threading
from domain import open_store
from loaders.pipeline import load_listings

def wait_to_be_killed(episodes: int) -> None:
    print(f"wrote {episodes} episodes", flush=True)
    threading.Event().wait()

with open_store(sys.argv[1], **json.loads(sys.argv[2])) as store:
    load_listings([sys.argv[3]], store, batch_episodes=2, progress=wait_to_be_killed)
print("finished: it was not killed", flush=True)
"""


@pytest.mark.parametrize("backend", ["falkordb", "neo4j"])
def test_load_killed_halfway_then_rerun_gives_the_full_graph(tmp_path, backend, request):
    options = _store_options(backend, tmp_path, request)
    settings: dict[str, str] = require_neo4j() if backend == "neo4j" else {"path": str(tmp_path / "store")}
    command = [sys.executable, "-c", LOAD_UNTIL_KILLED, backend, json.dumps(settings), str(LISTING)]
    with subprocess.Popen(command, cwd=REPO, env={**environment_without_settings(), "PYTHONPATH": str(REPO)},
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as loader:
        watchdog = threading.Timer(120, loader.kill)  # a loader that never gets to its first batch
        watchdog.start()
        assert loader.stdout is not None
        first_line = loader.stdout.readline()
        watchdog.cancel()
        loader.send_signal(signal.SIGKILL)
        _, errors = loader.communicate(timeout=60)
    assert first_line == "wrote 2 episodes\n", errors
    assert loader.returncode == -signal.SIGKILL
    # Written before the kill: the first batch, Smart Music and VA.gov with their 23 + 16 stack entries (the
    # second batch may be in too, whole or in part); not the whole listing.
    first_batch = ("MATCH (c:Company)-[u:USES]->() WHERE c.id IN ['smart-music', 'va-gov'] "
                   "RETURN c.id AS company, count(u) AS uses ORDER BY company")
    rows = json.loads(invoke(*options, "cypher", first_batch, "--format", "json", check=True).stdout)
    assert rows == [{"company": "smart-music", "uses": 23}, {"company": "va-gov", "uses": 16}]
    assert _stats(options)["nodes"]["Episode"] < 10
    invoke(*options, "load", "-q", str(LISTING), check=True)
    assert_full_listing(_stats(options))


@pytest.mark.parametrize("backend", ["falkordb", "neo4j"])
def test_two_loads_at_once_leave_no_duplicates(tmp_path, backend, request):
    options = _store_options(backend, tmp_path, request)
    command = [sys.executable, "-m", "stackgraph", *options, "load", "-q", str(LISTING)]
    loads = [subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=environment_without_settings())
             for _ in range(2)]
    for load in loads:
        _, err = load.communicate(timeout=180)
        assert load.returncode == 0, err
    stats = _stats(options)
    assert stats["nodes"]["Technology"] >= 81
    assert_full_listing(stats)

"""Both backends together: copying between them, parity, and the failures users meet."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import LISTING, require_neo4j
from loaders.copy import copy_graph
from loaders.pipeline import load_listings
from test_cli import one_line_error, stackgraph
from test_load import EXPECTED_NODES, EXPECTED_RELATIONSHIPS


def test_copy_from_falkordb_to_neo4j_keeps_every_node_and_relationship(falkordb_store, neo4j_store):
    falkordb_store.clear()
    neo4j_store.clear()
    load_listings([LISTING], falkordb_store)
    copy_graph(falkordb_store, neo4j_store)
    copy_graph(falkordb_store, neo4j_store)  # a second copy changes nothing
    counts = neo4j_store.counts()
    assert counts == falkordb_store.counts()
    for label, n in EXPECTED_NODES.items():
        assert counts["nodes"][label] == n
    for rel_type, n in EXPECTED_RELATIONSHIPS.items():
        assert counts["relationships"][rel_type] == n
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
    result = stackgraph("--backend", "neo4j", "--uri", "bolt://127.0.0.1:1", "--password", "x", "stats")
    assert result.returncode == 3
    line = one_line_error(result)
    assert "bolt://127.0.0.1:1" in line


def test_wrong_password_is_one_line_naming_the_uri():
    settings = require_neo4j()
    result = stackgraph("--backend", "neo4j", "--uri", settings["uri"], "--username", "neo4j",
                        "--password", "not-the-password", "stats")
    assert result.returncode == 3
    line = one_line_error(result)
    assert settings["uri"] in line and "auth" in line.lower()


def test_cli_copy_to_neo4j(tmp_path, request):
    store = tmp_path / "store"
    stackgraph("load", "-q", str(LISTING), store=store, check=True)
    command = _command("neo4j", tmp_path, request) + ["--store", str(store)]
    subprocess.run(command + ["copy", "--from", "falkordb", "--to", "neo4j"], env=_clean_env(), check=True)
    stats = _stats(command)
    assert stats["nodes"]["Episode"] == 10
    assert stats["relationships"]["USES"] == 163


def _big_listing(tmp_path, copies: int):
    """The bundled listing many times over, each copy's episodes moved to another year."""
    text = LISTING.read_text(encoding="utf-8")
    path = tmp_path / "big.txt"
    with path.open("w", encoding="utf-8") as out:
        for n in range(copies):
            shifted = text.replace(", 2020 •", f", {2100 + n} •").replace(", 2019 •", f", {2300 + n} •")
            out.write(shifted + "\n")
    return path


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("STACKGRAPH_", "NEO4J_"))}


def _command(backend: str, tmp_path, request) -> list[str]:
    """The stackgraph command line for a backend whose graph starts empty."""
    if backend == "neo4j":
        request.getfixturevalue("neo4j_store").clear()
        settings = require_neo4j()
        return [sys.executable, "-m", "stackgraph", "--backend", "neo4j", "--uri", settings["uri"],
                "--username", settings["username"], "--password", settings["password"]]
    return [sys.executable, "-m", "stackgraph", "--store", str(tmp_path / "store")]


def _stats(command: list[str]) -> dict:
    result = subprocess.run(command + ["stats", "--format", "json"], capture_output=True, text=True,
                            env=_clean_env(), check=True)
    return json.loads(result.stdout)


@pytest.mark.parametrize("backend", ["falkordb", "neo4j"])
def test_load_killed_halfway_then_rerun_gives_the_full_graph(tmp_path, backend, request):
    # Long enough to be killed in the middle.
    copies = 100 if backend == "falkordb" else 30
    big = _big_listing(tmp_path, copies)
    command = _command(backend, tmp_path, request)
    loader = subprocess.Popen(command + ["load", str(big)], stderr=subprocess.PIPE, text=True, env=_clean_env())
    deadline = time.monotonic() + 60
    progress = ""
    while time.monotonic() < deadline and "Loading episodes" not in progress:
        progress += loader.stderr.read(1)
    time.sleep(0.2)
    loader.send_signal(signal.SIGKILL)
    loader.wait()
    assert _stats(command)["nodes"].get("Episode", 0) < 10 * copies, "the load finished before it was killed"
    subprocess.run(command + ["load", "-q", str(big)], env=_clean_env(), check=True)
    full = _stats(command)
    assert full["nodes"]["Episode"] == 10 * copies
    assert full["nodes"]["Company"] == 10
    assert full["relationships"]["USES"] == 163
    assert full["relationships"]["FEATURES"] == 10 * copies


@pytest.mark.parametrize("backend", ["falkordb", "neo4j"])
def test_two_loads_at_once_leave_no_duplicates(tmp_path, backend, request):
    command = _command(backend, tmp_path, request)
    loads = [subprocess.Popen(command + ["load", "-q", str(LISTING)], stderr=subprocess.PIPE, text=True,
                              env=_clean_env()) for _ in range(2)]
    for load in loads:
        _, err = load.communicate(timeout=180)
        assert load.returncode == 0, err
    stats = _stats(command)
    assert stats["nodes"]["Episode"] == 10
    assert stats["nodes"]["Technology"] >= 81
    for rel_type, n in EXPECTED_RELATIONSHIPS.items():
        assert stats["relationships"][rel_type] == n

"""The CLI end to end on the embedded store, as a user runs it: a real process, real exit codes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import LISTING


def stackgraph(*args: str, store=None, check: bool = False, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the CLI; one that hangs past ``timeout`` fails the test with every thread's stack in it
    (SIGABRT, which PYTHONFAULTHANDLER answers with the stacks) and the end of the store's server log."""
    command = [sys.executable, "-m", "stackgraph"]
    if store is not None:
        command += ["--store", str(store)]
    command += list(args)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STACKGRAPH_", "NEO4J_"))}
    env["PYTHONFAULTHANDLER"] = "1"
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) as child:
        try:
            stdout, stderr = child.communicate(timeout=timeout)
            hung = False
        except subprocess.TimeoutExpired:
            child.send_signal(signal.SIGABRT)
            stdout, stderr = child.communicate()
            hung = True
    if hung:
        server_log = Path(store) / "falkordb.log" if store is not None else None
        log = server_log.read_text(errors="replace")[-3000:] if server_log and server_log.exists() else "(none)"
        pytest.fail(f"stackgraph {' '.join(args)} hung for {timeout:g} s; its stacks:\n{stderr[-6000:]}\n"
                    f"end of the server log:\n{log}")
    result = subprocess.CompletedProcess(command, child.returncode, stdout, stderr)
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    store = tmp_path_factory.mktemp("cli") / "store"
    result = stackgraph("load", "--quiet", str(LISTING), store=store, check=True)
    assert result.stdout == ""
    assert "Loaded 10 episode(s) from 1 file(s)" in result.stderr
    return store


def one_line_error(result: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("stackgraph: error: ")
    return lines[0]


def test_stats_json_is_pure_json(loaded):
    result = stackgraph("stats", "--format", "json", store=loaded, check=True)
    counts = json.loads(result.stdout)
    assert counts["nodes"]["Episode"] == 10
    assert counts["nodes"]["Company"] == 10
    assert counts["nodes"]["HostingProvider"] == 3
    assert counts["relationships"]["USES"] == 163


def test_load_again_reports_nothing_new_and_keeps_counts(loaded):
    before = json.loads(stackgraph("stats", "--format", "json", store=loaded, check=True).stdout)
    result = stackgraph("load", str(LISTING), store=loaded, check=True)
    assert "nothing new" in result.stderr
    after = json.loads(stackgraph("stats", "--format", "json", store=loaded, check=True).stdout)
    assert after == before


def test_cypher_with_parameters_as_json_and_csv(loaded):
    query = "MATCH (c:Company)-[:USES]->(:Technology {id: $tech}) RETURN c.name AS company ORDER BY company"
    result = stackgraph("cypher", query, "--param", "tech=elixir", "--format", "json", store=loaded, check=True)
    assert json.loads(result.stdout) == [
        {"company": "Logflare"}, {"company": "Remote.com"}, {"company": "ScrollKeeper"}, {"company": "Smart Music"}
    ]
    result = stackgraph("cypher", "RETURN $n AS n, $s AS s", "-p", "n=5", "-p", "s=a,b", "--format", "csv",
                        store=loaded, check=True)
    assert result.stdout.splitlines() == ["n,s", '5,"a,b"']


def test_cypher_is_read_only_without_write(loaded):
    result = stackgraph("cypher", "CREATE (:Technology {id: 'intruder'})", store=loaded)
    assert result.returncode == 1
    one_line_error(result)
    count = stackgraph("cypher", "MATCH (t:Technology {id: 'intruder'}) RETURN count(t) AS n", "--format", "json",
                       store=loaded, check=True)
    assert json.loads(count.stdout) == [{"n": 0}]


def test_cypher_write_then_clean_up(loaded):
    stackgraph("cypher", "CREATE (:Technology {id: 'temp-tech'})", "--write", store=loaded, check=True)
    stackgraph("cypher", "MATCH (t:Technology {id: 'temp-tech'}) DELETE t", "--write", store=loaded, check=True)


def test_cypher_syntax_error(loaded):
    result = stackgraph("cypher", "MATCH (n RETURN n", store=loaded)
    assert result.returncode == 1
    one_line_error(result)


def test_stack_by_name_in_any_case(loaded):
    result = stackgraph("stack", "gorails", "--format", "json", store=loaded, check=True)
    rows = json.loads(result.stdout)
    assert rows[0] == {"category": "hosting", "technology": "DigitalOcean", "slug": "digitalocean", "hosting": True}
    assert sorted(row["slug"] for row in rows) == sorted(
        "rails ruby turbolinks stimulusjs bootstrap braintree cloudflare digitalocean lets-encrypt nginx postgres "
        "redis s3 stripe ubuntu webpack wistia".split()
    )


def test_who_uses_by_alias(loaded):
    result = stackgraph("who-uses", "PostgreSQL", "--format", "json", store=loaded, check=True)
    rows = json.loads(result.stdout)
    assert len(rows) == 9  # every company but Openship (MySQL) runs postgres
    assert rows[0] == {"company": "Smart Music",
                       "episode": "Smart Music Helps Musicians Practice More Efficiently",
                       "date": "2020-02-10", "guests": ["Julien Blanchard"]}
    assert rows[-1]["company"] == "Nova ADC"


def test_unknown_technology_suggests_names(loaded):
    result = stackgraph("who-uses", "postgress", store=loaded)
    assert result.returncode == 1
    line = one_line_error(result)
    assert "no technology named 'postgress'" in line
    assert "did you mean" in line and "postgres" in line


def test_catalog_unknown_lists_tags_the_catalog_lacks(tmp_path):
    listing = tmp_path / "one.txt"
    listing.write_text("Mar 2, 2021 • 30min\nQuux Is a Thing\nA description.\n⚙️ Tech Stack\nquuxdb →\nrails →\n",
                       encoding="utf-8")
    store = tmp_path / "store"
    stackgraph("load", "-q", str(listing), store=store, check=True)
    result = stackgraph("catalog", "--unknown", "--format", "json", store=store, check=True)
    assert json.loads(result.stdout) == [{"slug": "quuxdb", "name": "quuxdb"}]


def test_bad_listing_names_file_and_line_and_writes_nothing(tmp_path):
    store = tmp_path / "store"
    bad = tmp_path / "bad.txt"
    bad.write_text("Feb 3, 2020 • 47min\nTitle\nText\nTopics Include\n1:7x – broken\n", encoding="utf-8")
    result = stackgraph("load", str(bad), store=store)
    assert result.returncode == 1
    assert one_line_error(result) == (
        f"stackgraph: error: {bad}:5: bad timestamp '1:7x' (expected M:SS or H:MM:SS); nothing was loaded"
    )
    stats = stackgraph("stats", "--format", "json", store=store, check=True)
    assert json.loads(stats.stdout) == {"nodes": {}, "relationships": {}}


def test_missing_path(tmp_path):
    result = stackgraph("load", str(tmp_path / "nope.txt"), store=tmp_path / "store")
    assert result.returncode == 1
    assert one_line_error(result) == f"stackgraph: error: {tmp_path / 'nope.txt'}: no such file"


def test_store_directory_that_is_not_a_store(tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    result = stackgraph("stats", store=tmp_path)
    assert result.returncode == 3
    assert "not a StackGraph store" in one_line_error(result)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_help_teaches_with_examples():
    result = stackgraph("--help", check=True)
    for command in ("load", "stats", "cypher", "stack", "who-uses", "catalog"):
        assert command in result.stdout
    assert "Example" in stackgraph("load", "--help", check=True).stdout

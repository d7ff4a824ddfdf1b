"""The CLI end to end on the embedded store: output, errors and exit codes as a user meets them.

The commands run in this process (click's CliRunner) against real stores; real processes only where
a process is the point: what a fresh ``stackgraph`` imports, and the exit status a script sees.
"""

from __future__ import annotations

import json
import subprocess
import sys

from cli_helpers import environment_without_settings, invoke, one_line_error, stackgraph
from conftest import LISTING, REPO

# What `stackgraph --help` must not import: the libraries only some commands need, and the store clients.
HEAVY_LIBRARIES = ("numpy", "networkx", "pyvis", "rdflib", "jinja2")
STORE_CLIENTS = ("falkordb", "redis", "neo4j")

# Runs the CLI's main() in a fresh interpreter, then prints which of the named top-level modules it imported.
IMPORTS_OF_A_RUN = """
import json, sys
from stackgraph.cli import main
watched, sys.argv = json.loads(sys.argv[1]), ["stackgraph", *sys.argv[2:]]
try:
    main()
except SystemExit as exit:
    code = exit.code
imported = sorted({name.partition(".")[0] for name in sys.modules} & set(watched))
print(json.dumps({"exit": code, "imported": imported}), file=sys.stderr)
"""


def imports_of(watched: tuple[str, ...], *args: str) -> dict[str, object]:
    """Run ``stackgraph ARGS`` in a new interpreter: its exit code and which of the watched libraries it imported."""
    result = subprocess.run([sys.executable, "-c", IMPORTS_OF_A_RUN, json.dumps(watched), *args], cwd=REPO,
                            env={**environment_without_settings(), "PYTHONPATH": str(REPO)},
                            capture_output=True, text=True, timeout=120)
    return json.loads(result.stderr.strip().splitlines()[-1])


def test_help_imports_no_heavy_library_and_no_store_client():
    assert imports_of(HEAVY_LIBRARIES + STORE_CLIENTS, "--help") == {"exit": 0, "imported": []}


def test_stats_imports_no_heavy_library(loaded_store):
    assert imports_of(HEAVY_LIBRARIES, "--store", str(loaded_store), "stats") == {"exit": 0, "imported": []}


def test_a_real_process_exits_with_the_codes_scripts_rely_on(tmp_path):
    assert stackgraph("stats", "--format", "json", store=tmp_path / "store").returncode == 0
    bad = tmp_path / "bad.txt"
    bad.write_text("Feb 3, 2020 • 47min\nTitle\nText\nTopics Include\n1:7x – broken\n", encoding="utf-8")
    assert stackgraph("load", str(bad), store=tmp_path / "store").returncode == 1
    assert stackgraph("stats", "--format", "yaml", store=tmp_path / "store").returncode == 2
    (tmp_path / "not-a-store").mkdir()
    (tmp_path / "not-a-store" / "notes.txt").write_text("mine", encoding="utf-8")
    assert stackgraph("stats", store=tmp_path / "not-a-store").returncode == 3


def test_stats_json_is_pure_json(loaded_store):
    result = invoke("stats", "--format", "json", store=loaded_store, check=True)
    counts = json.loads(result.stdout)
    assert counts["nodes"]["Episode"] == 10
    assert counts["nodes"]["Company"] == 10
    assert counts["nodes"]["HostingProvider"] == 3
    assert counts["relationships"]["USES"] == 163


def test_load_again_reports_nothing_new_and_keeps_counts(loaded_store_copy):
    before = json.loads(invoke("stats", "--format", "json", store=loaded_store_copy, check=True).stdout)
    result = invoke("load", str(LISTING), store=loaded_store_copy, check=True)
    assert "nothing new" in result.stderr
    after = json.loads(invoke("stats", "--format", "json", store=loaded_store_copy, check=True).stdout)
    assert after == before


def test_cypher_with_parameters_as_json_and_csv(loaded_store):
    query = "MATCH (c:Company)-[:USES]->(:Technology {id: $tech}) RETURN c.name AS company ORDER BY company"
    result = invoke("cypher", query, "--param", "tech=elixir", "--format", "json", store=loaded_store, check=True)
    assert json.loads(result.stdout) == [
        {"company": "Logflare"}, {"company": "Remote.com"}, {"company": "ScrollKeeper"}, {"company": "Smart Music"}
    ]
    result = invoke("cypher", "RETURN $n AS n, $s AS s", "-p", "n=5", "-p", "s=a,b", "--format", "csv",
                    store=loaded_store, check=True)
    assert result.stdout.splitlines() == ["n,s", '5,"a,b"']


def test_cypher_is_read_only_without_write(loaded_store_copy):
    result = invoke("cypher", "CREATE (:Technology {id: 'intruder'})", store=loaded_store_copy)
    assert result.exit_code == 1
    one_line_error(result)
    count = invoke("cypher", "MATCH (t:Technology {id: 'intruder'}) RETURN count(t) AS n", "--format", "json",
                   store=loaded_store_copy, check=True)
    assert json.loads(count.stdout) == [{"n": 0}]


def test_cypher_write_then_clean_up(loaded_store_copy):
    count = "MATCH (t:Technology {id: 'temp-tech'}) RETURN count(t) AS n"
    invoke("cypher", "CREATE (:Technology {id: 'temp-tech'})", "--write", store=loaded_store_copy, check=True)
    assert json.loads(invoke("cypher", count, "--format", "json", store=loaded_store_copy).stdout) == [{"n": 1}]
    invoke("cypher", "MATCH (t:Technology {id: 'temp-tech'}) DELETE t", "--write", store=loaded_store_copy, check=True)
    assert json.loads(invoke("cypher", count, "--format", "json", store=loaded_store_copy).stdout) == [{"n": 0}]


def test_cypher_syntax_error(loaded_store):
    result = invoke("cypher", "MATCH (n RETURN n", store=loaded_store)
    assert result.exit_code == 1
    one_line_error(result)


def test_stack_by_name_in_any_case(loaded_store):
    result = invoke("stack", "gorails", "--format", "json", store=loaded_store, check=True)
    rows = json.loads(result.stdout)
    assert rows[0] == {"category": "hosting", "name": "DigitalOcean", "technology": "digitalocean", "hosting": True}
    assert sorted(row["technology"] for row in rows) == sorted(
        "rails ruby turbolinks stimulusjs bootstrap braintree cloudflare digitalocean lets-encrypt nginx postgres "
        "redis s3 stripe ubuntu webpack wistia".split()
    )


def test_who_uses_by_alias(loaded_store):
    result = invoke("who-uses", "PostgreSQL", "--format", "json", store=loaded_store, check=True)
    rows = json.loads(result.stdout)
    assert len(rows) == 9  # every company but Openship (MySQL) runs postgres
    assert rows[0] == {"company": "smart-music", "name": "Smart Music",
                       "episode": "Smart Music Helps Musicians Practice More Efficiently",
                       "date": "2020-02-10", "guests": ["Julien Blanchard"]}
    assert rows[-1]["name"] == "Nova ADC"


def test_unknown_technology_suggests_names(loaded_store):
    result = invoke("who-uses", "postgress", store=loaded_store)
    assert result.exit_code == 1
    line = one_line_error(result)
    assert "no technology named 'postgress'" in line
    assert "did you mean" in line and "postgres" in line


def test_catalog_unknown_lists_tags_the_catalog_lacks(tmp_path):
    listing = tmp_path / "one.txt"
    listing.write_text("Mar 2, 2021 • 30min\nQuux Is a Thing\nA description.\n⚙️ Tech Stack\nquuxdb →\nrails →\n",
                       encoding="utf-8")
    store = tmp_path / "store"
    invoke("load", "-q", str(listing), store=store, check=True)
    result = invoke("catalog", "--unknown", "--format", "json", store=store, check=True)
    assert json.loads(result.stdout) == [{"technology": "quuxdb", "name": "quuxdb", "category": "other"}]  # nothing says more


def test_bad_listing_names_file_and_line_and_writes_nothing(tmp_path):
    store = tmp_path / "store"
    bad = tmp_path / "bad.txt"
    bad.write_text("Feb 3, 2020 • 47min\nTitle\nText\nTopics Include\n1:7x – broken\n", encoding="utf-8")
    result = invoke("load", str(bad), store=store)
    assert result.exit_code == 1
    assert one_line_error(result) == (
        f"stackgraph: error: {bad}:5: bad timestamp '1:7x' (expected M:SS or H:MM:SS); nothing was loaded"
    )
    stats = invoke("stats", "--format", "json", store=store, check=True)
    assert json.loads(stats.stdout) == {"nodes": {}, "relationships": {}}


def test_missing_path(tmp_path):
    result = invoke("load", str(tmp_path / "nope.txt"), store=tmp_path / "store")
    assert result.exit_code == 1
    assert one_line_error(result) == f"stackgraph: error: {tmp_path / 'nope.txt'}: no such file"


def test_store_directory_that_is_not_a_store(tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    result = invoke("stats", store=tmp_path)
    assert result.exit_code == 3
    assert "not a StackGraph store" in one_line_error(result)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_help_teaches_with_examples():
    result = invoke("--help", check=True)
    for command in ("load", "stats", "cypher", "stack", "who-uses", "catalog"):
        assert command in result.stdout
    assert "Example" in invoke("load", "--help", check=True).stdout


def test_the_cli_offers_the_choices_the_library_has():
    """The choices the CLI spells out (so that building it imports no graph library) are the library's."""
    from graph import BACKENDS
    from queries.similar import RANKINGS
    from stackgraph import app
    from stackgraph.commands import export, queries, viz
    from visualizations.networkx_export import EXPORT_FORMATS
    from visualizations.pages import KINDS
    from visualizations.rdf_export import RDF_FORMATS

    assert app.BACKENDS == BACKENDS
    assert queries.RANKINGS == RANKINGS
    assert viz.KINDS == KINDS
    assert export.EXPORT_FORMATS == EXPORT_FORMATS
    assert export.RDF_FORMATS == tuple(RDF_FORMATS)


"""The CLI's everyday edges (issue 18): tables that fit, the shared options, helpful answers to mistakes."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys

import pytest

from cli_helpers import environment_without_settings, invoke, one_line_error
from conftest import TINY_LISTING as TINY
from stackgraph.output import render


# --- tables people read -------------------------------------------------------------------------


def test_a_table_fits_the_terminal_by_wrapping_long_cells(loaded_store):
    # Remote.com and ScrollKeeper share nine technologies: with the rest, 300 columns on one line.
    for columns in (100, 60):
        result = invoke("similar", "Remote.com", store=loaded_store, env={"COLUMNS": str(columns)}, check=True)
        assert max(len(line) for line in result.stdout.splitlines()) <= columns
    lines = invoke("similar", "Remote.com", "--limit", "1", store=loaded_store, env={"COLUMNS": "100"}).stdout.splitlines()
    assert lines[0].split() == ["name", "company", "jaccard", "cosine", "shared_count", "shared", "only_here",
                                "only_there"]
    # Jaccard 9 / (17 + 15 - 9); the shared list wraps, starting with Amazon ECS.
    first = lines[2].split()
    assert first[:3] == ["ScrollKeeper", "scrollkeeper", "0.3913"] and first[4:7] == ["9", "Amazon", "ECS,"]


def test_lists_and_booleans_read_as_words(loaded_store):
    # GoRails is hosted on DigitalOcean: the only hosting provider of its stack, so the first row.
    table = invoke("stack", "gorails", store=loaded_store, env={"COLUMNS": "200"}, check=True).stdout.splitlines()
    assert table[2].split() == ["hosting", "DigitalOcean", "digitalocean", "yes"]
    assert table[3].split()[-1] == "no"
    # Logflare, the only Elixir company on Google Cloud, as a CSV list cell.
    csv = invoke("hosting", "elixir", "--format", "csv", store=loaded_store, check=True).stdout.splitlines()
    assert csv[1] == 'AWS,aws,3,"Remote.com, ScrollKeeper, Smart Music"'


def test_control_characters_are_escaped_in_tables_and_in_csv_to_a_terminal():
    rows = [{"name": "\x1b[2Jgone", "note": "two\nlines"}]
    assert render(rows, "table", width=80).splitlines()[2] == "\\x1b[2Jgone  two\\nlines"
    assert render(rows, "csv", terminal=False) == 'name,note\n\x1b[2Jgone,"two\nlines"'
    assert render(rows, "csv", terminal=True) == 'name,note\n\\x1b[2Jgone,two\\nlines'


# --- --format and --limit everywhere ------------------------------------------------------------


def test_stats_takes_any_case_of_format_and_a_limit(loaded_store):
    counts = json.loads(invoke("stats", "--format", "JSON", store=loaded_store, check=True).stdout)
    assert counts["nodes"]["Episode"] == 10
    csv = invoke("stats", "--format", "csv", "--limit", "2", store=loaded_store, check=True).stdout.splitlines()
    assert csv[0] == "kind,name,count" and len(csv) == 3
    none = json.loads(invoke("stats", "--format", "json", "--limit", "0", store=loaded_store, check=True).stdout)
    assert none == {"nodes": {}, "relationships": {}}


def test_analyze_and_catalog_take_csv_and_a_limit(loaded_store):
    analyze = invoke("analyze", "--format", "csv", "--limit", "1", store=loaded_store, check=True).stdout.splitlines()
    # postgres: in 9 of the 10 stacks, the most connected technology.
    assert analyze[0] == "technology,name,category,companies,degree,betweenness,community"
    assert analyze[1].startswith("postgres,PostgreSQL,database,9,") and len(analyze) == 2
    [entry] = json.loads(invoke("catalog", "--format", "json", "--limit", "1", check=True).stdout)
    assert set(entry) == {"technology", "name", "category", "hosting", "aliases"}


def test_sparql_and_cypher_take_a_limit(tmp_path, loaded_store):
    data = tmp_path / "two.nt"
    data.write_text('<https://x.test/a> <https://schema.org/name> "A" .\n'
                    '<https://x.test/b> <https://schema.org/name> "B" .\n', encoding="utf-8")
    query = "SELECT ?name WHERE { ?thing schema:name ?name } ORDER BY ?name"
    assert invoke("sparql", query, "--data", str(data), "--format", "CSV", "--limit", "1",
                  check=True).stdout.splitlines() == ["name", "A"]
    rows = invoke("cypher", "UNWIND [1, 2, 3] AS n RETURN n", "--limit", "2", "--format", "json",
                  store=loaded_store, check=True).stdout
    assert json.loads(rows) == [{"n": 1}, {"n": 2}]


def test_path_prints_each_chain_once_and_avoids_the_podcast(loaded_store):
    # Logflare uses Elixir and runs on Google Cloud, both as USES and as HOSTED_ON.
    result = invoke("path", "elixir", "Google Cloud", "--format", "csv", store=loaded_store, check=True)
    assert result.stdout.splitlines() == ["hops,chain", "2,Elixir <-USES- Logflare -HOSTED_ON-> Google Cloud",
                                          "2,Elixir <-USES- Logflare -USES-> Google Cloud"]


# --- helpful answers to mistakes and empty results ----------------------------------------------


def test_an_empty_store_says_so_and_how_to_fill_it(tmp_path):
    empty = tmp_path / "empty"
    result = invoke("who-uses", "elixir", store=empty)
    assert result.exit_code == 1
    assert one_line_error(result) == (f"stackgraph: error: the store at {empty} is empty; load the bundled listing "
                                      "first: stackgraph load data/running-in-production.txt")


def test_a_technology_only_mentioned_points_to_its_timeline(loaded_store):
    # Heroku is in no stack; topics of the Jan 13 and Dec 19 episodes name it.
    result = invoke("who-uses", "heroku", store=loaded_store, check=True)
    assert result.stderr == "'heroku' is in no company's stack; 2 episode(s) mention it: stackgraph timeline heroku\n"


def test_suggestions_name_each_thing_once(loaded_store):
    result = invoke("similar", "remote.cm", store=loaded_store)
    assert result.exit_code == 1
    assert one_line_error(result) == "stackgraph: error: no company named 'remote.cm' in the store; did you mean 'Remote.com'?"


def test_an_unknown_kind_prefix_is_refused(loaded_store):
    result = invoke("path", "foo:Elixir", "redis", store=loaded_store)
    assert result.exit_code == 1
    assert one_line_error(result) == ("stackgraph: error: no kind of thing called 'foo'; prefix one of: "
                                      "company, technology, person, episode (e.g. technology:elixir)")


def test_a_category_filter_is_checked(loaded_store):
    # "cach": cache 4 of 4 letters (ratio 8/9), search c-h and a (6/10, the cut-off).
    result = invoke("cooccurring", "postgres", "--category", "cach", store=loaded_store)
    assert result.exit_code == 1
    assert one_line_error(result) == ("stackgraph: error: no category named 'cach' in the store; "
                                      "did you mean 'cache', 'search'?")
    assert invoke("cooccurring", "postgres", "--category", "CACHE", store=loaded_store).exit_code == 0


def test_a_stack_of_commas_is_refused(loaded_store):
    result = invoke("similar", "--stack", ",, ", store=loaded_store)
    assert result.exit_code == 2 and "--stack names no technology" in result.stderr


def test_viz_around_implies_ego_and_depth_needs_it(loaded_store, tmp_path):
    page = tmp_path / "logflare.html"
    result = invoke("viz", "--around", "logflare", "--output", str(page), store=loaded_store, check=True)
    assert "<title>Around Logflare (1 hop)</title>" in page.read_text(encoding="utf-8")
    assert result.stderr.splitlines()[-1].startswith(f"Wrote {page}: ")
    assert invoke("viz", "--depth", "2", "--output", str(page), store=loaded_store).exit_code == 2
    assert invoke("viz", "--kind", "similar", "--around", "x", "--output", str(page), store=loaded_store).exit_code == 2
    unknown = invoke("viz", "--around", "logflre", "--output", str(page), store=loaded_store)
    assert one_line_error(unknown) == ("stackgraph: error: no company, technology, person or episode named "
                                       "'logflre' in the store; did you mean 'Logflare', 'Cloudflare'?")


def test_an_output_folder_that_does_not_exist_fails_before_any_work(loaded_store, tmp_path):
    missing = tmp_path / "no-such-folder" / "page.html"
    for args in (["viz", "--output", str(missing)], ["export", "--format", "turtle", "--output", str(missing)]):
        result = invoke(*args, store=loaded_store)
        assert result.exit_code == 1
        assert one_line_error(result) == f"stackgraph: error: {missing}: folder '{missing.parent}' does not exist"
    assert not missing.parent.exists()


def test_a_missing_listing_and_a_folder_are_both_invalid_input(tmp_path):
    for path, why in ((tmp_path / "nope.txt", "no such file"), (tmp_path, "is a directory, not a listing file")):
        result = invoke("load", str(path), store=tmp_path / "store")
        assert result.exit_code == 1
        assert one_line_error(result) == f"stackgraph: error: {path}: {why}"


# --- cypher ---------------------------------------------------------------------------------------


def test_a_cypher_write_reports_what_it_changed(loaded_store_copy):
    created = invoke("cypher", "CREATE (:Technology {id: 'temp-tech', name: 'Temp'})", "--write",
                     store=loaded_store_copy, check=True)
    assert created.stderr == "Created 1 node, set 2 properties\n"
    deleted = invoke("cypher", "MATCH (t:Technology {id: 'temp-tech'}) DELETE t", "--write",
                     store=loaded_store_copy, check=True)
    assert deleted.stderr == "Deleted 1 node\n"
    nothing = invoke("cypher", "MATCH (t:Technology {id: 'temp-tech'}) DELETE t", "--write",
                     store=loaded_store_copy, check=True)
    assert nothing.stderr == "Changed nothing\n"


def test_cypher_mistakes_are_one_clean_line(loaded_store):
    cases = {
        ("MATCH (t:Technology {id: $tech}) RETURN t.name, $other",):
            "no value for $tech, $other: give it with --param tech=VALUE",
        ("MATCH (n RETURN n",): "Invalid input 'R': expected a label, '{', a parameter or ')' (line 1, column 10)",
        ("  ",): 'the query is empty; give a Cypher statement, e.g. "MATCH (n) RETURN count(n) AS nodes"',
        ("CREATE (:Technology {id: 'x'})",):
            "this statement writes, and the query runs read-only: add --write to let it change the graph",
    }
    for args, message in cases.items():
        result = invoke("cypher", *args, store=loaded_store)
        assert result.exit_code == 1, args
        assert one_line_error(result) == f"stackgraph: error: {message}"


# --- options where people type them ---------------------------------------------------------------


def test_the_store_option_may_follow_the_command(loaded_store):
    before = invoke("--store", str(loaded_store), "stats", "--format", "json", check=True).stdout
    assert invoke("stats", "--store", str(loaded_store), "--format", "json", check=True).stdout == before
    assert invoke("stats", "--format", "json", f"--store={loaded_store}", check=True).stdout == before
    # A value that looks like the option is a value: the parameter x is the text "--store".
    echo = invoke("cypher", "RETURN $x AS x", "--param", "x=--store", "--store", str(loaded_store), "--format", "csv",
                  check=True)
    assert echo.stdout.splitlines() == ["x", "--store"]


# --- load's summary -------------------------------------------------------------------------------


def test_load_counts_repeated_episodes_and_summarises_in_json(tmp_path):
    tiny = "tests/data/tiny.txt"  # four episodes: Acme, Bolt, Coil, Dune
    twice = invoke("load", tiny, tiny, "-q", store=tmp_path / "store", check=True)
    assert twice.stderr.startswith(f"Loaded 4 episode(s) from 2 file(s) into {tmp_path / 'store'} "
                                   "(8 listed, 4 repeated): ")
    again = invoke("load", tiny, "--format", "json", store=tmp_path / "store", check=True)
    assert json.loads(again.stdout) == {"store": str(tmp_path / "store"), "files": 1, "episodes": 4, "listed": 4,
                                        "repeated": 0, "skipped": [], "added": {"nodes": {}, "relationships": {}}}


# --- schema ---------------------------------------------------------------------------------------


def test_schema_lists_the_codes_labels_with_what_the_store_holds(loaded_store, tmp_path):
    rows = {row["name"]: row for row in json.loads(invoke("schema", "--format", "json", store=loaded_store,
                                                          check=True).stdout)}
    assert list(rows)[:8] == ["Podcast", "Episode", "Person", "Company", "Technology", "Library", "Topic", "Link"]
    assert rows["Link"]["key"] == "url" and rows["Technology"]["properties"] == ["category", "id", "name"]
    assert rows["USES"]["connects"] == ["Company -> Technology"] and rows["USES"]["properties"] == ["episode"]
    assert rows["HostingProvider"] == {"kind": "label", "name": "HostingProvider", "key": "id", "properties": [],
                                       "connects": ["Technology"], "note": "also carried by some Technology nodes"}
    assert rows["Index"]["note"] == "derived: the co-occurrence index's state"
    empty = json.loads(invoke("schema", "--format", "json", store=tmp_path / "empty", check=True).stdout)
    assert [row["name"] for row in empty] == list(rows) and all(row["properties"] == [] for row in empty)


def test_shell_completion_as_the_readme_shows_it():
    script = invoke(env={"_STACKGRAPH_COMPLETE": "bash_source"}).stdout
    assert "_stackgraph_completion()" in script and "complete -o nosort -F _stackgraph_completion stackgraph" in script


# --- long work says what it is doing ------------------------------------------------------------


def test_analyze_export_and_viz_say_what_they_are_doing(loaded_store, tmp_path):
    reading = f"Reading the graph from {loaded_store}…"
    analyze = invoke("analyze", "--limit", "1", store=loaded_store, check=True)
    assert analyze.stderr.splitlines() == [reading, "Ranking technologies and finding communities…"]
    export = invoke("export", "--format", "nt", "--output", str(tmp_path / "g.nt"), store=loaded_store, check=True)
    assert export.stderr.splitlines() == [reading, "Writing it as nt…", f"Wrote {tmp_path / 'g.nt'}"]
    viz = invoke("viz", "--kind", "similar", "--output", str(tmp_path / "s.html"), store=loaded_store, check=True)
    assert viz.stderr.splitlines() == [f"Drawing the similar page from {loaded_store}…",
                                       f"Wrote {tmp_path / 's.html'}: 10 nodes, 44 edges"]


def test_the_viz_page_searches_by_name_with_one_reset_and_one_hosting_entry(loaded_store, tmp_path):
    page = tmp_path / "logflare.html"
    invoke("viz", "--around", "company:logflare", "--depth", "2", "--output", str(page), store=loaded_store, check=True)
    text = page.read_text(encoding="utf-8")
    assert "<title>Around Logflare (2 hops)</title>" in text
    # Logflare is a company and (in its own stack) a technology: the search tells the two apart.
    assert '<option value="Company:logflare">Logflare (company)</option>' in text
    assert '<option value="Technology:logflare">Logflare (technology)</option>' in text
    assert '<option value="Company:gorails">GoRails</option>' in text
    assert text.count("Reset Selection") == 1
    assert 'onclick="neighbourhoodHighlight({nodes: []}); clearFilter(true)"' in text
    assert "Technology: hosting provider" in text and "Technology: hosting<" not in text


def test_a_prefixed_episode_suggests_the_titles_that_hold_the_name(loaded_store):
    result = invoke("path", "episode:gorails", "elixir", store=loaded_store)
    assert result.exit_code == 1
    assert one_line_error(result) == ("stackgraph: error: no episode named 'gorails' in the store; did you mean "
                                      "'Learn Ruby on Rails through Screencast Tutorials on GoRails'?")


@pytest.mark.parametrize("signum,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_load_says_how_far_it_got_and_how_to_finish(tmp_path, signum, code):
    # 250 copies of the tiny listing's four episodes, each copy's titles numbered: 1000 episodes, five
    # batches of 200. The bar's label comes once the first batch is written; Ctrl-C (SIGINT) or a
    # SIGTERM then, with four batches to go.
    blocks = TINY.read_text(encoding="utf-8").split("\n\n")
    copies = [re.sub(r"(?m)^(\w+ Is a \w+ Shop)$", rf"\1 {n}", block) for n in range(250) for block in blocks]
    listing = tmp_path / "many.txt"
    listing.write_text("\n\n".join(copies), encoding="utf-8")
    command = [sys.executable, "-m", "stackgraph", "--store", str(tmp_path / "store"), "load", str(listing)]
    with subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=environment_without_settings()) as loader:
        assert loader.stderr is not None
        label = loader.stderr.read(len("Loading episodes"))
        loader.send_signal(signum)
        _, errors = loader.communicate(timeout=120)
    assert label == "Loading episodes"
    assert loader.returncode == code, errors
    written = re.fullmatch(r"\s*stackgraph: error: interrupted after (200|400|600|800) of 1000 episodes were written; "
                           r"run the same load again to complete it\n", errors)
    assert written, errors
    # The store was closed on the way out: the embedded server saved what was written (the count is of
    # batches confirmed; the next may have been written too).
    stats = json.loads(invoke("stats", "--format", "json", store=tmp_path / "store", check=True).stdout)
    assert stats["nodes"]["Episode"] >= int(written[1])
    invoke("load", "-q", str(listing), store=tmp_path / "store", check=True)
    stats = json.loads(invoke("stats", "--format", "json", store=tmp_path / "store", check=True).stdout)
    assert stats["nodes"]["Episode"] == 1000

"""The co-occurrence index on every backend: counts worked out by hand, and kept right across loads.

The ten stacks, as listed under "⚙️ Tech Stack" in data/running-in-production.txt, are written out
in the docstring of test_queries.py (N = 10 companies). In listing order the episodes are Smart
Music, VA.gov, Kernl.us, ScrollKeeper, Remote.com (1-5), then GoRails, Logflare, ScholarPack,
Nova ADC, Openship (6-10).
"""

from __future__ import annotations

import json

import pytest

from cli_helpers import invoke
from conftest import LISTING, TINY_LISTING
from domain.cooccurrence import CooccurrenceIndex, is_fresh, read_state, untracked_write
from loaders.copy import copy_graph
from loaders.pipeline import load_listings
from queries.cooccurring import cooccurring, cooccurring_pairs
from queries.path import path

ROWS = "MATCH (a:Technology)-[r:CO_OCCURS]->(b:Technology) RETURN a.id AS a, b.id AS b, r.companies AS n"

# Elixir (4 users: SM SK Remote Logflare) with: phoenix 4 (4 users, lift 4·10/(4·4) = 2.5),
# postgres 4 (9 users, lift 10/9); docker SK Remote Logflare = 3 (5 users, lift 1.5),
# react SM SK Remote = 3 (5 users, lift 1.5), aws SM SK Remote = 3 (6 users, lift 1.25).
ELIXIR_TOP5 = [("phoenix", 4), ("postgres", 4), ("docker", 3), ("react", 3), ("aws", 3)]

# A second GoRails episode whose stack adds elixir and docker to GoRails' 17 technologies.
GROWN = """\
Jan 7, 2020 • 30min
Learn Ruby on Rails through Screencast Tutorials on GoRails
In this episode of Running in Production, Chris Oliver goes over how he builds GoRails.
⚙️ Tech Stack
postgres →
elixir →
docker →
"""


def stored(store) -> dict[tuple[str, str], int]:
    return {(row["a"], row["b"]): row["n"] for row in store.run(ROWS)}


def answers(store) -> list:
    """Everything the read side says about the graph, for comparing the indexed and fallback paths."""
    result = [cooccurring_pairs(store, min_count=1), cooccurring_pairs(store, min_count=3, limit=2)]
    for technology in ("elixir", "postgres", "victorops", "digitalocean", "rails"):
        result += [cooccurring(store, technology), cooccurring(store, technology, limit=3),
                   cooccurring(store, technology, category="hosting", min_count=2)]
    return result


def mark_stale(store) -> None:
    store.run("MATCH (i:Index) SET i.stale = true", write=True)


def split_listing(tmp_path) -> tuple:
    """The listing as two files at the sixth episode's header line, both with the podcast header."""
    lines = LISTING.read_text(encoding="utf-8").split("\n")
    headers = [number for number, line in enumerate(lines) if " • " in line and line[:3] in ("Jan", "Feb", "Dec")]
    assert len(headers) == 10
    first, second = tmp_path / "episodes-1-5.txt", tmp_path / "episodes-6-10.txt"
    first.write_text("\n".join(lines[: headers[5]]), encoding="utf-8")
    second.write_text("\n".join(lines[: headers[0]] + lines[headers[5]:]), encoding="utf-8")
    return first, second


def test_counts_worked_out_by_hand(store):
    load_listings([LISTING], store)
    assert read_state(store).status == "fresh"
    rows = stored(store)
    assert all(a <= b for a, b in rows)  # once per pair
    diagonal = {a: n for (a, b), n in rows.items() if a == b}
    assert len(diagonal) == 81  # the distinct stack technologies
    assert sum(diagonal.values()) == 163  # the stack entries
    # Pairs summed over the companies, C(size, 2): 253+120+120+105+136+136+36+136+190+78.
    assert sum(n for (a, b), n in rows.items() if a != b) == 1310
    assert diagonal["postgres"] == 9 and diagonal["elixir"] == 4 and diagonal["redis"] == 6
    assert rows[("elixir", "phoenix")] == 4
    assert rows[("elixir", "postgres")] == 4
    assert rows[("postgres", "redis")] == 6
    assert rows[("rails", "ruby")] == 3
    assert rows[("digitalocean", "ubuntu")] == 3  # Kernl GoRails Nova
    assert rows[("elixir", "redis")] == 2  # SM Remote
    assert ("elixir", "mysql") not in rows  # only Openship uses mysql
    assert [(c.technology, c.shared) for c in cooccurring(store, "elixir", limit=5)] == ELIXIR_TOP5
    postgres = cooccurring(store, "elixir", limit=2)[1]
    assert (postgres.support, postgres.confidence) == (pytest.approx(0.4), 1.0)
    assert (postgres.lift, postgres.jaccard) == (pytest.approx(10 / 9), pytest.approx(4 / 9))


def test_derived_data_is_not_part_of_the_domain_graph(store):
    load_listings([LISTING], store)
    counts = store.counts()
    assert "Index" not in counts["nodes"] and "CO_OCCURS" not in counts["relationships"]
    # Elixir -CO_OCCURS-> Phoenix would be one hop; through the stacks it is two.
    paths = path(store, "Elixir", "Phoenix")
    assert {p.hops for p in paths} == {2}
    assert all("CO_OCCURS" not in p.relationships for p in paths)


def test_indexed_and_fallback_answers_are_the_same(store):
    load_listings([LISTING], store)
    fresh = answers(store)
    mark_stale(store)
    assert not is_fresh(store)
    assert answers(store) == fresh
    assert read_state(store).status == "stale"  # reads never repair the index


def test_loading_twice_keeps_the_same_rows(store):
    load_listings([LISTING], store)
    first = stored(store)
    load_listings([LISTING], store)
    assert stored(store) == first
    assert is_fresh(store)


def test_two_loads_add_up_to_one_load(store, tmp_path):
    first, second = split_listing(tmp_path)
    load_listings([first], store)
    # Episodes 1-5: elixir & phoenix SM SK Remote = 3; postgres in all 5 stacks.
    rows = stored(store)
    assert rows[("elixir", "phoenix")] == 3 and rows[("postgres", "postgres")] == 5
    assert is_fresh(store)
    load_listings([second], store)
    in_two = stored(store)
    store.clear()
    load_listings([LISTING], store)
    assert in_two == stored(store)


def test_a_stack_that_grows_counts_new_with_old(store, tmp_path):
    grown = tmp_path / "grown.txt"
    grown.write_text(GROWN, encoding="utf-8")
    load_listings([LISTING], store)
    load_listings([grown], store)
    assert store.counts()["nodes"]["Company"] == 10  # the same GoRails
    rows = stored(store)
    assert rows[("elixir", "elixir")] == 5 and rows[("docker", "docker")] == 6
    assert rows[("docker", "elixir")] == 4  # SK Remote Logflare + GoRails
    assert rows[("elixir", "rails")] == 2  # SM + GoRails
    assert rows[("elixir", "redis")] == 3  # SM Remote + GoRails
    assert rows[("docker", "rails")] == 1  # GoRails only
    assert rows[("postgres", "postgres")] == 9  # GoRails used it already
    assert is_fresh(store)
    grown_in_two = rows
    store.clear()
    load_listings([LISTING, grown], store)
    assert stored(store) == grown_in_two


def test_interrupted_load_is_stale_reads_right_and_the_next_load_repairs(store):
    load_listings([LISTING], store)
    clean = stored(store)
    store.clear()

    def stop_after_the_first_batch(episodes: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        load_listings([LISTING], store, batch_episodes=2, progress=stop_after_the_first_batch)
    assert read_state(store).status == "stale"
    # Written: Smart Music and VA.gov. With rails (both): ruby react aws jenkins postgres redis s3 sentry in
    # both stacks; the other 14 of Smart Music and 7 of VA.gov once.
    both = "ruby react aws jenkins postgres redis s3 sentry".split()
    once = ("graphql phoenix elixir aurora braintree dotnet-core eks github-actions influxdb kubernetes new-relic "
            "nginx ses victorops node ansible cloudwatch elasticsearch open-source sns terraform").split()
    expected = {**{slug: 2 for slug in both}, **{slug: 1 for slug in once}}
    assert {c.technology: c.shared for c in cooccurring(store, "rails")} == expected
    assert stored(store) == {}  # nothing counted yet: the answer came from the stacks
    load_listings([LISTING], store)
    assert is_fresh(store)
    assert stored(store) == clean


def test_a_reindex_during_a_load_is_not_counted_twice(store, tmp_path):
    first, second = split_listing(tmp_path)
    load_listings([first], store)
    reindexed = []

    def reindex_after_the_first_batch(episodes: int) -> None:
        # Progress hears of the first batch (GoRails, Logflare) once the second (ScholarPack, Nova ADC) is
        # written too: the reindex counts all four with the first five.
        if not reindexed:
            reindexed.append(CooccurrenceIndex(store).rebuild())

    load_listings([second], store, batch_episodes=2, progress=reindex_after_the_first_batch)
    assert reindexed[0].companies == 9
    in_two = stored(store)
    store.clear()
    load_listings([LISTING], store)
    assert in_two == stored(store)


def test_a_write_outside_the_loader_makes_reads_fall_back_until_reindexed(store):
    load_listings([LISTING], store)
    # What `stackgraph cypher --write` does: one more stack entry, Logflare uses redis.
    store.run("MATCH (c:Company {id: 'logflare'}) MATCH (t:Technology {id: 'redis'}) CREATE (c)-[:USES]->(t)",
              write=True)
    assert read_state(store).status == "stale"
    # Elixir & redis: SM Remote + Logflare = 3 of redis's 7 users, lift 3·10/(4·7) = 1.07, after aws.
    assert [(c.technology, c.shared) for c in cooccurring(store, "elixir", limit=6)] == ELIXIR_TOP5 + [("redis", 3)]
    assert stored(store)[("elixir", "redis")] == 2  # not what was read
    update = CooccurrenceIndex(store).rebuild()
    assert (update.rebuilt, update.companies, update.technologies, update.uses) == (True, 10, 81, 164)
    assert is_fresh(store)
    rows = stored(store)
    assert rows[("elixir", "redis")] == 3 and rows[("redis", "redis")] == 7
    assert [(c.technology, c.shared) for c in cooccurring(store, "elixir", limit=6)] == ELIXIR_TOP5 + [("redis", 3)]


def test_a_store_from_before_the_index_is_rebuilt_by_the_next_load(store):
    load_listings([LISTING], store)
    clean = stored(store)
    store.run("MATCH ()-[r:CO_OCCURS]->() DELETE r", write=True)
    store.run("MATCH (i:Index) DELETE i", write=True)
    assert read_state(store).status == "absent"
    assert [(c.technology, c.shared) for c in cooccurring(store, "elixir", limit=5)] == ELIXIR_TOP5
    load_listings([LISTING], store)  # adds nothing, yet counts every stack
    assert is_fresh(store)
    assert stored(store) == clean


def test_copy_counts_the_union_in_the_target(falkordb_store, neo4j_store, tmp_path):
    first, second = split_listing(tmp_path)
    falkordb_store.clear()
    neo4j_store.clear()
    load_listings([first], falkordb_store)
    load_listings([second], neo4j_store)
    copy_graph(falkordb_store, neo4j_store)  # the target is merged into
    assert is_fresh(neo4j_store)
    merged = stored(neo4j_store)
    falkordb_store.clear()
    load_listings([LISTING], falkordb_store)
    assert merged == stored(falkordb_store)
    falkordb_store.clear()
    neo4j_store.clear()


def test_reindex_command(loaded_store_copy):
    store = loaded_store_copy
    query = "MATCH (c:Company {id: 'logflare'}) MATCH (t:Technology {id: 'redis'}) CREATE (c)-[:USES]->(t)"
    invoke("cypher", query, "--write", store=store, check=True)
    result = invoke("reindex", store=store, check=True)
    summary = json.loads(result.stdout)
    assert summary["before"] == "stale"
    assert (summary["companies"], summary["technologies"], summary["uses"]) == (10, 81, 164)
    assert "Recounting the co-occurrence index" in result.stderr
    again = json.loads(invoke("reindex", store=store, check=True).stdout)
    assert again["before"] == "fresh" and again["pairs"] == summary["pairs"]
    together = invoke("cooccurring", "elixir", "--limit", "6", "--format", "json", store=store, check=True)
    assert [(row["technology"], row["shared"]) for row in json.loads(together.stdout)][-1] == ("redis", 3)


def test_cypher_write_marks_the_index_unless_refused(tmp_path):
    store = tmp_path / "store"
    invoke("load", "-q", str(TINY_LISTING), store=store, check=True)
    refused = invoke("cypher", "MATCH (c:Company RETURN c", "--write", store=store)
    assert refused.exit_code == 1
    assert json.loads(invoke("reindex", store=store, check=True).stdout)["before"] == "fresh"
    # A swap of one USES for another: the USES count alone would not tell.
    swap = ("MATCH (c:Company {id: 'coil'})-[r:USES]->(:Technology {id: 'elixir'}) DELETE r "
            "WITH c MATCH (t:Technology {id: 'redis'}) CREATE (c)-[:USES]->(t)")
    invoke("cypher", swap, "--write", store=store, check=True)
    assert json.loads(invoke("reindex", store=store, check=True).stdout)["before"] == "stale"


def test_untracked_write_marks_after_the_write(tiny):
    before = read_state(tiny)
    with untracked_write(tiny):
        tiny.run("MATCH (c:Company {id: 'dune'}) SET c.note = 'sand'", write=True)
    after = read_state(tiny)
    assert (before.stale, after.stale) == (False, True) and after.load != before.load

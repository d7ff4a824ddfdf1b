"""The in-memory projection of the stacks (queries/stack_matrix.py) on every backend.

The tiny listing of test_queries.py: Acme {postgres, redis, rails}, Bolt {postgres, redis},
Coil {postgres, elixir}, Dune {} (no stack). Jaccard with Acme's stack: Bolt 2/3, Coil 1/4.
"""

from __future__ import annotations

import json

import pytest

from domain.cooccurrence import read_state, untracked_write
from queries.recommend import recommend
from queries.similar import similar
from queries.stack_matrix import StackMatrix, for_repeated_questions
from test_cli import stackgraph
from test_queries import TINY, tiny  # noqa: F401  (tiny: the fixture, loaded on each backend)


def test_read_holds_every_stack(tiny):
    matrix = StackMatrix.read(tiny)
    assert sorted(matrix.companies) == ["acme", "bolt", "coil"]  # Dune uses nothing
    assert matrix.users_of(["postgres", "redis", "rails", "elixir", "go"]) == {
        "postgres": 3, "redis": 2, "rails": 1, "elixir": 1}
    sizes = {slug: int(matrix.stack_sizes[i]) for i, slug in enumerate(matrix.companies)}
    assert sizes == {"acme": 3, "bolt": 2, "coil": 2}


def test_best_by_jaccard_keeps_ties_with_the_last(tiny):
    matrix = StackMatrix.read(tiny)
    assert matrix.best_by_jaccard(frozenset({"postgres", "redis", "rails"}), "acme", 1) == ["bolt"]
    assert matrix.best_by_jaccard(frozenset({"postgres", "redis", "rails"}), "acme", 5) == ["bolt", "coil"]
    # {postgres}: Acme 1/3, Bolt 1/2, Coil 1/2: the first one is a tie of two.
    assert sorted(matrix.best_by_jaccard(frozenset({"postgres"}), None, 1)) == ["bolt", "coil"]
    assert matrix.best_by_jaccard(frozenset({"go"}), None, 3) == []


def test_from_the_second_question_on_the_projection_answers(tiny):
    expected = [("Bolt", 2, pytest.approx(2 / 3)), ("Coil", 1, pytest.approx(1 / 4))]
    for _ in range(3):
        assert [(r.company, r.shared_count, r.jaccard) for r in similar(tiny, "Acme", limit=2)] == expected
    assert for_repeated_questions(tiny) is not None
    # Bolt's neighbours: Acme 2/3 (brings rails), Coil 1/3 (brings elixir), as test_queries works out.
    rows = recommend(tiny, "bolt")
    assert [(r.slug, r.companies, r.score) for r in rows] == [
        ("rails", ["Acme"], pytest.approx(2 / 3)), ("elixir", ["Coil"], pytest.approx(1 / 3))]


def test_a_stack_changed_by_an_untracked_write_is_read_again(tiny):
    for _ in range(2):  # the projection is held after the second
        assert [(r.company, r.jaccard) for r in similar(tiny, "Bolt", limit=1)] == [("Acme", pytest.approx(2 / 3))]
    # Coil drops elixir for redis: as many USES as before, so only the index's mark tells.
    with untracked_write(tiny):
        tiny.run("MATCH (:Company {id: 'coil'})-[r:USES]->(:Technology {id: 'elixir'}) DELETE r", write=True)
        tiny.run("MATCH (c:Company {id: 'coil'}) MATCH (t:Technology {id: 'redis'}) CREATE (c)-[:USES]->(t)",
                 write=True)
    # Coil {postgres, redis} is Bolt's stack now.
    assert [(r.company, r.shared_count, r.jaccard) for r in similar(tiny, "Bolt", limit=1)] == [("Coil", 2, 1.0)]


def test_without_the_index_mark_cypher_answers_every_time(tiny):
    tiny.run("MATCH (i:Index) DELETE i", write=True)
    for _ in range(2):
        assert [r.company for r in similar(tiny, "Acme", limit=1)] == ["Bolt"]
    assert for_repeated_questions(tiny) is None


def test_text_lists_read_back_whole(store):
    for value in (["acme", "bolt"], [], [""], ["", ""], ["a\x1fb", "c"], ["ünïcode", "x y"]):
        [row] = store.run(f"WITH $value AS listed RETURN {store.text_list('listed')} AS back", {"value": value})
        assert store.read_text_list(row["back"]) == value
    with pytest.raises(ValueError, match="not a Cypher variable name"):
        store.text_list("x) DETACH DELETE (n")


def test_cypher_write_marks_the_index_unless_refused(tmp_path):
    store = tmp_path / "store"
    listing = tmp_path / "tiny.txt"
    listing.write_text(TINY, encoding="utf-8")
    stackgraph("load", "-q", str(listing), store=store, check=True)
    refused = stackgraph("cypher", "MATCH (c:Company RETURN c", "--write", store=store)
    assert refused.returncode != 0
    assert json.loads(stackgraph("reindex", store=store, check=True).stdout)["before"] == "fresh"
    # A swap of one USES for another: the USES count alone would not tell.
    swap = ("MATCH (c:Company {id: 'coil'})-[r:USES]->(:Technology {id: 'elixir'}) DELETE r "
            "WITH c MATCH (t:Technology {id: 'redis'}) CREATE (c)-[:USES]->(t)")
    stackgraph("cypher", swap, "--write", store=store, check=True)
    assert json.loads(stackgraph("reindex", store=store, check=True).stdout)["before"] == "stale"


def test_untracked_write_marks_after_the_write(tiny):
    before = read_state(tiny)
    with untracked_write(tiny):
        tiny.run("MATCH (c:Company {id: 'dune'}) SET c.note = 'sand'", write=True)
    after = read_state(tiny)
    assert (before.stale, after.stale) == (False, True) and after.load != before.load

"""The in-memory projection of the stacks (queries/projection.py) on every backend.

The tiny listing (tests/data/tiny.txt): Acme {postgres, redis, rails}, Bolt {postgres, redis},
Coil {postgres, elixir}, Dune {} (no stack). Jaccard with Acme's stack: Bolt 2/3, Coil 1/4.
"""

from __future__ import annotations

import pytest

from domain.cooccurrence import untracked_write
from queries.projection import StackProjection
from queries.recommend import recommend
from queries.similar import similar, similar_to_stack


def test_read_holds_every_stack(tiny):
    projection = StackProjection.read(tiny)
    assert sorted(projection.companies) == ["acme", "bolt", "coil"]  # Dune uses nothing
    assert projection.users_of(["postgres", "redis", "rails", "elixir", "go"]) == {
        "postgres": 3, "redis": 2, "rails": 1, "elixir": 1}
    sizes = {slug: int(projection.stack_sizes[i]) for i, slug in enumerate(projection.companies)}
    assert sizes == {"acme": 3, "bolt": 2, "coil": 2}


def test_best_by_jaccard_keeps_ties_with_the_last(tiny):
    projection = StackProjection.read(tiny)
    assert projection.best_by_jaccard(frozenset({"postgres", "redis", "rails"}), "acme", 1) == ["bolt"]
    assert projection.best_by_jaccard(frozenset({"postgres", "redis", "rails"}), "acme", 5) == ["bolt", "coil"]
    # {postgres}: Acme 1/3, Bolt 1/2, Coil 1/2: the first one is a tie of two.
    assert sorted(projection.best_by_jaccard(frozenset({"postgres"}), None, 1)) == ["bolt", "coil"]
    assert projection.best_by_jaccard(frozenset({"go"}), None, 3) == []


def test_with_a_projection_the_answers_are_the_same(tiny):
    projection = StackProjection.read(tiny)
    assert [(r.name, r.shared_count, r.jaccard) for r in similar(tiny, "Acme", limit=2, projection=projection)] == [
        ("Bolt", 2, pytest.approx(2 / 3)), ("Coil", 1, pytest.approx(1 / 4))]
    # {postgres}: Bolt and Coil tie at 1/2; by cosine, Bolt (idf redis = log 2) ahead of Coil (elixir: log 4).
    assert [r.name for r in similar_to_stack(tiny, ["postgres"], limit=1, projection=projection)] == ["Bolt"]
    # Bolt's neighbours: Acme 2/3 (brings rails), Coil 1/3 (brings elixir), as test_queries works out.
    rows = recommend(tiny, "bolt", projection=projection)
    assert [(r.technology, r.company_names, r.score) for r in rows] == [
        ("rails", ["Acme"], pytest.approx(2 / 3)), ("elixir", ["Coil"], pytest.approx(1 / 3))]


def test_with_a_projection_the_listing_ranks_as_with_cypher(graph):
    projection = StackProjection.read(graph)
    assert projection.refresh(graph)  # the load marked the index: the projection picks
    for company in projection.companies:
        for limit in (1, 3):
            assert similar(graph, company, limit=limit, projection=projection) == similar(graph, company, limit=limit)
        assert recommend(graph, company, projection=projection) == recommend(graph, company)


def test_a_stack_changed_by_an_untracked_write_is_read_again(tiny):
    projection = StackProjection.read(tiny)
    assert [(r.name, r.jaccard) for r in similar(tiny, "Bolt", limit=1, projection=projection)] == [
        ("Acme", pytest.approx(2 / 3))]
    # Coil drops elixir for redis: as many USES as before, so only the index's mark tells.
    with untracked_write(tiny):
        tiny.run("MATCH (:Company {id: 'coil'})-[r:USES]->(:Technology {id: 'elixir'}) DELETE r", write=True)
        tiny.run("MATCH (c:Company {id: 'coil'}) MATCH (t:Technology {id: 'redis'}) CREATE (c)-[:USES]->(t)",
                 write=True)
    # Coil {postgres, redis} is Bolt's stack now.
    assert [(r.name, r.shared_count, r.jaccard) for r in similar(tiny, "Bolt", limit=1, projection=projection)] == [
        ("Coil", 2, 1.0)]
    assert projection.users_of(["elixir", "redis"]) == {"redis": 3}


def test_without_the_index_mark_cypher_answers(tiny):
    tiny.run("MATCH (i:Index) DELETE i", write=True)
    projection = StackProjection.read(tiny)
    assert not projection.refresh(tiny)
    assert [r.name for r in similar(tiny, "Acme", limit=1, projection=projection)] == ["Bolt"]


def test_questions_from_many_threads_while_the_stacks_change(tiny):
    """Each question works on one reading of the stacks, whole, while other threads read them again: none fails.

    A question that meets a write picks its candidate from the stacks before it and reads that
    candidate's stack after it (as with a write by another process), so only the names are certain."""
    from concurrent.futures import ThreadPoolExecutor

    projection = StackProjection.read(tiny)
    # Bolt's nearest: Acme (2/3), or Coil once it is {postgres, redis} (1.0)

    def swap(old: str, new: str) -> None:
        with untracked_write(tiny):
            tiny.run("MATCH (:Company {id: 'coil'})-[r:USES]->(:Technology {id: $old}) DELETE r", {"old": old},
                     write=True)
            tiny.run("MATCH (c:Company {id: 'coil'}) MATCH (t:Technology {id: $new}) CREATE (c)-[:USES]->(t)",
                     {"new": new}, write=True)

    def ask(_: int) -> list[str]:
        return [r.name for r in similar(tiny, "Bolt", limit=1, projection=projection)]

    with ThreadPoolExecutor(8) as pool:
        asked = [pool.submit(ask, n) for n in range(200)]
        for _ in range(10):
            swap("elixir", "redis")
            swap("redis", "elixir")
        answers = [question.result() for question in asked]
    assert [answer for answer in answers if answer not in (["Acme"], ["Coil"])] == []
    assert ask(0) == ["Acme"]

"""Bounded work per statement (issue 17 item 7): time limits on both backends."""

from __future__ import annotations

import time

import pytest

from graph import GraphStore
from graph.errors import QueryTimeout

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

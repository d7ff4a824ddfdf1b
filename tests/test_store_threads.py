"""One store called from several threads at once, as the service's routes call it from their thread pool,
on both backends: reads run side by side, a read waits for the writes before it, and a write's failure
is raised to the thread that wrote, whichever thread's call found it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from graph import QueryError
from graph.writer import UpsertStatement

CREATE = "UNWIND $rows AS row CREATE (:Technology {id: row.id})"
COUNT = "MATCH (t:Technology) RETURN count(t) AS n"


def test_a_failed_write_is_raised_to_its_writer_not_to_the_thread_that_confirmed_it(store):
    store.write([UpsertStatement(CREATE, [{"id": "a"}]), UpsertStatement("UNWIND $rows AS row MATCH (n RETURN n", [{}])])
    with ThreadPoolExecutor(1) as other:
        seen = other.submit(store.run, COUNT).result()  # confirms the write: it ran before this read
    # FalkorDB runs each statement on its own, Neo4j all of a write in one transaction.
    assert seen == [{"n": 1 if store.backend == "falkordb" else 0}]
    with pytest.raises(QueryError, match="Invalid input"):
        store.run(COUNT)
    assert store.run(COUNT) == seen  # raised once


def test_reads_beside_a_thread_that_writes_see_every_batch_before_them(store):
    batches = 40

    def read(_: int) -> list[int]:
        return [store.run(COUNT)[0]["n"] for _ in range(10)]

    with ThreadPoolExecutor(8) as readers:
        reading = [readers.submit(read, n) for n in range(16)]
        for batch in range(batches):
            store.write([UpsertStatement(CREATE, [{"id": f"t{batch}-{n}"} for n in range(5)])])
        counts = [future.result() for future in reading]
    assert [seen for seen in counts if seen != sorted(seen)] == []  # never one batch, then less
    assert {n % 5 for seen in counts for n in seen} == {0}  # a batch is seen whole or not at all
    assert store.run(COUNT) == [{"n": batches * 5}]

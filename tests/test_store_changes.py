"""What a statement changed, and a write refused read-only, alike on both backends."""

from __future__ import annotations

import pytest

from graph import QueryError, ReadOnlyRefusal


def test_run_counted_counts_alike(store):
    created = store.run_counted("CREATE (a:Technology {id: 'a'})-[:USES]->(b:Technology {id: 'b', name: 'B'}) "
                                "RETURN a.id AS a", write=True)
    assert created.rows == [{"a": "a"}]
    assert created.changes == {"nodes_created": 2, "relationships_created": 1, "properties_set": 3}
    assert store.run_counted("MATCH (t:Technology) RETURN t.id AS id ORDER BY id").changes == {}
    deleted = store.run_counted("MATCH (t:Technology) DETACH DELETE t", write=True)
    assert deleted.changes == {"nodes_deleted": 2, "relationships_deleted": 1}


def test_a_write_run_read_only_is_a_refusal(store):
    with pytest.raises(ReadOnlyRefusal):
        store.run("CREATE (:Technology {id: 'x'})")
    assert store.run("MATCH (t:Technology) RETURN count(t) AS n") == [{"n": 0}]
    with pytest.raises(QueryError) as syntax:
        store.run("MATCH (n RETURN n")
    assert not isinstance(syntax.value, ReadOnlyRefusal)
    assert "line 1, column 10" in str(syntax.value) and "\n" not in str(syntax.value)

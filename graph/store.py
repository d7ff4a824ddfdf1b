"""The GraphStore interface every backend implements.

Callers talk to this interface only; the Cypher they send must be accepted by both
FalkorDB and Neo4j 5. Where the two differ, the store's :class:`~graph.dialect.Dialect`
and the concrete store own the difference.

>>> from graph import open_store
>>> with open_store("falkordb", path=tmp_path / "store-example", schema=SCHEMA) as new:
...     new.run("MATCH (e:Episode) RETURN count(e) AS episodes")
[{'episodes': 0}]
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import Any, Iterable

from graph.dialect import Dialect, quoted
from graph.limits import DEFAULT_QUERY_TIMEOUT, QUERY_TIMEOUT_ENV, check_timeout, number_from_env
from graph.model import GraphDocument, Schema
from graph.writer import UpsertStatement, upsert_statements

Row = dict[str, Any]

# What a statement changed, counted alike by both backends. Not labels: FalkorDB counts the labels
# new to the graph, Neo4j every label put on a node.
CHANGE_COUNTERS = ("nodes_created", "nodes_deleted", "relationships_created", "relationships_deleted",
                   "properties_set")


@dataclass(frozen=True)
class Outcome:
    """The rows of one statement and what it changed: the CHANGE_COUNTERS that are not zero."""

    rows: list[Row]
    changes: dict[str, int]


class GraphStore(abc.ABC):
    """A Cypher-speaking graph store holding one graph of ``schema``."""

    backend: str = "abstract"
    dialect: Dialect

    def __init__(self, schema: Schema):
        self.schema = schema
        # The time limit of a read-only statement whose caller gives none.
        self.read_timeout = number_from_env(QUERY_TIMEOUT_ENV, DEFAULT_QUERY_TIMEOUT)

    def run(
        self, query: str, params: dict[str, Any] | None = None, *, write: bool = False, timeout: float | None = None
    ) -> list[Row]:
        """Run one Cypher statement; rows come back as dicts keyed by RETURN column.

        Read-only unless ``write=True``: a read-only run that tries to change the
        graph raises :class:`graph.errors.ReadOnlyRefusal` and changes nothing.

        ``timeout`` is the statement's time limit in seconds; without one, a read-only
        statement has ``read_timeout`` (STACKGRAPH_QUERY_TIMEOUT, default 60 s) and a write
        none. A statement past its limit is stopped, a write undone, and
        :class:`graph.errors.QueryTimeout` raised.

        >>> store.run("RETURN $x + 1 AS y", {"x": 1})
        [{'y': 2}]
        >>> store.run("UNWIND range(1, 1000) AS a UNWIND range(1, 1000) AS b UNWIND range(1, 1000) AS c "
        ...           "RETURN count(*) AS n", timeout=0.01)
        Traceback (most recent call last):
        graph.errors.QueryTimeout: the query ran past its time limit of 0.01 s
        """
        return self.run_counted(query, params, write=write, timeout=timeout).rows

    @abc.abstractmethod
    def run_counted(
        self, query: str, params: dict[str, Any] | None = None, *, write: bool = False, timeout: float | None = None
    ) -> Outcome:
        """As :meth:`run`, with what the statement changed.

        >>> store.run_counted("CREATE (:Scratch {a: 1, b: 2})", write=True).changes
        {'nodes_created': 1, 'properties_set': 2}
        >>> store.run_counted("MATCH (n:Scratch) DELETE n", write=True).changes
        {'nodes_deleted': 1}
        """

    @abc.abstractmethod
    def write(self, statements: Iterable[UpsertStatement]) -> None:
        """Run write statements in order: all-or-nothing where the backend allows it (Neo4j).

        A store may return once the statements are sent and confirm them at its next call
        (FalkorDB), so that the server runs them while the caller goes on; that next call,
        :meth:`close` included, raises the failure.
        """

    @abc.abstractmethod
    def sync(self) -> None:
        """Make every write so far durable: confirmed, and on disk, so that it survives a crash of
        this process and of the database server. Raises :class:`graph.errors.StoreUnavailable` when
        it cannot be. A command calls it before it reports a write done.

        >>> store.run("CREATE (:Scratch {id: 'kept'})", write=True); store.sync()
        []
        >>> store.run("MATCH (n:Scratch) DELETE n", write=True); store.sync()
        []
        """

    @abc.abstractmethod
    def ensure_schema(self) -> None:
        """Create the indexes (or unique constraints) on every label's key. Idempotent."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release the connection (and any server this store started)."""

    @abc.abstractmethod
    def describe(self) -> str:
        """Where this store lives, for messages: a directory or a URI."""

    def time_limit(self, timeout: float | None, write: bool) -> float | None:
        """The limit a statement runs under: ``timeout``, else ``read_timeout`` for a read and none for a write."""
        check_timeout(timeout)
        return timeout if timeout is not None or write else self.read_timeout

    def upsert(self, document: GraphDocument, batch_size: int = 500) -> None:
        """MERGE a document's nodes, then its relationships, in batches of UNWIND rows."""
        self.write(upsert_statements(document, self.schema, self.dialect, batch_size))

    def counts(self) -> dict[str, dict[str, int]]:
        """Node counts per label and relationship counts per type, derived data left out.

        A node with two labels (a Technology that is also a HostingProvider) counts under
        each. One count per label and per type, which both backends answer from their label
        and type indexes rather than by scanning the graph.
        """
        labels = [row["label"] for row in self.run("CALL db.labels() YIELD label RETURN label")
                  if row["label"] not in self.schema.derived_labels]
        types = [row["type"] for row in self.run("CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType AS type")
                 if row["type"] not in self.schema.derived_relationship_types]
        nodes = {label: self.run(f"MATCH (n:{quoted(label)}) RETURN count(n) AS n")[0]["n"] for label in labels}
        relationships = {t: self.run(f"MATCH ()-[r:{quoted(t)}]->() RETURN count(r) AS n")[0]["n"] for t in types}
        return {
            "nodes": {k: v for k, v in sorted(nodes.items()) if v},
            "relationships": {k: v for k, v in sorted(relationships.items()) if v},
        }

    def clear(self) -> None:
        """Delete every node and relationship."""
        self.run("MATCH (n) DETACH DELETE n", write=True)

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

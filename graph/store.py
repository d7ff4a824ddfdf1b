"""The GraphStore interface every backend implements.

Query modules talk to this interface only; the Cypher they send must be
accepted by both FalkorDB and Neo4j 5. Where the two differ (schema DDL,
procedures), the concrete store owns the difference.

>>> from graph import open_store                      # doctest: +SKIP
>>> with open_store("falkordb", path="/tmp/sg") as store:  # doctest: +SKIP
...     store.run("MATCH (e:Episode) RETURN count(e) AS episodes")
[{'episodes': 10}]
"""

from __future__ import annotations

import abc
import re
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Callable, Iterable, Iterator, Protocol

from graph.model import GraphDocument
from graph.schema import DERIVED_LABELS, DERIVED_RELATIONSHIP_TYPES, RELATIONSHIP_TYPES
from graph.writer import UpsertStatement, quoted, upsert_statements

Row = dict[str, Any]


class EncodedBatch(Protocol):
    """A document in a backend's bulk format, made by its :class:`BatchEncoder` for its :class:`NewGraph`."""


class BatchEncoder(Protocol):
    def encode(self, document: GraphDocument) -> EncodedBatch: ...

    @property
    def full(self) -> bool:
        """It remembers as much as it may (its memory grows with the graph): the rest of the load is
        written into the new graph by upserts."""


class NewGraph(abc.ABC):
    """A graph being built from nothing beside a store's own, in the backend's bulk format
    (see :meth:`GraphStore.new_graph`)."""

    store: GraphStore  # the graph being built: for reads, its schema and upserts meanwhile

    @abc.abstractmethod
    def encoder(self) -> Callable[[], BatchEncoder]:
        """A picklable factory of the encoder of a load's documents, in order, for this graph (to be made
        in another process); asked for once nothing but this load's bulk writes will reach the graph."""

    @abc.abstractmethod
    def write(self, batch: EncodedBatch) -> bool:
        """Write one encoded batch, in the order they were encoded, or hold it back to write several at
        once; True when it and every batch before it are in the graph, with what each changed in the
        nodes and relationships of those before it."""

    @abc.abstractmethod
    def flush(self) -> None:
        """Write the batches held back."""


_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def variable(name: str) -> str:
    """A Cypher variable name, checked before it goes into query text."""
    if not _IDENTIFIER.match(name):
        raise ValueError(f"{name!r} is not a Cypher variable name")
    return name


def degree_terms(node: str, rel_type: str) -> tuple[str, str]:
    """A variable name and a schema relationship type, checked before they go into query text."""
    if rel_type not in RELATIONSHIP_TYPES:
        raise ValueError(f"unknown relationship type {rel_type!r}")
    return variable(node), rel_type


class GraphStore(abc.ABC):
    """A Cypher-speaking graph store holding one StackGraph graph."""

    backend: str = "abstract"

    @abc.abstractmethod
    def run(self, query: str, params: dict[str, Any] | None = None, *, write: bool = False) -> list[Row]:
        """Run one Cypher statement; rows come back as dicts keyed by RETURN column.

        Read-only unless ``write=True``: a read-only run that tries to change the
        graph raises :class:`graph.errors.QueryError` and changes nothing.
        """

    @abc.abstractmethod
    def run_in_transaction(self, statements: Iterable[UpsertStatement]) -> None:
        """Run write statements all-or-nothing where the backend allows it."""

    @abc.abstractmethod
    def ensure_schema(self) -> None:
        """Create the indexes (or unique constraints) on every label's key. Idempotent."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release the connection (and any server this store started)."""

    @abc.abstractmethod
    def describe(self) -> str:
        """Where this store lives, for messages: a directory or a URI."""

    def upsert(self, document: GraphDocument, batch_size: int = 500) -> None:
        """MERGE a document's nodes, then its relationships, in batches of UNWIND rows."""
        self.run_in_transaction(upsert_statements(document, batch_size))

    @contextmanager
    def bulk_writes(self) -> Iterator[None]:
        """Around a load's writes: a backend may put off background work while they run."""
        yield

    def new_graph(self) -> AbstractContextManager[NewGraph] | None:
        """For a load into an empty graph, where the backend can build one faster in bulk than by
        upserts: a context in which a new graph is built beside this one, which replaces this one
        when the block ends without an error and is dropped otherwise. None where there is no such
        way (here) or the graph is not empty."""
        return None

    @staticmethod
    def encode_statements(statements: Iterable[UpsertStatement]) -> list[Any]:
        """The statements in the form :meth:`run_encoded` sends, made without a store, so that
        another thread or process can prepare them (here: as they are)."""
        return list(statements)

    def run_encoded(self, encoded: list[Any]) -> None:
        """Run what :meth:`encode_statements` made, as :meth:`run_in_transaction` runs statements."""
        self.run_in_transaction(encoded)

    def counts(self) -> dict[str, dict[str, int]]:
        """Node counts per label and relationship counts per type, derived data left out.

        A node with two labels (a Technology that is also a HostingProvider)
        counts under each. One count per label and per type, which both
        backends answer from their label and type indexes rather than by
        scanning the graph. The counts the store keeps for fast reads
        (``DERIVED_LABELS``, ``DERIVED_RELATIONSHIP_TYPES``) are not part of
        the graph a user loaded, so they are not counted.
        """
        labels = [row["label"] for row in self.run("CALL db.labels() YIELD label RETURN label")
                  if row["label"] not in DERIVED_LABELS]
        types = [row["type"] for row in self.run("CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType AS type")
                 if row["type"] not in DERIVED_RELATIONSHIP_TYPES]
        nodes = {label: self.run(f"MATCH (n:{quoted(label)}) RETURN count(n) AS n")[0]["n"] for label in labels}
        relationships = {t: self.run(f"MATCH ()-[r:{quoted(t)}]->() RETURN count(r) AS n")[0]["n"] for t in types}
        return {
            "nodes": {k: v for k, v in sorted(nodes.items()) if v},
            "relationships": {k: v for k, v in sorted(relationships.items()) if v},
        }

    def degree(self, node: str, rel_type: str, *, incoming: bool = False) -> str:
        """A Cypher expression: how many ``rel_type`` relationships leave (or, ``incoming``, reach)
        the node bound to ``node``.

        This portable form builds a list per node; a backend with a cheaper one overrides it.

        >>> GraphStore.degree(None, "o", "USES"), GraphStore.degree(None, "t", "USES", incoming=True)
        ('size([(o)-[:USES]->() | 1])', 'size([(t)<-[:USES]-() | 1])')
        """
        node, rel_type = degree_terms(node, rel_type)
        return f"size([({node})<-[:{rel_type}]-() | 1])" if incoming else f"size([({node})-[:{rel_type}]->() | 1])"

    def text_list(self, name: str) -> str:
        """A Cypher expression: the list of strings bound to the variable ``name``, in the form this backend
        sends fastest; :meth:`read_text_list` turns the returned value back into the list.

        >>> GraphStore.text_list(None, "users"), GraphStore.read_text_list(["a", "b"])
        ('users', ['a', 'b'])
        """
        return variable(name)

    @staticmethod
    def read_text_list(value: Any) -> list[str]:
        """The list a :meth:`text_list` expression returned."""
        return value

    def clear(self) -> None:
        """Delete every node and relationship."""
        self.run("MATCH (n) DETACH DELETE n", write=True)

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

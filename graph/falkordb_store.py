"""The embedded default store: FalkorDB in a directory, served by a child redis-server.

>>> from graph.falkordb_store import FalkorDBStore                 # doctest: +SKIP
>>> with FalkorDBStore("/tmp/sg-store") as store:                  # doctest: +SKIP
...     store.run("CREATE (:Person {id: $id})", {"id": "ada"}, write=True)
...     store.run("MATCH (p:Person) RETURN p")
[]
[{'p': {'_labels': ['Person'], 'id': 'ada'}}]
"""

from __future__ import annotations

import functools
import math
import os
import re
from collections.abc import Mapping
from contextlib import AbstractContextManager, contextmanager, suppress
from typing import Any, Callable, Iterable, Iterator

import redis
from falkordb import Edge, FalkorDB, Node, Path
from falkordb.query_result import QueryResult

from graph.errors import QueryError, StoreError, StoreUnavailable
from graph.falkordb_bulk import BulkBatch, BulkEncoder, bulk_arguments
from graph.falkordb_server import SAVE_POLICY, EmbeddedFalkorDB, say_on_stderr
from graph.schema import NODE_KEYS, OWNED_BY
from graph.store import GraphStore, NewGraph, Row, degree_terms, variable
from graph.writer import UpsertStatement

GRAPH_NAME = "stackgraph"
NEW_GRAPH_NAME = "stackgraph-new"  # a first load's graph while it is built
TEXT_LIST_SEPARATOR = "\x1f"
READ_ONLY_REFUSAL = "read-only: this statement writes; pass write=True (--write on the CLI)"

_PARAMETER_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def cypher_parameters(params: Mapping[str, Any] | None) -> str:
    r"""The ``CYPHER name=value …`` prefix that carries query parameters to FalkorDB.

    FalkorDB takes parameters as Cypher literals in front of the query. The
    falkordb client's own prefix quotes strings correctly, but it clamps
    integers past 64 bits to 2**63-1 without a word, sends ``str()`` of any
    other object as Cypher text, and lets NUL, ``inf`` and ``nan`` through to
    fail with a parser message about backticks. This one refuses those with
    a :class:`QueryError` that names the parameter.

    >>> cypher_parameters({"name": 'say "hi"', "n": 2, "tags": [True, None]})
    'CYPHER name="say \\"hi\\"" n=2 tags=[true,null] '
    """
    if not params:
        return ""
    parts = []
    for name, value in params.items():
        if not isinstance(name, str) or not _PARAMETER_NAME.match(name):
            raise QueryError(f"parameter name {name!r} is not a Cypher identifier")
        parts.append(f"{name}={_literal(value, name)}")
    return "CYPHER " + " ".join(parts) + " "


_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def _literal(value: Any, name: str) -> str:
    """One parameter value as a Cypher literal.

    Exact built-in types (what loads send: rows of dicts of str, int, bool, None) take a
    fast path with no function call per str/int/bool/None item; anything else (subclasses,
    other types) goes through :func:`_literal_general`, the checked type-by-type encoder.
    The two give identical text (tests compare them on many values).
    """
    kind = type(value)
    if kind is str:
        return _string_literal(value, name)
    if kind is list or kind is tuple:
        return "[" + ",".join([_map_literal(item, name) if type(item) is dict else _literal(item, name) for item in value]) + "]"
    if kind is dict:
        return _map_literal(value, name)
    return _literal_general(value, name)


def _map_literal(value: Mapping[str, Any], name: str) -> str:
    parts = []
    append = parts.append
    keys = _MAP_KEYS
    for key, item in value.items():
        prefix = keys.get(key) if type(key) is str else None
        if prefix is None:
            prefix = _map_key(key, name)
        kind = type(item)
        if kind is str:
            if "\0" in item or not item.isascii():
                append(prefix + _string_literal(item, name))
            elif '"' in item or "\\" in item:
                append(prefix + '"' + item.replace("\\", "\\\\").replace('"', '\\"') + '"')
            else:
                append(f'{prefix}"{item}"')
        elif kind is dict:
            append(prefix + _map_literal(item, name))
        elif item is None:
            append(prefix + "null")
        elif item is True:
            append(prefix + "true")
        elif item is False:
            append(prefix + "false")
        elif kind is int and _INT64_MIN <= item <= _INT64_MAX:
            append(prefix + str(item))
        else:
            append(prefix + _literal(item, name))
    return "{" + ",".join(parts) + "}"


# Map keys already checked, with their literal prefix ("`key`:"); loads use a handful of keys.
_MAP_KEYS: dict[str, str] = {}


def _map_key(key: Any, name: str) -> str:
    if not isinstance(key, str) or not key or "`" in key or "\0" in key:
        raise QueryError(f"parameter {name}: map key {key!r} cannot be sent to FalkorDB")
    prefix = f"`{key}`:"
    if type(key) is str and len(_MAP_KEYS) < 4096:
        _MAP_KEYS[key] = prefix
    return prefix


def _literal_general(value: Any, name: str) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        # A comparison, not ``in range(...)``: range tests int subclasses (IntEnum) one by one.
        if not _INT64_MIN <= value <= _INT64_MAX:
            raise QueryError(f"parameter {name}: integer {value} does not fit in 64 bits")
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise QueryError(f"parameter {name}: {value} is not a number FalkorDB can store")
        return repr(value)
    if isinstance(value, str):
        return _string_literal(value, name)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_literal(item, name) for item in value) + "]"
    if isinstance(value, Mapping):
        entries = []
        for key, item in value.items():
            entries.append(_map_key(key, name) + _literal(item, name))
        return "{" + ",".join(entries) + "}"
    raise QueryError(
        f"parameter {name}: a {type(value).__name__} cannot be sent to FalkorDB; "
        "use str, int, float, bool, None, list or dict"
    )


def _string_literal(value: str, name: str) -> str:
    # The server reads the query as a C string: a NUL would cut it short.
    if "\0" in value:
        raise QueryError(f"parameter {name}: strings cannot contain NUL characters")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise QueryError(f"parameter {name}: the string is not valid Unicode (lone surrogate)") from None
    if '"' in value or "\\" in value:
        value = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + value + '"'


def plain(value: Any) -> Any:
    """A query result value as plain Python, the same shape the Neo4j store returns.

    Nodes become ``{"_labels": [...], **properties}``, relationships
    ``{"_type": ..., **properties}``, paths a list alternating the two.

    >>> plain(Node(labels=["Technology", "HostingProvider"], properties={"id": "aws"}))
    {'_labels': ['HostingProvider', 'Technology'], 'id': 'aws'}
    """
    if isinstance(value, Node):
        return {"_labels": sorted(value.labels or []), **{k: plain(v) for k, v in value.properties.items()}}
    if isinstance(value, Edge):
        return {"_type": value.relation, **{k: plain(v) for k, v in value.properties.items()}}
    if isinstance(value, Path):
        items: list[Any] = []
        for index, node in enumerate(value.nodes()):
            if index:
                items.append(plain(value.get_edge(index - 1)))
            items.append(plain(node))
        return items
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split("\n")).strip()


class FalkorDBStore(GraphStore):
    """The StackGraph graph in an embedded FalkorDB under ``directory``.

    Opening starts the server (waiting for another process that has the
    store open); :meth:`close` stops it.

    >>> store = FalkorDBStore("/tmp/sg-store")    # doctest: +SKIP
    >>> store.describe()                           # doctest: +SKIP
    '/tmp/sg-store'
    >>> store.close()                              # doctest: +SKIP
    """

    backend = "falkordb"

    def __init__(
        self,
        directory: str | os.PathLike[str],
        *,
        lock_timeout: float | None = None,
        on_wait: Callable[[str], None] = say_on_stderr,
    ) -> None:
        self._server = EmbeddedFalkorDB(directory, lock_timeout=lock_timeout, on_wait=on_wait)
        self._server.start()
        self._graph_name = GRAPH_NAME
        try:
            self._db = FalkorDB(unix_socket_path=str(self._server.socket_path))
            self._graph = self._db.select_graph(GRAPH_NAME)
            # Read-only queries on a graph that does not exist yet fail ("empty key");
            # a no-op write query creates it, so a new store reads as an empty graph.
            self._query("GRAPH.QUERY", "RETURN 0", None)
        except BaseException:
            self._server.stop()
            raise

    def describe(self) -> str:
        return str(self._server.directory)

    def run(self, query: str, params: dict[str, Any] | None = None, *, write: bool = False) -> list[Row]:
        """Run one statement; GRAPH.RO_QUERY unless ``write=True``.

        >>> store.run("RETURN $x + 1 AS y", {"x": 1})      # doctest: +SKIP
        [{'y': 2}]
        """
        result = self._query("GRAPH.QUERY" if write else "GRAPH.RO_QUERY", query, params)
        columns = [name for _, name in result.header]
        return [dict(zip(columns, (plain(value) for value in row))) for row in result.result_set]

    def run_in_transaction(self, statements: Iterable[UpsertStatement]) -> None:
        """Run the statements one after the other.

        Not MULTI/EXEC: redis-server (8.2 with FalkorDB 4.16) aborts with
        "'!server.in_exec' is not true" when it replays GRAPH.QUERY commands
        from a MULTI block in the append-only file, so such a store would not
        reopen. Nothing is lost without it: the store's lock keeps other
        processes out, each statement is atomic, and an upsert is idempotent
        (MERGEs, and parts deleted before they are created), so a batch cut
        short is completed by running it again.
        """
        self.run_encoded(self.encode_statements(statements))

    @contextmanager
    def bulk_writes(self) -> Iterator[None]:
        """No background snapshots while a load writes; one when it is done.

        Each snapshot forks the server and writes the whole graph: at 100k episodes, with
        the save policy's "60 s with 10,000 changes", one ran every minute of a load, on the
        core the load needs. A load is idempotent, so what a snapshot would have kept if the
        server itself were killed meanwhile is restored by running the load again.
        """
        self._set_save_policy("")
        try:
            yield
        except BaseException:
            with suppress(StoreError):
                self._set_save_policy(SAVE_POLICY)
            raise
        self._set_save_policy(SAVE_POLICY)
        try:
            with self._translated_errors():
                self._db.connection.execute_command("BGSAVE", "SCHEDULE")
        except QueryError as error:
            # One started before the load ended: the save policy takes the rest, as it would have.
            if "already in progress" not in str(error):
                raise

    def _set_save_policy(self, policy: str) -> None:
        self._execute("CONFIG", "SET", "save", policy)

    def new_graph(self) -> AbstractContextManager[NewGraph] | None:
        """A new graph written with GRAPH.BULK (graph/falkordb_bulk.py) when this one has no node at all."""
        return None if self._node_count() else self._building_new_graph()

    @contextmanager
    def _building_new_graph(self) -> Iterator[NewGraph]:
        self._drop(NEW_GRAPH_NAME)  # what an interrupted first load left
        build = _BulkBuiltGraph(_SiblingGraph(self, NEW_GRAPH_NAME))
        try:
            build.store.ensure_schema()  # also creates the graph, which bulk writes then add to
            yield build
            build.flush()
            self._execute("RENAME", NEW_GRAPH_NAME, self._graph_name)
        except BaseException:
            with suppress(StoreError):
                self._drop(NEW_GRAPH_NAME)
            raise
        # The client numbers labels, types and property names per graph, and the new graph's differ.
        self._graph = self._db.select_graph(self._graph_name)

    def _node_count(self) -> int:
        return self.run("MATCH (n) RETURN count(n) AS n")[0]["n"]

    def _drop(self, graph_name: str) -> None:
        self._execute("DEL", graph_name)

    def _execute(self, *command: Any) -> Any:
        self._ensure_open()
        with self._translated_errors():
            return self._db.connection.execute_command(*command)

    @staticmethod
    def encode_statements(statements: Iterable[UpsertStatement]) -> list[str]:
        """Each statement as the text the server reads: its parameters as a ``CYPHER`` prefix, and its
        serial form where it has one (this server runs one write at a time; see UpsertStatement).

        >>> FalkorDBStore.encode_statements([UpsertStatement("UNWIND $rows AS row RETURN row", [1])])
        ['CYPHER rows=[1] UNWIND $rows AS row RETURN row']
        """
        return [cypher_parameters(statement.params) + (statement.serial_query or statement.query) for statement in statements]

    def run_encoded(self, encoded: list[str]) -> None:
        self._ensure_open()
        for number, text in enumerate(encoded, start=1):
            try:
                with self._translated_errors():
                    self._db.connection.execute_command("GRAPH.QUERY", self._graph_name, text, "--compact")
            except QueryError as error:
                raise QueryError(f"write statement {number} failed, the ones before it were applied: {error}") from None

    def ensure_schema(self) -> None:
        """A range index on the key of every label but the parts' (OWNED_BY); existing ones are kept.

        Parts are created with their owner and reached through it, never looked up by key, and
        an index on the ~20 topics of every episode cost more server time than the rest of a load.
        """
        for label, key in NODE_KEYS.items():
            if label in OWNED_BY:
                continue
            try:
                self.run(f"CREATE INDEX FOR (n:{label}) ON (n.{key})", write=True)
            except QueryError as error:
                if "already indexed" not in str(error):
                    raise

    def degree(self, node: str, rel_type: str, *, incoming: bool = False) -> str:
        """FalkorDB's own degree functions: counted in the adjacency matrix, no list built.

        >>> FalkorDBStore.degree(None, "o", "USES"), FalkorDBStore.degree(None, "t", "USES", incoming=True)
        ("outdegree(o, 'USES')", "indegree(t, 'USES')")
        """
        node, rel_type = degree_terms(node, rel_type)
        return f"{'indegree' if incoming else 'outdegree'}({node}, '{rel_type}')"

    def text_list(self, name: str) -> str:
        r"""One string, the elements joined by U+001F: FalkorDB sends a list element by element, 1.4M
        company ids in ~6 s at 100k episodes, joined in 0.8 s. The list as it is when empty or when
        an element holds U+001F, so that every list reads back whole.

        >>> FalkorDBStore.read_text_list("a\x1fb"), FalkorDBStore.read_text_list(["a\x1fb"])
        (['a', 'b'], ['a\x1fb'])
        """
        name = variable(name)
        return (f"CASE WHEN size({name}) = 0 OR any(element IN {name} WHERE element CONTAINS '{TEXT_LIST_SEPARATOR}') "
                f"THEN {name} ELSE string.join({name}, '{TEXT_LIST_SEPARATOR}') END")

    @staticmethod
    def read_text_list(value: Any) -> list[str]:
        return value.split(TEXT_LIST_SEPARATOR) if isinstance(value, str) else value

    def close(self) -> None:
        """Stop the server and release the store's lock. Idempotent."""
        if self._db is not None:
            self._db.connection.close()
            self._db = None
        self._server.stop()

    # -- internals -------------------------------------------------------------

    def _ensure_open(self) -> None:
        if self._db is None:
            raise StoreError(f"the store {self.describe()} is closed")

    def _query(self, command: str, query: str, params: Mapping[str, Any] | None) -> QueryResult:
        self._ensure_open()
        text = cypher_parameters(params) + query
        with self._translated_errors():
            return QueryResult(self._graph, self._db.connection.execute_command(command, self._graph_name, text, "--compact"))

    @contextmanager
    def _translated_errors(self) -> Iterator[None]:
        try:
            yield
        except redis.ResponseError as error:
            message = _one_line(error)
            if "is to be executed only on read-only queries" in message:
                message = READ_ONLY_REFUSAL
            raise QueryError(message) from None
        except redis.ConnectionError as error:
            raise StoreUnavailable(
                f"lost the FalkorDB server of {self.describe()} ({_one_line(error)}); "
                f"its log ends: {self._server.last_log_line()}"
            ) from None


class _SiblingGraph(FalkorDBStore):
    """Another graph of the same server, usable while its store is open; closing it closes nothing."""

    def __init__(self, store: FalkorDBStore, graph_name: str) -> None:
        self._server, self._db, self._graph_name = store._server, store._db, graph_name
        self._graph = store._db.select_graph(graph_name)

    def close(self) -> None:
        pass


class _BulkBuiltGraph(NewGraph):
    """Batches are sent several to a command: each GRAPH.BULK folds what it adds into the relation
    matrices, at a cost that grows with what they hold (perf: GB_add under GB_wait; a one-edge
    command takes ~12 ms in a graph of 1M nodes). At 100k episodes, 500 commands of 200 episodes
    took 58 s of server time; 45 of ~16 MB (~2,200 episodes), 32 s."""

    FLUSH_BYTES = 16 << 20

    def __init__(self, store: _SiblingGraph) -> None:
        self.store = store
        self._expected_nodes = 0  # set by encoder()
        self._held: list[BulkBatch] = []
        self._held_bytes = 0

    def encoder(self) -> Callable[[], BulkEncoder]:
        first_node_id = self.store._node_count()
        self._expected_nodes = first_node_id
        return functools.partial(BulkEncoder, first_node_id)

    def write(self, batch: BulkBatch) -> bool:
        self._held.append(batch)
        self._held_bytes += batch.size
        if self._held_bytes < self.FLUSH_BYTES:
            return False
        self.flush()
        return True

    def flush(self) -> None:
        if not self._held:
            return
        self.store._execute("GRAPH.BULK", self.store._graph_name, *bulk_arguments(self._held))
        self._expected_nodes += sum(batch.nodes for batch in self._held)
        for batch in self._held:
            if batch.updates.nodes or batch.updates.relationships:
                self.store.upsert(batch.updates)  # of nodes and relationships already there: creates none
        self._held, self._held_bytes = [], 0
        self._check_numbering()

    def _check_numbering(self) -> None:
        """The server numbered the nodes as the encoder did only if nothing else created one meanwhile
        (a load's upserts may, once its last bulk command is sent)."""
        nodes = self.store._node_count()
        if nodes != self._expected_nodes:
            raise StoreError(f"the new graph of {self.store.describe()} has {nodes} nodes, "
                             f"not the {self._expected_nodes} written in bulk: something else wrote to it")

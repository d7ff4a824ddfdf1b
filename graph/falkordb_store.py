"""The embedded default store: FalkorDB in a directory, served by a child redis-server.

>>> with FalkorDBStore(tmp_path / "doc-store", schema=SCHEMA) as store:
...     store.run("CREATE (:Person {id: $id})", {"id": "ada"}, write=True)
...     store.run("MATCH (p:Person) RETURN p")
[]
[{'p': {'_labels': ['Person'], 'id': 'ada'}}]
"""

from __future__ import annotations

import itertools
import math
import re
import os
import threading
from collections.abc import Mapping
from contextlib import contextmanager, suppress
from typing import Any, Callable, Iterable, Iterator

import redis
from falkordb import Edge, FalkorDB, Node, Path
from falkordb.query_result import QueryResult

from graph.dialect import FALKORDB
from graph.errors import QueryError, ReadOnlyRefusal, StoreError, StoreUnavailable
from graph.falkordb_params import cypher_parameters
from graph.falkordb_server import SERVER_TIMEOUT_MS, EmbeddedFalkorDB, say_on_stderr
from graph.limits import check_query_text, out_of_memory, timed_out
from graph.model import Schema
from graph.store import CHANGE_COUNTERS, GraphStore, Outcome
from graph.writer import UpsertStatement

GRAPH_NAME = "stackgraph"
# Write statements encoded and sent together: the server starts on the first while the rest are encoded.
PIPELINE_DEPTH = 4
READ_ONLY_REFUSAL = "read-only: this statement writes; pass write=True (--write on the CLI)"


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


# FalkorDB's syntax errors: "errMsg: Invalid input 'R': expected ... line: 1, column: 10, offset: 9
# errCtx: MATCH (n RETURN n errCtxOffset: 9".
_SYNTAX_ERROR = re.compile(r"errMsg: (?P<what>.*?) line: (?P<line>\d+), column: (?P<column>\d+), offset: \d+ errCtx: .*")


def _without_context(message: str) -> str:
    """A syntax error as the reason and its position, as Neo4j words it; other messages as they are."""
    match = _SYNTAX_ERROR.fullmatch(message)
    return f"{match['what']} (line {match['line']}, column {match['column']})" if match else message


class FalkorDBStore(GraphStore):
    """The StackGraph graph in an embedded FalkorDB under ``directory``.

    Opening starts the server (waiting for another process that has the
    store open); :meth:`close` saves what changed and stops it. With ``share=True``
    other processes use this server while it runs (``stackgraph serve``); a store
    opened while another process shares its server uses that one.

    >>> store = FalkorDBStore(tmp_path / "described", schema=SCHEMA)
    >>> store.describe().endswith("described")
    True
    >>> store.close()
    """

    backend = "falkordb"
    dialect = FALKORDB

    def __init__(
        self,
        directory: str | os.PathLike[str],
        *,
        schema: Schema,
        lock_timeout: float | None = None,
        on_wait: Callable[[str], None] = say_on_stderr,
        share: bool = False,
    ) -> None:
        super().__init__(schema)
        self._server = EmbeddedFalkorDB(directory, lock_timeout=lock_timeout, on_wait=on_wait, share=share)
        self._server.start()
        self._db: FalkorDB | None = None
        # The connection a write sent its statements on, how many replies it owes, and the writing thread.
        self._unconfirmed: tuple[redis.Connection, int, int] | None = None
        self._confirming = threading.RLock()  # several threads may call (the service's routes run in a pool)
        # A write's failure that another thread's call found, raised at the writing thread's next call.
        self._failures: dict[int, QueryError] = {}
        try:
            self._db = FalkorDB(unix_socket_path=str(self._server.socket_path))
            self._graph = self._db.select_graph(GRAPH_NAME)
            # Read-only queries on a graph that does not exist yet fail ("empty key");
            # a no-op write query creates it, so a new store reads as an empty graph.
            self._query("GRAPH.QUERY", "RETURN 0", None, None)
        except BaseException:
            self._server.stop()
            raise

    def describe(self) -> str:
        return str(self._server.directory)

    def run_counted(
        self, query: str, params: dict[str, Any] | None = None, *, write: bool = False, timeout: float | None = None
    ) -> Outcome:
        """GRAPH.RO_QUERY unless ``write=True``, with the time limit as its TIMEOUT argument."""
        check_query_text(query)
        result = self._query("GRAPH.QUERY" if write else "GRAPH.RO_QUERY", query, params,
                             self.time_limit(timeout, write))
        columns = [name for _, name in result.header]
        rows = [dict(zip(columns, (plain(value) for value in row))) for row in result.result_set]
        counted = {name: int(getattr(result, name) or 0) for name in CHANGE_COUNTERS}
        return Outcome(rows, {name: n for name, n in counted.items() if n})

    def write(self, statements: Iterable[UpsertStatement]) -> None:
        """Send the statements, in order, without waiting for the server to run them.

        The server runs them while this process goes on (a load extracts its next batch
        meanwhile). The store's next call, :meth:`close` included, first waits for them and
        raises :class:`QueryError` naming the first that failed; the others are applied.

        Not MULTI/EXEC: redis-server (8.2 with FalkorDB 4.16) aborts with "'!server.in_exec'
        is not true" when it replays GRAPH.QUERY commands from a MULTI block in the
        append-only file, so such a store would not reopen. Nothing is lost without it: the
        store's lock keeps other processes out, each statement is atomic, and an upsert is
        idempotent (MERGEs, and parts deleted before they are created), so a batch cut short
        is completed by running it again.
        """
        with self._confirming:  # another thread's call waits until the statements are sent, then confirms them
            self._confirm_writes()
            connection = self._client().connection_pool.get_connection()
            writer = threading.get_ident()
            self._unconfirmed = (connection, 0, writer)
            try:
                numbered = iter(statements)
                sent = 0
                while group := list(itertools.islice(numbered, PIPELINE_DEPTH)):
                    commands = [("GRAPH.QUERY", GRAPH_NAME, cypher_parameters(statement.params) + statement.query,
                                 "--compact") for statement in group]
                    with self._translated_errors():
                        connection.send_packed_command(connection.pack_commands(commands))
                    sent += len(group)
                    self._unconfirmed = (connection, sent, writer)
            except BaseException:
                with suppress(StoreError):
                    self._confirm_writes()  # what was sent before the failure runs all the same
                raise

    def _confirm_writes(self) -> None:
        """Read the replies of the statements :meth:`write` sent; raise the first failure to the thread
        that wrote them (now, or at its next call when this is another thread's call)."""
        with self._confirming:
            if failed := self._failures.pop(threading.get_ident(), None):
                raise failed
            if self._unconfirmed is None:
                return
            connection, sent, writer = self._unconfirmed
            self._unconfirmed = None
            failure = None
            try:
                with self._translated_errors():
                    for number in range(1, sent + 1):
                        try:
                            connection.read_response()
                        except redis.ResponseError as error:
                            failure = failure or (f"write statement {number} of {sent} failed, the others were "
                                                  f"applied: {_one_line(error)}")
            finally:
                self._client().connection_pool.release(connection)
            if failure:
                if writer != threading.get_ident():
                    self._failures[writer] = QueryError(failure)
                    return
                raise QueryError(failure)

    def sync(self) -> None:
        """Confirm the writes sent, then save the snapshot when anything changed: raises StoreUnavailable
        when it could not be written (the snapshot before it stays as it was)."""
        self._confirm_writes()
        self._server.save_changes()

    def ensure_schema(self) -> None:
        """A range index on the key of every label but the parts', the schema's full-text indexes;
        existing ones are kept.

        Parts are created with their owner and reached through it, never looked up by key, and
        an index on the ~20 topics of every episode cost more server time than the rest of a load.
        """
        for label, key in self.schema.node_keys.items():
            if label in self.schema.parts:
                continue
            self._create_index(self.dialect.key_index(label, key))
        for label, properties in self.schema.fulltext.items():
            self._create_index(self.dialect.fulltext_index(label, properties))

    def close(self) -> None:
        """Wait for the writes sent, save what changed, stop the server (unless it is another's) and
        release the store's lock. Idempotent.

        Raises the failure of a write statement still unconfirmed, or of the save, once the server is stopped.
        """
        try:
            self._confirm_writes()
        finally:
            if self._db is not None:
                self._db.connection.close()
                self._db = None
            self._server.stop()

    # -- internals -------------------------------------------------------------

    def _create_index(self, statement: str) -> None:
        """Run an index statement; one whose index exists fails with "already indexed" and changes nothing."""
        try:
            self.run(statement, write=True)
        except QueryError as error:
            if "already indexed" not in str(error):
                raise

    def _client(self) -> redis.Redis:
        if self._db is None:
            raise StoreError(f"the store {self.describe()} is closed")
        return self._db.connection

    def _query(self, command: str, query: str, params: Mapping[str, Any] | None, timeout: float | None) -> QueryResult:
        self._confirm_writes()  # a query sees every write before it
        text = cypher_parameters(params) + query
        limit = () if timeout is None else ("TIMEOUT", min(SERVER_TIMEOUT_MS, math.ceil(timeout * 1000)))
        with self._translated_errors(timeout):
            return QueryResult(self._graph, self._client().execute_command(command, GRAPH_NAME, text, "--compact", *limit))

    @contextmanager
    def _translated_errors(self, timeout: float | None = None) -> Iterator[None]:
        try:
            yield
        except redis.ResponseError as error:
            message = _one_line(error)
            if timeout is not None and message == "Query timed out":
                raise timed_out(timeout) from None
            if message == "Query's mem consumption exceeded capacity":
                raise out_of_memory(self._server.query_memory_mb) from None
            if "is to be executed only on read-only queries" in message:
                raise ReadOnlyRefusal(READ_ONLY_REFUSAL) from None
            raise QueryError(_without_context(message)) from None
        except redis.ConnectionError as error:
            if ended := self._server.how_it_ended(wait=1.0):
                raise StoreUnavailable(
                    f"the FalkorDB server of {self.describe()} stopped ({ended}) before it answered; "
                    f"the next command starts it again (its log: {self._server.log_path})"
                ) from None
            raise StoreUnavailable(
                f"lost the FalkorDB server of {self.describe()} ({_one_line(error)}); "
                f"its log ends: {self._server.last_log_line()}"
            ) from None

"""The scale store: a Neo4j 5 server over Bolt, with the official ``neo4j`` driver.

The same calls as every store (see :class:`graph.store.GraphStore`)::

    with Neo4jStore("bolt://127.0.0.1:7687", "neo4j", "secret-pw", schema=SCHEMA) as store:
        store.run("MATCH (p:Person) RETURN p.name AS name")
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, Iterable

import neo4j
from neo4j.exceptions import AuthError, DriverError, Neo4jError, ServiceUnavailable, SessionExpired
from neo4j.graph import Node, Path, Relationship
from neo4j.time import Date, DateTime, Duration, Time

from graph.dialect import NEO4J
from graph.errors import QueryError, ReadOnlyRefusal, StoreError, StoreUnavailable
from graph.limits import check_query_text, timed_out
from graph.model import Schema
from graph.store import CHANGE_COUNTERS, GraphStore, Outcome
from graph.writer import UpsertStatement

CONNECTION_TIMEOUT_S = 5.0
BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
READ_ONLY_CODE = "Neo.ClientError.Statement.AccessMode"
DATABASE_NOT_FOUND_CODE = "Neo.ClientError.Database.DatabaseNotFound"
TIMED_OUT_CODES = ("Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",)
# A transaction stopped for any reason, its time limit among them: taken for a timeout only once the limit
# has passed. One stopped while it waits for a lock says LockClientStopped, not that it timed out, and
# Neo4j versions classify these statuses differently (TransientError or ClientError): matched by name.
STOPPED_STATUSES = ("Transaction.LockClientStopped", "Transaction.Terminated", "Transaction.TransactionTimedOut")


def plain(value: Any) -> Any:
    """A value from a Neo4j record as plain Python, the same shape the FalkorDB store returns.

    Nodes become ``{"_labels": [...sorted], **properties}``, relationships
    ``{"_type": ..., **properties}``, paths a list alternating the two, and
    temporal values ISO 8601 strings.

    >>> from neo4j.time import Date
    >>> plain({"when": [Date(2024, 5, 1)], "n": 1})
    {'when': ['2024-05-01'], 'n': 1}
    """
    if isinstance(value, Node):
        return {"_labels": sorted(value.labels), **{k: plain(v) for k, v in value.items()}}
    if isinstance(value, Relationship):
        return {"_type": value.type, **{k: plain(v) for k, v in value.items()}}
    if isinstance(value, Path):
        items: list[Any] = [plain(value.start_node)]
        for relationship, node in zip(value.relationships, value.nodes[1:]):
            items += [plain(relationship), plain(node)]
        return items
    if isinstance(value, (Date, DateTime, Time, Duration)):
        return value.iso_format()
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _server_message(error: Neo4jError) -> str:
    """The server's message, first line only: later lines repeat the query with a caret."""
    message = (error.message or str(error)).strip()
    return _one_line(message.splitlines()[0]) if message else error.code or type(error).__name__


def _connection_cause(error: BaseException) -> str:
    """Why a connection failed, from the OS error underneath the driver's wrapping."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, ConnectionRefusedError):
            return "connection refused"
        if isinstance(seen, TimeoutError):
            return f"no answer within {CONNECTION_TIMEOUT_S:g} s"
        if isinstance(seen, OSError) and seen.strerror:
            return seen.strerror.lower()
        seen = seen.__cause__ or seen.__context__
    lines = str(error).strip().splitlines()
    return _one_line(lines[-1]) if lines else type(error).__name__


def _send(tx: neo4j.ManagedTransaction, query: str, params: Mapping[str, Any] | None) -> neo4j.Result:
    """``tx.run``, with a parameter the driver cannot encode (a set, an int past 64 bits) as a QueryError."""
    try:
        return tx.run(query, dict(params or {}))
    except (TypeError, ValueError, OverflowError) as error:
        raise QueryError(f"a parameter cannot be sent to Neo4j: {_one_line(str(error))}") from None


class Neo4jStore(GraphStore):
    """The StackGraph graph in a Neo4j 5 database, reached over Bolt.

    Construction connects and checks the credentials, so a store that exists
    is usable; a server that cannot be reached raises
    :class:`graph.errors.StoreUnavailable` within a few seconds.
    """

    backend = "neo4j"
    dialect = NEO4J

    def __init__(self, uri: str, username: str, password: str, database: str | None = None, *, schema: Schema) -> None:
        super().__init__(schema)
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stackgraph-neo4j-writer")
        self._unconfirmed: tuple[Future[None], int] | None = None  # the transaction, and the thread that wrote it
        self._confirming = threading.RLock()  # several threads may call (the service's routes run in a pool)
        # A write's failure that another thread's call found, raised at the writing thread's next call.
        self._failures: dict[int, BaseException] = {}
        self._uri = uri
        self._database = database
        scheme = uri.partition("://")[0] if "://" in uri else ""
        if scheme not in BOLT_SCHEMES:
            raise StoreError(f"cannot use Neo4j URI {uri!r}: it must start with one of {', '.join(BOLT_SCHEMES)}://")
        try:
            self._driver = neo4j.GraphDatabase.driver(
                uri, auth=(username, password), connection_timeout=CONNECTION_TIMEOUT_S
            )
        except (DriverError, ValueError) as error:
            raise StoreError(f"cannot use Neo4j URI {uri!r}: {_one_line(str(error))}") from None
        try:
            self._driver.verify_connectivity()
            if database is not None:
                self.run("RETURN 1")
        except AuthError:
            self._driver.close()
            raise StoreUnavailable(f"Neo4j at {uri}: authentication failed for user {username!r}") from None
        except Neo4jError as error:  # e.g. too many failed logins in a row
            self._driver.close()
            raise StoreUnavailable(f"Neo4j at {uri}: {_server_message(error)}") from None
        except (ServiceUnavailable, SessionExpired, OSError) as error:
            self._driver.close()
            raise StoreUnavailable(f"cannot reach Neo4j at {uri}: {_connection_cause(error)}") from None
        except BaseException:
            self._driver.close()
            raise

    def describe(self) -> str:
        """The URI, and the database when one was named: ``bolt://host:7687 (database movies)``."""
        return self._uri if self._database is None else f"{self._uri} (database {self._database})"

    def run_counted(
        self, query: str, params: dict[str, Any] | None = None, *, write: bool = False, timeout: float | None = None
    ) -> Outcome:
        """In a read transaction, or a write one with ``write=True``; a write in a read-only run
        raises ``ReadOnlyRefusal("read-only run refused a write (…); pass write=True")``. The time
        limit is the transaction's timeout."""
        check_query_text(query)
        self._confirm_writes()  # a query sees every write before it
        limit = self.time_limit(timeout, write)

        @neo4j.unit_of_work(timeout=limit)
        def work(tx: neo4j.ManagedTransaction) -> Outcome:
            result = _send(tx, query, params)
            rows = [{key: plain(value) for key, value in record.items()} for record in result]
            counters = result.consume().counters
            counted = {name: int(getattr(counters, name)) for name in CHANGE_COUNTERS}
            return Outcome(rows, {name: n for name, n in counted.items() if n})

        access = neo4j.WRITE_ACCESS if write else neo4j.READ_ACCESS
        with self._translated_errors(limit), self._session(access) as session:
            return session.execute_write(work) if write else session.execute_read(work)

    def write(self, statements: Iterable[UpsertStatement]) -> None:
        """Run every statement in one write transaction, all of them or none, in the background.

        The transaction runs on a writer thread while the caller goes on (a load extracts its
        next batch meanwhile; the thread mostly waits on the server). The store's next call,
        :meth:`close` included, first waits for it and raises its failure. One transaction
        keeps an upsert all-or-nothing and lets the driver retry the whole of it on transient
        errors (deadlocks between concurrent loads, a leader switch). Its size is bounded by
        the server's transaction memory; a load too large for that should be split into
        several documents by the caller.
        """
        with self._confirming:
            self._confirm_writes()
            statements = list(statements)
            if statements:
                self._unconfirmed = (self._writer.submit(self._write_now, statements), threading.get_ident())

    def _write_now(self, statements: list[UpsertStatement]) -> None:
        def work(tx: neo4j.ManagedTransaction) -> None:
            for statement in statements:
                _send(tx, statement.query, statement.params).consume()

        with self._translated_errors(), self._session(neo4j.WRITE_ACCESS) as session:
            session.execute_write(work)

    def _confirm_writes(self) -> None:
        """Wait for the transaction :meth:`write` started; raise its failure to the thread that wrote it
        (now, or at its next call when this is another thread's call)."""
        with self._confirming:  # another thread's call waits until the transaction is confirmed
            if failed := self._failures.pop(threading.get_ident(), None):
                raise failed
            if self._unconfirmed is None:
                return
            transaction, writer = self._unconfirmed
            self._unconfirmed = None
            try:
                transaction.result()
            except Exception as error:
                if writer != threading.get_ident():
                    self._failures[writer] = error
                    return
                raise

    def sync(self) -> None:
        """Confirm the writes sent: a committed Neo4j transaction is durable (its transaction log is flushed)."""
        self._confirm_writes()

    def ensure_schema(self) -> None:
        """A unique constraint on every label's key, a range index on each secondary label's id,
        the schema's full-text indexes (``<label>_fulltext``).

        Named ``<label>_<key>_unique`` and ``<label>_id``, created IF NOT
        EXISTS, so running it again changes nothing.
        """
        for label, key in self.schema.node_keys.items():
            self.run(self.dialect.key_index(label, key), write=True)
        for label, primary in self.schema.extra_labels.items():
            self.run(self.dialect.secondary_index(label, self.schema.key_of(primary)), write=True)
        for label, properties in self.schema.fulltext.items():
            self.run(self.dialect.fulltext_index(label, properties), write=True)
        # A full-text index answers only once it is online; a new one over loaded data takes a moment.
        if self.schema.fulltext:
            self.run("CALL db.awaitIndexes(300)")

    def clear(self) -> None:
        """Delete every node and relationship, 10,000 nodes per transaction.

        One transaction for the whole graph outgrows the server's transaction memory (a 1M
        relationship graph fails on the test server); ``IN TRANSACTIONS`` needs an auto-commit
        transaction, so this is the one statement sent outside a managed one.
        """
        self._confirm_writes()
        with self._translated_errors(), self._session(neo4j.WRITE_ACCESS) as session:
            session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()

    def close(self) -> None:
        """Wait for the write in flight, close the driver and its connections. Idempotent.

        Raises the failure of a write still unconfirmed, once the driver is closed.
        """
        try:
            self._confirm_writes()
        finally:
            self._writer.shutdown()
            self._driver.close()

    # -- internals -------------------------------------------------------------

    def _session(self, access: str) -> neo4j.Session:
        return self._driver.session(database=self._database, default_access_mode=access)

    @contextmanager
    def _translated_errors(self, timeout: float | None = None) -> Iterator[None]:
        """Driver and server errors as the store's one-line errors."""
        started = time.monotonic()
        try:
            yield
        except AuthError:
            raise
        except Neo4jError as error:
            if timeout is not None and (error.code in TIMED_OUT_CODES or (
                    (error.code or "").endswith(STOPPED_STATUSES) and time.monotonic() - started >= timeout)):
                raise timed_out(timeout) from None
            if error.code == READ_ONLY_CODE:
                raise ReadOnlyRefusal(f"read-only run refused a write ({_server_message(error)}); pass write=True") from None
            if error.code == DATABASE_NOT_FOUND_CODE:
                raise StoreUnavailable(f"Neo4j at {self.describe()}: {_server_message(error)}") from None
            raise QueryError(_server_message(error)) from None
        except (ServiceUnavailable, SessionExpired) as error:
            raise StoreUnavailable(f"lost Neo4j at {self.describe()}: {_connection_cause(error)}") from None

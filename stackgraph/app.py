"""What every command shares: the store it opens, output options, and error handling.

Exit codes scripts can rely on:

0 success · 1 invalid input (a listing, a query, a name) · 2 usage error ·
3 the store cannot be opened or reached · 130 interrupted (Ctrl-C) · 143 terminated (SIGTERM;
129 for SIGHUP). Interrupted or terminated, a command says "interrupted" and closes its store.

The CLI starts fast: this module and the command modules import only click at the top. The
store, loaders, queries and visualizations are imported by the command that uses them, so
``stackgraph --help`` loads no graph library and ``stackgraph stats`` no numpy or networkx.
"""

from __future__ import annotations

import functools
import signal
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, NoReturn

import click

if TYPE_CHECKING:
    from graph import GraphStore

# graph.BACKENDS, spelled out so that building the CLI imports no graph code (a test checks they agree).
BACKENDS = ("falkordb", "neo4j")

EXIT_INVALID = 1
EXIT_STORE = 3
EXIT_INTERRUPTED = 130


@dataclass
class App:
    backend: str
    store_path: str | None
    uri: str | None
    username: str | None
    password: str | None
    database: str | None
    _store: GraphStore | None = field(default=None, repr=False)

    @property
    def store(self) -> GraphStore:
        """The store of --backend, opened on first use and closed when the command ends."""
        if self._store is None:
            self._store = self.open(self.backend)
        return self._store

    def open(self, backend: str) -> GraphStore:
        """A store of the given backend, configured by the global options."""
        from domain import open_store

        return open_store(
            backend,
            path=self.store_path,
            uri=self.uri,
            username=self.username,
            password=self.password,
            database=self.database,
        )

    def close(self) -> None:
        """Close the store. A Ctrl-C or SIGTERM meanwhile waits for the close (the embedded server
        saves the graph as it stops), then ends the command as interrupted, instead of click's "Aborted!".
        A close that could not save what the command wrote fails the command (exit 3)."""
        if self._store is None:
            return
        store, self._store = self._store, None
        if threading.current_thread() is not threading.main_thread():  # only there can signals be handled
            self._close_reporting_failure(store)
            return
        received: list[int] = []

        def note_signal(signum: int, frame: object) -> None:
            received.append(signum)

        previous = {signum: signal.signal(signum, note_signal) for signum in INTERRUPTING_SIGNALS}
        try:
            self._close_reporting_failure(store)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        if received:
            fail("interrupted", 128 + received[0])

    @staticmethod
    def _close_reporting_failure(store: GraphStore) -> None:
        from graph import StoreError

        try:
            store.close()
        except StoreError as error:
            fail(str(error), EXIT_STORE)


def fail(message: str, code: int) -> NoReturn:
    """End the command with ``message`` as one line on stderr (control characters from data escaped)."""
    from stackgraph.output import escape_controls

    click.echo(f"stackgraph: error: {escape_controls(message)}", err=True)
    sys.exit(code)


def require_folder_of(output: str) -> None:
    """Fail (invalid input) before any work when ``output`` cannot be written for want of its folder."""
    folder = Path(output).parent
    if not folder.is_dir():
        fail(f"{output}: folder {str(folder)!r} does not exist", EXIT_INVALID)


def invalid_input_errors() -> tuple[type[Exception], ...]:
    """The errors that mean the user's input is wrong (exit 1), imported when an error is being handled."""
    from graph import QueryError
    from loaders.listing import ListingError
    from loaders.pipeline import LoadError
    from queries.names import UnknownKind, UnknownName

    return (ListingError, LoadError, QueryError, UnknownName, UnknownKind)


# Any loaded node: derived data (the co-occurrence index) does not count.
_ANY_NODE = "MATCH (n) WHERE none(label IN labels(n) WHERE label IN $derived) RETURN 1 AS found LIMIT 1"


def empty_store_hint() -> str | None:
    """When the command's store (if it opened one) holds nothing: that it is empty, and how to fill it."""
    from domain.schema import SCHEMA

    app = click.get_current_context().find_object(App)
    if app is None or app._store is None or app.store.run(_ANY_NODE, {"derived": list(SCHEMA.derived_labels)}):
        return None
    return (f"the store at {app.store.describe()} is empty; load the bundled listing first: "
            "stackgraph load data/running-in-production.txt")


def handle_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the errors a user can cause into one line on stderr and a meaningful exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except KeyboardInterrupt as interrupt:
            fail("interrupted", interrupted_exit_code(interrupt))
        except click.ClickException:
            raise  # a usage error: click prints it and exits 2
        except Exception as error:
            from graph import StoreError

            if isinstance(error, invalid_input_errors()):  # before StoreError: a QueryError is one
                unknown_name = isinstance(error, LookupError)
                fail((unknown_name and empty_store_hint()) or str(error), EXIT_INVALID)
            if isinstance(error, StoreError):
                fail(str(error), EXIT_STORE)
            raise

    return wrapper


# Signals that end a command as Ctrl-C does; SIGHUP where the platform has it.
INTERRUPTING_SIGNALS = (signal.SIGINT, signal.SIGTERM, *([signal.SIGHUP] if hasattr(signal, "SIGHUP") else []))


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where Ctrl-C raises KeyboardInterrupt, so that the same cleanup runs."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def interrupted_exit_code(interrupt: KeyboardInterrupt) -> int:
    """The exit status of a command ended by an interrupt: 128 + the signal's number.

    >>> interrupted_exit_code(KeyboardInterrupt()), interrupted_exit_code(Terminated(signal.SIGTERM))
    (130, 143)
    """
    return 128 + interrupt.signum if isinstance(interrupt, Terminated) else EXIT_INTERRUPTED


def exit_cleanly_on_sigterm() -> None:
    """A terminated CLI ends as an interrupted one: it closes its store (the embedded server saves and
    stops), says "interrupted" and exits 128 + the signal's number."""

    def raise_terminated(signum: int, frame: object) -> None:
        raise Terminated(signum)

    for signum in INTERRUPTING_SIGNALS:
        if signum != signal.SIGINT:
            signal.signal(signum, raise_terminated)


pass_app = click.make_pass_decorator(App)

format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"], case_sensitive=False),
    default="table",
    show_default=True,
    help="table for people (fits the terminal); json (an array of objects) or csv for pipes.",
)

limit_option = click.option(
    "--limit", type=click.IntRange(min=0), default=None, help="Print at most N rows (0 prints none). [default: all]"
)

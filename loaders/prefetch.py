"""Make the next items in a background thread while the consumer works on this one.

Loading alternates Python work (parsing, extraction) with waiting for the database: a
thread makes the next batch while the store writes this one. At most ``depth`` finished
items wait, so memory stays flat; an exception in the producer is raised in the consumer,
and a consumer that stops early stops the producer. The thread is a daemon: it dies with
the process, whatever ends it.

>>> list(in_thread(iter(range(3))))
[0, 1, 2]
"""

from __future__ import annotations

import queue
import threading
from typing import Any, Iterable, Iterator, TypeVar

T = TypeVar("T")

# What travels from producer to consumer: (ITEM, item), (ERROR, exception) or (DONE, None).
ITEM, ERROR, DONE = "item", "error", "done"
_POLL_S = 0.1


def in_thread(items: Iterator[T], depth: int = 1) -> Iterator[T]:
    """The items, produced by a background thread up to ``depth`` items ahead of the consumer."""
    handoff: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()
    thread = threading.Thread(target=_send_all, args=(items, handoff, stop), name="stackgraph-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            kind, item = handoff.get()
            if kind == ERROR:
                raise item
            if kind == DONE:
                return
            yield item
    finally:
        stop.set()
        thread.join()


def _send_all(items: Iterable[Any], handoff: queue.Queue[tuple[str, Any]], stop: threading.Event) -> None:
    """Every item, then DONE; or the exception that stopped them. Stops when the consumer has left."""

    def put(message: tuple[str, Any]) -> bool:
        while not stop.is_set():
            try:
                handoff.put(message, timeout=_POLL_S)
                return True
            except queue.Full:
                continue
        return False

    try:
        for item in items:
            if not put((ITEM, item)):
                return
    except BaseException as error:  # handed to the consumer, raised there
        put((ERROR, error))
        return
    put((DONE, None))

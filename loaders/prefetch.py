"""Make the next items while the consumer works on this one: in a thread, or in a child process.

Loading alternates Python work (parsing, extraction, encoding) with waiting for the
database. A thread overlaps the two only while the consumer waits (the GIL); a child
process gives the Python work a core of its own, at the price of pickling each item. Either way at most
``depth`` finished items wait, so memory stays flat; an exception in the producer is
raised in the consumer, and a consumer that stops early stops the producer.

>>> list(in_thread(iter(range(3))))
[0, 1, 2]
>>> list(in_process(range, 3))                    # doctest: +SKIP
[0, 1, 2]
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import queue
import threading
from typing import Any, Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")

# What travels from producer to consumer: (ITEM, item), (ERROR, exception) or (DONE, None).
ITEM, ERROR, DONE = "item", "error", "done"
_POLL_S = 0.1


def in_thread(items: Iterator[T], depth: int = 1) -> Iterator[T]:
    """The items, produced by a background thread up to ``depth`` items ahead of the consumer."""
    handoff: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    put = _putter(handoff, lambda: not stop.is_set())
    thread = threading.Thread(target=_send_all, args=(items, put), name="stackgraph-prefetch", daemon=True)
    thread.start()
    try:
        yield from _received(iter(handoff.get, None))
    finally:
        stop.set()
        thread.join()


def in_process(make_items: Callable[..., Iterable[T]], *args: Any, depth: int = 2) -> Iterator[T]:
    """The items of ``make_items(*args)``, made in a child process up to ``depth`` items ahead.

    Each item is pickled back to the consumer. The child is forked where the platform can
    (Linux): it starts at once, and does not import the caller's ``__main__`` again, which
    a spawned child does (a script without an ``if __name__ == "__main__":`` guard would
    then run twice). It stops when the consumer stops, and on its own when its parent dies.
    """
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    handoff = context.Queue(maxsize=depth)
    stop = context.Event()
    child = context.Process(
        target=_produce, args=(make_items, args, handoff, stop, os.getpid()), name="stackgraph-prefetch", daemon=True
    )

    def messages() -> Iterator[tuple[str, Any]]:
        while True:
            try:
                yield handoff.get(timeout=_POLL_S)
            except queue.Empty:
                if not child.is_alive():
                    raise RuntimeError(f"the {child.name} process ended without a word (exit code {child.exitcode})") from None

    child.start()
    try:
        yield from _received(messages())
    finally:
        stop.set()
        child.join(timeout=5)
        if child.is_alive():
            child.terminate()
            child.join()
        handoff.close()
        handoff.join_thread()


def _received(messages: Iterator[tuple[str, Any]]) -> Iterator[Any]:
    for kind, item in messages:
        if kind == ERROR:
            raise item
        if kind == DONE:
            return
        yield item


def _send_all(items: Iterable[Any], put: Callable[[tuple[str, Any]], bool]) -> None:
    """Every item, then DONE; or the exception that stopped them. Stops when ``put`` says the consumer left."""
    try:
        for item in items:
            if not put((ITEM, item)):
                return
    except BaseException as error:  # handed to the consumer, raised there
        put((ERROR, error))
        return
    put((DONE, None))


def _putter(handoff, wanted: Callable[[], bool]) -> Callable[[tuple[str, Any]], bool]:
    """A put that waits for room while ``wanted()`` says the consumer is there; False when it is not."""

    def put(message: tuple[str, Any]) -> bool:
        while wanted():
            try:
                handoff.put(message, timeout=_POLL_S)
                return True
            except queue.Full:
                continue
        return False

    return put


def _produce(make_items: Callable[..., Iterable[Any]], args: tuple, handoff, stop, parent: int) -> None:
    """The child's work: the consumer is gone when it says stop, or when this process has a new parent.

    The cyclic garbage collector, run on allocation counts, scanned each item's objects over and
    over and what the child inherited at every full pass: a fifth of a load's producer time, for
    no cycle found. Here it never scans the inherited objects and runs once every COLLECT_EVERY
    items, which keeps memory flat should items leave cycles behind. (Once after each item, it
    still cost 0.06 ms of a load's ~1 ms an episode, 0.17 ms late in a 100k load as the
    long-lived caches grew: ~12 ms a pass over a batch's ~25k objects, to find nothing.)
    """
    gc.freeze()
    gc.disable()
    _send_all(_collected_every(make_items(*args)), _putter(handoff, lambda: not stop.is_set() and os.getppid() == parent))


COLLECT_EVERY = 16


def _collected_every(items: Iterable[T]) -> Iterator[T]:
    for number, item in enumerate(items, start=1):
        yield item
        if number % COLLECT_EVERY == 0:
            gc.collect()

"""The load pipeline: listing files → parsed episodes → GraphDocuments → a store.

Two streaming passes over the files keep memory flat and the store safe:
the first checks every episode, so that by default nothing is written when
any is invalid; the second extracts and upserts episodes in batches. Every
write is a MERGE on natural keys, so a load run twice, or re-run after an
interruption, leaves the same graph. The co-occurrence counts
(graph/cooccurrence.py) are brought up to date along the way.

>>> from graph import open_store                                # doctest: +SKIP
>>> with open_store("falkordb", path="/tmp/sg") as store:       # doctest: +SKIP
...     report = load_listings(["data/running-in-production.txt"], store)
>>> report.episodes                                             # doctest: +SKIP
10
"""

from __future__ import annotations

import os
import queue
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, TypeVar

from graph.cooccurrence import CooccurrenceIndex
from graph.model import GraphDocument
from graph.store import GraphStore
from loaders.catalog import Catalog
from loaders.extract import episode_document, podcast_document
from loaders.listing import ListingEpisode, ListingError, PodcastHeader, read_listing

Progress = Callable[[int], None]
T = TypeVar("T")


class LoadError(Exception):
    """The listing is invalid and nothing was written; ``errors`` holds every problem found."""

    def __init__(self, errors: list[ListingError]):
        self.errors = errors
        more = f" (and {len(errors) - 1} more invalid episode(s))" if len(errors) > 1 else ""
        super().__init__(f"{errors[0]}{more}; nothing was loaded")


@dataclass
class CheckedListing:
    """What the first pass found: how many episodes are valid, and the invalid ones."""

    paths: list[Path]
    episodes: int = 0
    invalid: list[ListingError] = field(default_factory=list)


@dataclass
class LoadReport:
    files: int
    episodes: int
    skipped: list[ListingError]
    before: dict[str, dict[str, int]]
    after: dict[str, dict[str, int]]

    def added(self) -> dict[str, dict[str, int]]:
        """What the load added, per label and relationship type (zero counts left out)."""
        result: dict[str, dict[str, int]] = {}
        for kind in ("nodes", "relationships"):
            result[kind] = {
                name: count - self.before[kind].get(name, 0)
                for name, count in self.after[kind].items()
                if count != self.before[kind].get(name, 0)
            }
        return result


def check_listings(paths: Iterable[str | os.PathLike[str]]) -> CheckedListing:
    """First pass: parse every file, counting valid episodes and collecting invalid ones.

    A file that cannot be read at all (missing, binary, empty) raises ListingError.
    """
    checked = CheckedListing(paths=[Path(p) for p in paths])
    for path in checked.paths:
        for item in read_listing(path, collect_errors=True):
            if isinstance(item, ListingError):
                checked.invalid.append(item)
            elif isinstance(item, ListingEpisode):
                checked.episodes += 1
    return checked


def _documents(paths: list[Path], catalog: Catalog, batch_episodes: int) -> Iterator[tuple[GraphDocument, int]]:
    """Second pass: one merged GraphDocument per batch of episodes, with the batch's episode count."""
    batch, count = GraphDocument(), 0
    for path in paths:
        podcast: PodcastHeader | None = None
        for item in read_listing(path, collect_errors=True):
            if isinstance(item, PodcastHeader):
                podcast = item
                podcast_document(podcast, into=batch)
            elif isinstance(item, ListingEpisode):
                episode_document(item, catalog, podcast, into=batch)
                count += 1
                if count == batch_episodes:
                    yield batch, count
                    batch, count = GraphDocument(), 0
    if batch.nodes or count:
        yield batch, count


_DONE = object()


def _ahead(items: Iterator[T], depth: int = 1) -> Iterator[T]:
    """The items, produced by a background thread up to ``depth`` items ahead of the consumer.

    Loading alternates Python work (parsing, extraction) with waiting for the database;
    the thread parses and extracts batch n+1 while the store executes batch n (the wait
    releases the GIL). At most ``depth`` finished items wait in the queue, so memory stays
    flat. An exception in the producer is raised in the consumer; a consumer that stops
    early (an error, an interrupt) stops the producer.
    """
    handoff: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                handoff.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put((True, item)):
                    return
        except BaseException as error:  # handed to the consumer, raised there
            put((False, error))
            return
        put((True, _DONE))

    thread = threading.Thread(target=produce, name="stackgraph-extract", daemon=True)
    thread.start()
    try:
        while True:
            ok, item = handoff.get()
            if not ok:
                raise item
            if item is _DONE:
                return
            yield item
    finally:
        stop.set()
        thread.join()


def load_listings(
    paths: Iterable[str | os.PathLike[str]],
    store: GraphStore,
    *,
    skip_invalid: bool = False,
    catalog: Catalog | None = None,
    batch_episodes: int = 200,
    on_checked: Callable[[CheckedListing], None] | None = None,
    progress: Progress | None = None,
) -> LoadReport:
    """Load listing files into a store; see the module docstring for the guarantees.

    ``on_checked`` is told what the first pass found (to size a progress bar);
    ``progress`` is called with the number of episodes each written batch held.
    Raises :class:`LoadError` when an episode is invalid and ``skip_invalid`` is
    false, before anything is written.
    """
    checked = check_listings(paths)
    if checked.invalid and not skip_invalid:
        raise LoadError(checked.invalid)
    if on_checked:
        on_checked(checked)
    catalog = catalog or Catalog.default()
    store.ensure_schema()
    before = store.counts()
    index = CooccurrenceIndex(store)
    index.begin()
    for document, episodes in _ahead(_documents(checked.paths, catalog, batch_episodes)):
        index.add(document)  # reads the stacks this batch extends, so before the batch is written
        store.upsert(document)
        if progress:
            progress(episodes)
    index.commit()
    return LoadReport(
        files=len(checked.paths),
        episodes=checked.episodes,
        skipped=checked.invalid,
        before=before,
        after=store.counts(),
    )

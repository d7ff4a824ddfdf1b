"""The load pipeline: listing files → parsed episodes → GraphDocuments → a store.

Two streaming passes over the files keep memory flat and the store safe:
the first checks every episode, so that by default nothing is written when
any is invalid; the second extracts and upserts episodes in batches. Every
write is keyed on natural keys (a MERGE, or an episode's topics replaced with
it), so a load run twice, or re-run after an interruption, leaves the same graph. The co-occurrence counts
(graph/cooccurrence.py) are brought up to date along the way.

Into an empty store whose backend can build a graph in bulk (FalkorDB), one pass does it all: a
new graph is built beside the store's, in bulk, and replaces it only once every episode is in, so
an invalid episode, an error or an interruption leaves the store as it was. A load the bulk format
cannot carry (an episode listed twice) is written by upserts instead. The bulk encoder remembers
what it wrote; once that is as much as it may hold (``BatchEncoder.full``), the rest of the load
is upserted into the new graph, so memory stops growing with the listing.

>>> from graph import open_store                                # doctest: +SKIP
>>> with open_store("falkordb", path="/tmp/sg") as store:       # doctest: +SKIP
...     report = load_listings(["data/running-in-production.txt"], store)
>>> report.episodes                                             # doctest: +SKIP
10
"""

from __future__ import annotations

import os
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from graph.cooccurrence import CooccurrenceIndex, uses_in
from graph.errors import BulkUnsuitable
from graph.model import GraphDocument
from graph.store import BatchEncoder, EncodedBatch, GraphStore, NewGraph
from graph.writer import UpsertStatement, upsert_statements
from loaders.catalog import Catalog
from loaders.extract import episode_document, episode_id, podcast_document
from loaders.listing import ListingEpisode, ListingError, PodcastHeader, count_episodes, read_listing
from loaders.prefetch import in_process, in_thread

Progress = Callable[[int], None]


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
    bulk_episodes: int = 0  # episodes written into a new graph in the backend's bulk format

    @property
    def in_bulk(self) -> bool:
        return self.bulk_episodes > 0

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


def _documents(paths: list[Path], catalog: Catalog, batch_episodes: int) -> Iterator[tuple[GraphDocument, int, list[ListingError]]]:
    """Second pass: one merged GraphDocument per batch of episodes, with the batch's episode count
    and the invalid episodes met since the batch before.

    An episode listed again starts a new batch: merged into the one holding its first listing, it
    would keep the topics of both, where written later it replaces them, whatever the batch size.
    """
    batch, count, invalid = GraphDocument(), 0, []
    for path in paths:
        podcast: PodcastHeader | None = None
        for item in read_listing(path, collect_errors=True):
            if isinstance(item, PodcastHeader):
                podcast = item
                podcast_document(podcast, into=batch)
            elif isinstance(item, ListingEpisode):
                if batch.node("Episode", episode_id(item)) is not None:
                    yield batch, count, invalid
                    batch, count, invalid = GraphDocument(), 0, []
                episode_document(item, catalog, podcast, into=batch)
                count += 1
                if count == batch_episodes:
                    yield batch, count, invalid
                    batch, count, invalid = GraphDocument(), 0, []
            else:
                invalid.append(item)
    if batch.nodes or count or invalid:
        yield batch, count, invalid


@dataclass
class EncodedBatch:
    """A batch ready to send: its statements encoded for the store, the USES relationships the
    co-occurrence index counts before they are written, and how many episodes it holds."""

    statements: list[Any]
    uses: list[tuple[str, str]]
    episodes: int


def _encoded(
    paths: list[Path], catalog: Catalog, batch_episodes: int, encode: Callable[[Iterable[UpsertStatement]], list[Any]]
) -> Iterator[EncodedBatch]:
    """Second pass, to the last step that needs no store: parsed, extracted, turned into statements, encoded."""
    for document, episodes, _ in _documents(paths, catalog, batch_episodes):
        yield EncodedBatch(encode(upsert_statements(document)), uses_in(document), episodes)


@dataclass
class BulkBatch:
    """A batch for a new graph: encoded in the backend's bulk format, or as upsert statements once the
    encoder is full; its USES, episodes and invalid episodes."""

    encoded: EncodedBatch | None
    statements: list[Any] | None
    uses: list[tuple[str, str]]
    episodes: int
    invalid: list[ListingError]


def _bulk_encoded(
    paths: list[Path], catalog: Catalog, batch_episodes: int, encoder: Callable[[], BatchEncoder],
    encode_statements: Callable[[Iterable[UpsertStatement]], list[Any]],
) -> Iterator[BulkBatch]:
    """The one pass of a load into a new graph, to the last step that needs no store."""
    bulk: BatchEncoder | None = encoder()
    for document, episodes, invalid in _documents(paths, catalog, batch_episodes):
        if bulk is not None and bulk.full:
            bulk = None  # and what it remembered with it: memory stays flat from here on
        if bulk is None:
            yield BulkBatch(None, encode_statements(upsert_statements(document)), uses_in(document), episodes, invalid)
        else:
            yield BulkBatch(bulk.encode(document), None, uses_in(document), episodes, invalid)


# Below this the thread does as well: the batches are few, and a process is one more thing to fork.
PROCESS_FROM_EPISODES = 2000


def load_listings(
    paths: Iterable[str | os.PathLike[str]],
    store: GraphStore,
    *,
    skip_invalid: bool = False,
    catalog: Catalog | None = None,
    batch_episodes: int = 200,
    on_checked: Callable[[CheckedListing], None] | None = None,
    progress: Progress | None = None,
    in_child_process: bool | None = None,
    bulk: bool = True,
) -> LoadReport:
    """Load listing files into a store; see the module docstring for the guarantees.

    ``on_checked`` is told how many episodes there are (to size a progress bar);
    ``progress`` is called with the number of episodes each written batch held.
    Raises :class:`LoadError` when an episode is invalid and ``skip_invalid`` is
    false, before anything is written.

    Into an empty store, where the backend offers it and ``bulk`` is true, the load
    builds a new graph in bulk (``LoadReport.in_bulk``); otherwise it upserts.
    The work before the store parses, extracts and encodes in a thread, or with
    ``in_child_process`` in a child process, on a core of its own while this one
    sends; None (the default) chooses the process on a machine with two cores or
    more for PROCESS_FROM_EPISODES episodes or more.
    """
    load = _Load([Path(p) for p in paths], skip_invalid, catalog or Catalog.default(), batch_episodes, on_checked, progress,
                 in_child_process)
    new_graph = store.new_graph() if bulk else None
    if new_graph is not None:
        try:
            return load.into_new_graph(store, new_graph)
        except BulkUnsuitable:
            pass  # the new graph is gone; the load upserts into the store as it was
    return load.upserted(store)


@dataclass
class _Load:
    """One call's files and options (see :func:`load_listings`), and its two ways of writing."""

    paths: list[Path]
    skip_invalid: bool
    catalog: Catalog
    batch_episodes: int
    on_checked: Callable[[CheckedListing], None] | None
    progress: Progress | None
    in_child_process: bool | None

    def into_new_graph(self, store: GraphStore, new_graph: AbstractContextManager[NewGraph]) -> LoadReport:
        """One pass: parse, extract and write in bulk into a new graph, which replaces the store's when done."""
        counted = CheckedListing(self.paths, episodes=sum(count_episodes(path) for path in self.paths))
        if self.on_checked:
            self.on_checked(counted)
        before = store.counts()
        episodes, bulk_episodes, skipped = 0, 0, []
        with store.bulk_writes(), new_graph as build:
            index = CooccurrenceIndex(build.store)
            index.begin()
            work = (self.paths, self.catalog, self.batch_episodes, build.encoder(), build.store.encode_statements)
            for batch in self._prefetched(_bulk_encoded, work, counted.episodes):
                if batch.invalid and not self.skip_invalid:
                    raise LoadError(check_listings(self.paths).invalid)
                skipped += batch.invalid
                index.add(batch.uses)  # reads the stacks this batch extends, so before the batch is written
                if batch.encoded is None:  # the encoder is full: no more bulk writes
                    build.flush()
                    build.store.run_encoded(batch.statements)
                    index.written()
                else:
                    if build.write(batch.encoded):
                        index.written()
                    bulk_episodes += batch.episodes
                episodes += batch.episodes
                if self.progress:
                    self.progress(batch.episodes)
            build.flush()
            index.written()
            index.commit()
        return LoadReport(len(self.paths), episodes, skipped, before, store.counts(), bulk_episodes)

    def upserted(self, store: GraphStore) -> LoadReport:
        """Two passes: check every episode, then upsert them in batches."""
        checked = check_listings(self.paths)
        if checked.invalid and not self.skip_invalid:
            raise LoadError(checked.invalid)
        if self.on_checked:
            self.on_checked(checked)
        store.ensure_schema()
        before = store.counts()
        index = CooccurrenceIndex(store)
        index.begin()
        work = (self.paths, self.catalog, self.batch_episodes, store.encode_statements)
        with store.bulk_writes():
            for batch in self._prefetched(_encoded, work, checked.episodes):
                index.add(batch.uses)  # reads the stacks this batch extends, so before the batch is written
                store.run_encoded(batch.statements)
                index.written()
                if self.progress:
                    self.progress(batch.episodes)
            index.commit()
        return LoadReport(len(self.paths), checked.episodes, checked.invalid, before, store.counts())

    def _prefetched(self, make_items: Callable[..., Iterable[Any]], work: tuple, episodes: int) -> Iterator[Any]:
        in_child_process = self.in_child_process
        if in_child_process is None:
            in_child_process = (os.cpu_count() or 1) > 1 and episodes >= PROCESS_FROM_EPISODES
        return in_process(make_items, *work) if in_child_process else in_thread(make_items(*work))

"""The load pipeline, three typed steps from listing files to a store:

* :func:`episodes` reads: ``paths -> Iterator[ListingItem]``, each file's podcast header, episodes
  and invalid episodes, in order;
* :func:`documents` extracts: ``(items, catalog) -> Iterator[Batch]``, one GraphDocument per batch
  of episodes;
* :func:`write` writes: ``(store, batches) -> episodes written``, upserts in ``UNWIND $rows … MERGE``
  statements, then the co-occurrence counts brought up to date, once.

:func:`load_listings` runs them after a check pass over :func:`episodes`, so that by default
nothing is written when any episode is invalid. The check pass reads each file once
(loaders/sources.py): the write pass reads the same bytes, whatever happens to the file meanwhile. The stores run a batch's writes while the next
batch is extracted (they confirm them at their next call). Every write is keyed on natural keys
(a MERGE, or an episode's topics replaced with it), so a load run twice, or re-run after an
interruption, leaves the same graph.

>>> report = load_listings([TINY_LISTING], store)
>>> report.episodes, report.added()
(4, {'nodes': {}, 'relationships': {}})
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from domain.catalog import Catalog
from domain.cooccurrence import CooccurrenceIndex, uses_in
from graph.model import GraphDocument
from graph.store import GraphStore
from loaders.decisions import forget_unstated
from loaders.extract import episode_document, episode_id, podcast_document
from loaders.limits import MOST_TECHNOLOGIES
from loaders.listing import ListingEpisode, ListingError, PodcastHeader
from loaders.fetch import FetchedFeed
from loaders.precedence import keep_exact_durations
from loaders.remote import open_sources, remember
from loaders.sources import Snapshot, read_source, snapshot

ListingItem = ListingEpisode | PodcastHeader | ListingError
Progress = Callable[[int], None]


class LoadError(Exception):
    """The listing is invalid and nothing was written; ``errors`` holds every problem found."""

    def __init__(self, errors: list[ListingError]):
        self.errors = errors
        more = f" (and {len(errors) - 1} more invalid episode(s))" if len(errors) > 1 else ""
        super().__init__(f"{errors[0]}{more}; nothing was loaded")


@dataclass
class Batch:
    """Episodes extracted into one document, ready to write."""

    document: GraphDocument
    episodes: int


@dataclass
class CheckedListing:
    """What the check pass found: how many episodes are valid, and the invalid ones; ``paths``
    holds what it read, for the write pass to read again (close it when done)."""

    paths: list[Snapshot | FetchedFeed]
    episodes: int = 0
    invalid: list[ListingError] = field(default_factory=list)
    repeated: int = 0  # of the episodes, those listed before (the same id): loaded once

    def close(self) -> None:
        for source in self.paths:
            if isinstance(source, Snapshot):
                source.close()


@dataclass
class LoadReport:
    files: int
    episodes: int
    skipped: list[ListingError]
    before: dict[str, dict[str, int]]
    after: dict[str, dict[str, int]]
    repeated: int = 0  # episodes listed again, in the same file or another
    unchanged: list[str] = field(default_factory=list)  # URLs whose feed has not changed since the last load

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


def episodes(
    paths: Iterable[str | os.PathLike[str] | FetchedFeed | Snapshot], most_technologies: int = MOST_TECHNOLOGIES
) -> Iterator[ListingItem]:
    """Step 1: every file's podcast header, episodes and invalid episodes, in order.

    A file is a listing or an RSS/Atom feed, recognised by its content (loaders/sources.py).
    A file that cannot be read at all (missing, binary, empty, not a feed) raises ListingError.
    An episode whose stack lists more than ``most_technologies`` technologies is invalid.
    """
    for path in paths:
        for item in read_source(path):
            yield _within_limits(item, most_technologies)


def _within_limits(item: ListingItem, most_technologies: int) -> ListingItem:
    if isinstance(item, ListingEpisode) and len(set(item.stack)) > most_technologies:
        return ListingError(item.source, item.line, f"episode {item.title!r} lists {len(set(item.stack))} technologies, "
                            f"more than the {most_technologies} an episode may list (see --max-technologies)")
    return item


def documents(items: Iterable[ListingItem], catalog: Catalog, batch_episodes: int = 200) -> Iterator[Batch]:
    """Step 2: one merged GraphDocument per ``batch_episodes`` episodes; invalid episodes are left out.

    An episode listed again starts a new batch: merged into the one holding its first listing, it
    would keep the topics of both, where written later it replaces them, whatever the batch size.
    """
    batch, count = GraphDocument(), 0
    podcast: PodcastHeader | None = None
    for item in items:
        if isinstance(item, PodcastHeader):
            podcast = item
            podcast_document(podcast, into=batch)
        elif isinstance(item, ListingEpisode):
            if batch.node("Episode", episode_id(item)) is not None:
                yield Batch(batch, count)
                batch, count = GraphDocument(), 0
            episode_document(item, catalog, podcast, into=batch)
            count += 1
            if count == batch_episodes:
                yield Batch(batch, count)
                batch, count = GraphDocument(), 0
    if batch.nodes or count:
        yield Batch(batch, count)


def write(store: GraphStore, batches: Iterable[Batch], progress: Progress | None = None) -> int:
    """Step 3: upsert every batch, then bring the co-occurrence counts up to date; the episodes written.

    The one place where the counts are kept: each batch's new USES are counted before it is
    written (against the stacks it extends), and the sums are written once, at the end.
    ``progress`` hears of a batch once the store has confirmed it: a store confirms a write at
    its next call, so the server runs a batch while the next one is extracted. Decisions that
    only a replaced topic line stated go last.
    """
    store.ensure_schema()
    index = CooccurrenceIndex(store)
    index.begin()
    written, unreported = 0, 0
    for batch in batches:
        keep_exact_durations(store, batch.document)
        index.add(uses_in(batch.document))
        store.upsert(batch.document)  # confirms the batch before
        if progress and unreported:
            progress(unreported)
        unreported = batch.episodes
        written += batch.episodes
    index.commit()
    forget_unstated(store)
    if progress and unreported:
        progress(unreported)
    return written


def check_listings(
    paths: Iterable[str | os.PathLike[str] | FetchedFeed], most_technologies: int = MOST_TECHNOLOGIES
) -> CheckedListing:
    """The check pass: read every file once (``-``: standard input) and parse it and every fetched feed,
    counting valid episodes and collecting invalid ones."""
    checked = CheckedListing(paths=[])
    try:
        for path in paths:
            checked.paths.append(path if isinstance(path, FetchedFeed) else snapshot(path))
        seen: set[str] = set()
        for item in episodes(checked.paths, most_technologies):
            if isinstance(item, ListingError):
                checked.invalid.append(item)
            elif isinstance(item, ListingEpisode):
                checked.episodes += 1
                key = episode_id(item)
                checked.repeated += key in seen
                seen.add(key)
    except BaseException:
        checked.close()
        raise
    return checked


def load_listings(
    paths: Iterable[str | os.PathLike[str]],
    store: GraphStore,
    *,
    skip_invalid: bool = False,
    catalog: Catalog | None = None,
    batch_episodes: int = 200,
    most_technologies: int = MOST_TECHNOLOGIES,
    on_checked: Callable[[CheckedListing], None] | None = None,
    progress: Progress | None = None,
) -> LoadReport:
    """Load listing and feed files, and feeds by URL, into a store; see the module docstring for the guarantees.

    A URL is fetched once, conditionally (loaders/remote.py): a feed unchanged since its last
    load is left out, and when every argument is such a feed nothing is written at all.
    ``on_checked`` is told how many episodes there are (to size a progress bar);
    ``progress`` is called with the number of episodes each written batch held.
    Raises :class:`LoadError` when an episode is invalid and ``skip_invalid`` is
    false, before anything is written: every value the write could refuse is refused here. Returns once
    the load is durable (``store.sync()``).
    """
    sources = open_sources(paths, store)
    checked = check_listings(sources.files_and_feeds, most_technologies)
    try:
        if checked.invalid and not skip_invalid:
            raise LoadError(checked.invalid)
        if on_checked:
            on_checked(checked)
        before = store.counts()
        if checked.paths:
            items = episodes(checked.paths, most_technologies)  # the bytes the check pass read
            write(store, documents(items, catalog or Catalog.default(), batch_episodes), progress)
            remember(store, sources.fetched)
            store.sync()  # what the report says was loaded is on disk
    finally:
        checked.close()
    return LoadReport(len(checked.paths), checked.episodes, checked.invalid, before, store.counts(),
                      checked.repeated, sources.unchanged)

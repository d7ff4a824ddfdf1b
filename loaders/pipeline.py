"""The load pipeline: listing files → parsed episodes → GraphDocuments → a store.

Two streaming passes over the files keep memory flat and the store safe:
the first checks every episode, so that by default nothing is written when
any is invalid; the second extracts and upserts episodes in batches. Every
write is keyed on natural keys (a MERGE, or an episode's topics replaced with
it), so a load run twice, or re-run after an interruption, leaves the same graph. The co-occurrence counts
(graph/cooccurrence.py) are brought up to date along the way.

>>> from graph import open_store                                # doctest: +SKIP
>>> with open_store("falkordb", path="/tmp/sg") as store:       # doctest: +SKIP
...     report = load_listings(["data/running-in-production.txt"], store)
>>> report.episodes                                             # doctest: +SKIP
10
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from graph.cooccurrence import CooccurrenceIndex
from graph.model import GraphDocument
from graph.store import GraphStore
from graph.writer import UpsertStatement, upsert_statements
from loaders.catalog import Catalog
from loaders.extract import episode_document, podcast_document
from loaders.listing import ListingEpisode, ListingError, PodcastHeader, read_listing
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


@dataclass
class EncodedBatch:
    """A batch ready to send: its statements encoded for the store, the USES relationships the
    co-occurrence index counts before they are written, and how many episodes it holds."""

    statements: list[Any]
    uses: GraphDocument
    episodes: int


def _encoded(
    paths: list[Path], catalog: Catalog, batch_episodes: int, encode: Callable[[Iterable[UpsertStatement]], list[Any]]
) -> Iterator[EncodedBatch]:
    """Second pass, to the last step that needs no store: parsed, extracted, turned into statements, encoded."""
    for document, episodes in _documents(paths, catalog, batch_episodes):
        uses = GraphDocument()
        for rel in document.relationships_of_type("USES"):
            uses.add_relationship(rel)
        yield EncodedBatch(encode(upsert_statements(document)), uses, episodes)


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
) -> LoadReport:
    """Load listing files into a store; see the module docstring for the guarantees.

    ``on_checked`` is told what the first pass found (to size a progress bar);
    ``progress`` is called with the number of episodes each written batch held.
    Raises :class:`LoadError` when an episode is invalid and ``skip_invalid`` is
    false, before anything is written.

    The second pass parses, extracts and encodes in a thread, or with
    ``in_child_process`` in a child process, on a core of its own while this one
    sends; None (the default) chooses the process on a machine with two cores or
    more for PROCESS_FROM_EPISODES episodes or more.
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
    if in_child_process is None:
        in_child_process = (os.cpu_count() or 1) > 1 and checked.episodes >= PROCESS_FROM_EPISODES
    work = (checked.paths, catalog, batch_episodes, store.encode_statements)
    with store.bulk_writes():
        for batch in in_process(_encoded, *work) if in_child_process else in_thread(_encoded(*work)):
            index.add(batch.uses)  # reads the stacks this batch extends, so before the batch is written
            store.run_encoded(batch.statements)
            if progress:
                progress(batch.episodes)
        index.commit()
    return LoadReport(
        files=len(checked.paths),
        episodes=checked.episodes,
        skipped=checked.invalid,
        before=before,
        after=store.counts(),
    )

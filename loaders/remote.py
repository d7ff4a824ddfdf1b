"""Load arguments that are URLs: fetched once, before the check pass, with the store's validators.

The validators of a feed (its server's ``ETag`` and ``Last-Modified``) are kept in the store, on
a ``(:Feed {url})`` node, rather than in a file next to it: a Neo4j store has no directory of
ours, and a store copied or backed up keeps them with the episodes they describe. They are
written only after the feed's episodes are, so an interrupted load is fetched in full again.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from graph.model import GraphDocument, Node
from graph.store import GraphStore
from loaders.fetch import MAX_BYTES, TIMEOUT_S, FetchedFeed, Validators, fetch_feed, is_url

_VALIDATORS = "MATCH (f:Feed {url: $url}) RETURN f.etag AS etag, f.last_modified AS last_modified"


@dataclass
class Sources:
    """A load's arguments opened: files to read, feeds fetched, and URLs whose feed has not changed."""

    files_and_feeds: list[Path | FetchedFeed] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def fetched(self) -> list[FetchedFeed]:
        return [source for source in self.files_and_feeds if isinstance(source, FetchedFeed)]


def open_sources(
    args: Iterable[str | os.PathLike[str]], store: GraphStore, *, timeout_s: float = TIMEOUT_S, max_bytes: int = MAX_BYTES
) -> Sources:
    """Every argument as a file path, or, for a URL, the feed fetched (conditionally) from it."""
    sources = Sources()
    for arg in args:
        if isinstance(arg, str) and is_url(arg):
            feed = fetch_feed(arg, validators_of(store, arg), timeout_s=timeout_s, max_bytes=max_bytes)
            if feed is None:
                sources.unchanged.append(arg)
            else:
                sources.files_and_feeds.append(feed)
        else:
            sources.files_and_feeds.append(Path(arg))
    return sources


def validators_of(store: GraphStore, url: str) -> Validators | None:
    """The validators kept from the last load of ``url``; None when it was never loaded."""
    rows = store.run(_VALIDATORS, {"url": url})
    return Validators(rows[0]["etag"] or None, rows[0]["last_modified"] or None) if rows else None


def remember(store: GraphStore, feeds: Iterable[FetchedFeed]) -> None:
    """Keep each feed's validators for the next load of its URL."""
    document = GraphDocument()
    for feed in feeds:
        # "" rather than None for a validator the server no longer sends: None would keep the old one.
        validators = {"etag": feed.validators.etag or "", "last_modified": feed.validators.last_modified or ""}
        document.add_node(Node("Feed", feed.url, validators))
    if document.nodes:
        store.upsert(document)

"""Read any source of episodes, a listing or a feed file or a fetched feed, telling files apart by content.

A file whose first character is ``<`` is markup (a feed, or an HTML page that will be refused
as one); anything else is a listing. The name says nothing: podcast apps save feeds as .txt and
listings as .xml alike.

>>> path = tmp_path / "feed.txt"
>>> _ = path.write_bytes(b"<rss version='2.0'><channel><title>Empty</title></channel></rss>")
>>> next(read_source(path))
Traceback (most recent call last):
...
loaders.listing.ListingError: ...feed.txt: the feed has no items
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

from loaders.feed import FeedItem, looks_like_markup, parse_feed
from loaders.fetch import FetchedFeed
from loaders.listing import ListingError, read_listing


def read_source(source: str | os.PathLike[str] | FetchedFeed) -> Iterator[FeedItem]:
    """The podcast header, episodes and invalid episodes of one listing or feed file, or of a fetched feed."""
    if isinstance(source, FetchedFeed):
        if not looks_like_markup(source.data[:1024]):
            raise ListingError(source.url, None, "not an RSS or Atom feed (the server sent plain text)")
        yield from parse_feed(source.data, source.url)
        return
    path = Path(source)
    try:
        with open(path, "rb") as handle:
            is_feed = looks_like_markup(handle.read(1024))
    except OSError:
        is_feed = False  # read_listing says why the file cannot be read
    if is_feed:
        yield from parse_feed(path.read_bytes(), str(path))
    else:
        yield from read_listing(path, collect_errors=True)

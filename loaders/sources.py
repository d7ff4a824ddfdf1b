"""Read any source of episodes, a listing or a feed file or a fetched feed, telling files apart by content.

A file whose first character is ``<`` is markup (a feed, or an HTML page that will be refused
as one); anything else is a listing. The name says nothing: podcast apps save feeds as .txt and
listings as .xml alike.

A load reads each file once, into a :class:`Snapshot` (loaders/pipeline.py): its check pass and
its write pass read the same bytes, whatever happens to the file between them, and standard
input (``-``), ``/dev/stdin`` or a named pipe, which can be read only once, load like a file.

>>> path = tmp_path / "feed.txt"
>>> _ = path.write_bytes(b"<rss version='2.0'><channel><title>Empty</title></channel></rss>")
>>> next(read_source(path))
Traceback (most recent call last):
...
loaders.listing.ListingError: ...feed.txt: the feed has no items
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from typing import IO, Iterator

from loaders.feed import FeedItem, looks_like_markup, parse_feed
from loaders.fetch import FetchedFeed
from loaders.listing import ListingError, file_errors, read_listing_from

STDIN = "-"
_IN_MEMORY_BYTES = 16 << 20  # a snapshot larger than this goes to a temporary file


@dataclass
class Snapshot:
    """A file's bytes as read once: in memory, or past 16 MB in a temporary file deleted on close."""

    name: str  # the file as the user named it, for messages ("<stdin>" for standard input)
    data: IO[bytes]

    def close(self) -> None:
        self.data.close()


def snapshot(path: str | os.PathLike[str]) -> Snapshot:
    """Read a file (``-``: standard input) once, to the end; ListingError naming it when it cannot be read.

    >>> path = tmp_path / "a.txt"
    >>> _ = path.write_bytes(b"Feb 3, 2020 \\xe2\\x80\\xa2 47min")
    >>> copy = snapshot(path)
    >>> _ = path.write_bytes(b"changed")
    >>> copy.data.read()
    b'Feb 3, 2020 \\xe2\\x80\\xa2 47min'
    >>> copy.close()
    """
    name = "<stdin>" if str(path) == STDIN else str(path)
    data = tempfile.SpooledTemporaryFile(max_size=_IN_MEMORY_BYTES)
    try:
        with file_errors(name):
            if str(path) == STDIN:
                shutil.copyfileobj(sys.stdin.buffer, data)
            else:
                with open(path, "rb") as handle:
                    shutil.copyfileobj(handle, data)
    except BaseException:
        data.close()
        raise
    data.seek(0)
    return Snapshot(name, data)


def read_source(source: str | os.PathLike[str] | FetchedFeed | Snapshot) -> Iterator[FeedItem]:
    """The podcast header, episodes and invalid episodes of one listing or feed file, a snapshot of
    one (read from its start), or a fetched feed."""
    if isinstance(source, FetchedFeed):
        if not looks_like_markup(source.data[:1024]):
            raise ListingError(source.url, None, "not an RSS or Atom feed (the server sent plain text)")
        yield from parse_feed(source.data, source.url)
    elif isinstance(source, Snapshot):
        source.data.seek(0)
        yield from _read(source.data, source.name)
    else:
        with file_errors(str(source)), open(source, "rb") as handle:
            yield from _read(handle, str(source))


def _read(handle: IO[bytes], name: str) -> Iterator[FeedItem]:
    """A feed or a listing, told apart by the first bytes of a file that can seek back to its start."""
    is_feed = looks_like_markup(handle.read(1024))
    handle.seek(0)
    if is_feed:
        yield from parse_feed(handle.read(), name)
    else:
        yield from read_listing_from(handle, name, collect_errors=True)

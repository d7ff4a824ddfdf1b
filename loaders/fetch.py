"""Fetch a feed over http(s): bounded in time, size and redirects, gzip understood, conditional.

A fetch sends the validators the last successful load of the URL kept (``ETag`` as
``If-None-Match``, ``Last-Modified`` as ``If-Modified-Since``); a server that answers 304 costs that
one request and the load writes nothing. Every failure is a ListingError naming the URL, so that
the CLI prints it as one line and exits 1 before anything is written.

>>> fetch_feed("ftp://example.com/feed.xml")
Traceback (most recent call last):
...
loaders.listing.ListingError: ftp://example.com/feed.xml: only http:// and https:// URLs can be loaded
"""

from __future__ import annotations

import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass
from http.client import HTTPException, HTTPMessage, HTTPResponse
from typing import IO
from urllib.parse import urljoin, urlsplit

from loaders.listing import ListingError

TIMEOUT_S = 30.0
MAX_BYTES = 64 * 1024 * 1024  # the whole podcast's feed is a few MB; more is not a podcast feed
MAX_REDIRECTS = 5
_CHUNK = 1 << 16
_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
_USER_AGENT = "stackgraph/0.1 (+https://runninginproduction.com)"


def is_url(text: str) -> bool:
    """Whether a load argument names a URL rather than a file.

    >>> is_url("https://runninginproduction.com/podcast/feed.xml"), is_url("data/feed.xml"), is_url("ftp://x/y")
    (True, False, True)
    """
    return "://" in text and urlsplit(text).scheme.isalpha()


@dataclass(frozen=True)
class Validators:
    """What a server said identifies the version it sent; sent back to ask "changed since?"."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class FetchedFeed:
    """A feed's bytes as fetched from ``url`` (the URL asked for, whatever it redirected to)."""

    url: str
    data: bytes
    validators: Validators


class _RedirectRefused(Exception):
    def __init__(self, target: str):
        self.target = target


class _BoundedRedirects(urllib.request.HTTPRedirectHandler):
    """At most MAX_REDIRECTS redirects, to http(s) only (urllib itself would follow ftp://)."""

    max_redirections = MAX_REDIRECTS

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme not in ("http", "https"):
            raise _RedirectRefused(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch_feed(
    url: str,
    validators: Validators | None = None,
    *,
    timeout_s: float = TIMEOUT_S,
    max_bytes: int = MAX_BYTES,
) -> FetchedFeed | None:
    """The feed at ``url``, or None when the server says it has not changed since ``validators``."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise ListingError(url, None, "only http:// and https:// URLs can be loaded")
    request = urllib.request.Request(url, headers={"Accept": _ACCEPT, "Accept-Encoding": "gzip", "User-Agent": _USER_AGENT})
    if validators and validators.etag:
        request.add_header("If-None-Match", validators.etag)
    if validators and validators.last_modified:
        request.add_header("If-Modified-Since", validators.last_modified)
    opener = urllib.request.build_opener(_BoundedRedirects)
    try:
        with opener.open(request, timeout=timeout_s) as response:
            data = _body(response, url, max_bytes)
            headers: HTTPMessage = response.headers
    except _RedirectRefused as refused:
        raise ListingError(url, None, _not_http(refused.target)) from None
    except urllib.error.HTTPError as error:
        if error.code == 304:
            return None
        if 300 <= error.code < 400:
            raise ListingError(url, None, _redirect_problem(error)) from None
        raise ListingError(url, None, f"HTTP {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        raise ListingError(url, None, f"cannot connect: {_reason(error.reason)}") from None
    except TimeoutError:
        raise ListingError(url, None, f"no answer within {timeout_s:g} s") from None
    except (HTTPException, OSError) as error:
        raise ListingError(url, None, f"the connection failed: {_reason(error)}") from None
    return FetchedFeed(url, data, Validators(headers.get("ETag"), headers.get("Last-Modified")))


def _redirect_problem(error: urllib.error.HTTPError) -> str:
    """Why a redirect was not followed: none to follow, not to http(s), or one too many."""
    location = error.headers.get("Location") if error.headers else None
    if not location:
        return f"HTTP {error.code} {error.reason} without a Location to go to"
    target = urljoin(error.url or "", location)
    if urlsplit(target).scheme not in ("http", "https"):
        return _not_http(target)
    return f"more than {MAX_REDIRECTS} redirects"


def _not_http(target: str) -> str:
    return f"redirected to {target}, which is not an http(s) URL"


def _reason(reason: object) -> str:
    if isinstance(reason, TimeoutError):
        return "timed out"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return str(reason) or type(reason).__name__


def _body(response: HTTPResponse, url: str, max_bytes: int) -> bytes:
    """The response body, gunzipped when the server gzipped it, refused past ``max_bytes`` either way."""
    too_large = ListingError(url, None, f"the feed is larger than {max_bytes // (1024 * 1024) or max_bytes} "
                                        f"{'MB' if max_bytes >= 1024 * 1024 else 'bytes'}, the limit")
    length = response.headers.get("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise too_large
    gzipped = (response.headers.get("Content-Encoding") or "").strip().lower() in ("gzip", "x-gzip")
    return _gunzip(response, max_bytes, too_large, url) if gzipped else _read_at_most(response, max_bytes, too_large)


def _read_at_most(stream: IO[bytes], max_bytes: int, too_large: ListingError) -> bytes:
    chunks, size = [], 0
    while chunk := stream.read(_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def _gunzip(stream: IO[bytes], max_bytes: int, too_large: ListingError, url: str) -> bytes:
    # Decompressed a bounded piece at a time: a small gzip bomb is refused, not inflated.
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    chunks, size = [], 0
    try:
        while chunk := stream.read(_CHUNK):
            while chunk:
                piece = inflater.decompress(chunk, max_bytes + 1 - size)
                size += len(piece)
                if size > max_bytes:
                    raise too_large
                chunks.append(piece)
                chunk = inflater.unconsumed_tail
        rest = inflater.flush()
    except zlib.error as error:
        raise ListingError(url, None, f"the gzipped body is corrupt ({error})") from None
    if size + len(rest) > max_bytes:
        raise too_large
    return b"".join([*chunks, rest])

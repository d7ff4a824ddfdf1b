"""Loading a feed by URL, from an HTTP server on 127.0.0.1 run by the test in a thread.

The server serves data/running-in-production-feed.xml with ``ETag: "v1"`` and answers a request
that sends it back with 304; the other paths each fail in one way. Every request is recorded
(path and headers), so a test can say how many the load sent and what they asked.
"""

from __future__ import annotations

import gzip
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

import pytest

from cli_helpers import invoke, one_line_error
from conftest import REPO
from loaders.fetch import fetch_feed
from loaders.listing import ListingError

FEED = (REPO / "data" / "running-in-production-feed.xml").read_bytes()
ETAG = '"v1"'
LAST_MODIFIED = "Mon, 10 Feb 2020 00:00:00 GMT"
EMPTY_FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Show</title></channel></rss>'
BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    b'<rss version="2.0"><channel><title>&b;</title></channel></rss>'
)


class FeedServer(ThreadingHTTPServer):
    requests: list[tuple[str, dict[str, str]]]
    # Closing the server waits for its request threads, so none writes into a later test's output.
    daemon_threads = False
    block_on_close = True

    def handle_error(self, request, client_address) -> None:
        pass  # a client that gave up (the timeout test) breaks the pipe: expected, not a failure


class Handler(BaseHTTPRequestHandler):
    server: FeedServer

    def log_message(self, format: str, *args: object) -> None:  # a test's output is its own
        pass

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        self.server.requests.append((self.path, dict(self.headers.items())))
        if self.path == "/feed.xml":
            if self.headers.get("If-None-Match") == ETAG:
                self._send(304, b"")
            else:
                self._send(200, FEED, {"ETag": ETAG, "Last-Modified": LAST_MODIFIED})
        elif self.path == "/gzip/feed.xml":
            self._send(200, gzip.compress(FEED), {"Content-Encoding": "gzip"})
        elif self.path == "/moved":
            self._send(301, b"", {"Location": "/feed.xml"})
        elif self.path == "/loop":
            self._send(302, b"", {"Location": "/loop"})
        elif self.path == "/to-file":
            self._send(302, b"", {"Location": "file:///etc/passwd"})
        elif self.path == "/page.html":
            self._send(200, b"<!DOCTYPE html><html><body><h1>Running in Production</h1></body></html>",
                       {"Content-Type": "text/html"})
        elif self.path == "/malformed.xml":
            self._send(200, FEED[: len(FEED) // 2])
        elif self.path == "/empty.xml":
            self._send(200, EMPTY_FEED)
        elif self.path == "/laughs.xml":
            self._send(200, BILLION_LAUGHS)
        elif self.path == "/slow.xml":
            time.sleep(1.5)
            self._send(200, FEED)
        else:
            self._send(404, b"Not Found")

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    httpd = FeedServer(("127.0.0.1", 0), Handler)
    httpd.requests = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def url(server: FeedServer, path: str) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}{path}"


def counts(store) -> dict:
    return json.loads(invoke("stats", "--format", "json", store=store, check=True).stdout)


def test_load_url_then_again_is_one_conditional_request_and_writes_nothing(server, tmp_path):
    store = tmp_path / "store"
    feed_url = url(server, "/feed.xml")
    first = invoke("load", "--quiet", feed_url, store=store, check=True)
    assert "Loaded 10 episode(s) from 1 file(s)" in first.stderr
    rows = invoke("cypher", "MATCH (e:Episode) WHERE e.audio_url IS NOT NULL AND e.url IS NOT NULL "
                  "RETURN count(e) AS n, sum(e.duration_s) AS seconds", "--format", "json", store=store, check=True)
    # 55:33 + 47:19 + 55:32 + 55:19 + 1:08:59 + 1:14:04 + 40:53 + 1:16:35 + 1:04:49 + 53:23, the items' itunes:duration
    assert json.loads(rows.stdout) == [{"n": 10, "seconds": 3333 + 2839 + 3332 + 3319 + 4139 + 4444 + 2453 + 4595 + 3889 + 3203}]
    before = counts(store)
    assert before["nodes"]["Episode"] == 10 and before["nodes"]["Company"] == 10

    second = invoke("load", "--quiet", feed_url, store=store, check=True)
    assert f"{feed_url}: not modified since its last load" in second.stderr
    assert "nothing new" in second.stderr
    assert counts(store) == before
    assert [path for path, _ in server.requests] == ["/feed.xml", "/feed.xml"]
    conditional = server.requests[1][1]
    assert (conditional["If-None-Match"], conditional["If-Modified-Since"]) == (ETAG, LAST_MODIFIED)


def test_listing_then_url_is_ten_episodes_and_ten_companies(server, tmp_path):
    store = tmp_path / "store"
    invoke("load", "--quiet", str(REPO / "data" / "running-in-production.txt"), store=store, check=True)
    invoke("load", "--quiet", url(server, "/feed.xml"), store=store, check=True)
    after = counts(store)
    assert (after["nodes"]["Episode"], after["nodes"]["Company"], after["nodes"]["Person"]) == (10, 10, 11)


def test_gzip_and_a_redirect_are_followed(server, tmp_path):
    store = tmp_path / "store"
    invoke("load", "--quiet", url(server, "/gzip/feed.xml"), store=store, check=True)
    assert server.requests[0][1]["Accept-Encoding"] == "gzip"
    invoke("load", "--quiet", url(server, "/moved"), store=store, check=True)
    assert [path for path, _ in server.requests] == ["/gzip/feed.xml", "/moved", "/feed.xml"]
    assert counts(store)["nodes"]["Episode"] == 10


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("path, message", [
    ("/missing.xml", "HTTP 404 Not Found"),
    ("/page.html", "an HTML page, not an RSS or Atom feed"),
    ("/malformed.xml", "malformed XML: "),
    ("/empty.xml", "the feed has no items"),
    ("/laughs.xml", "the XML declares entities, which are refused (no entity expansion)"),
    ("/loop", "more than 5 redirects"),
    ("/to-file", "redirected to file:///etc/passwd, which is not an http(s) URL"),
])
def test_each_failure_is_one_line_naming_the_url_and_the_store_is_unchanged(server, tmp_path, path, message):
    store = tmp_path / "store"
    invoke("load", "--quiet", str(REPO / "tests" / "data" / "tiny.txt"), store=store, check=True)
    before = counts(store)
    result = invoke("load", "--quiet", url(server, path), store=store)
    assert result.exit_code == 1
    assert one_line_error(result).startswith(f"stackgraph: error: {url(server, path)}: {message}")
    assert counts(store) == before


def test_unreachable_host(tmp_path):
    dead = f"http://127.0.0.1:{closed_port()}/feed.xml"
    result = invoke("load", "--quiet", dead, store=tmp_path / "store")
    assert result.exit_code == 1
    assert one_line_error(result) == f"stackgraph: error: {dead}: cannot connect: Connection refused"


def test_timeout_and_size_limit(server):
    with pytest.raises(ListingError, match=r"/slow\.xml: no answer within 0\.3 s$"):
        fetch_feed(url(server, "/slow.xml"), timeout_s=0.3)
    with pytest.raises(ListingError, match=r"/feed\.xml: the feed is larger than 1000 bytes, the limit$"):
        fetch_feed(url(server, "/feed.xml"), max_bytes=1000)
    with pytest.raises(ListingError, match=r"/gzip/feed\.xml: the feed is larger than 1000 bytes, the limit$"):
        fetch_feed(url(server, "/gzip/feed.xml"), max_bytes=1000)


def test_conditional_get_on_each_backend(server, store):
    from loaders.pipeline import load_listings

    feed_url = url(server, "/feed.xml")
    assert load_listings([feed_url], store).episodes == 10
    before = store.counts()
    again = load_listings([feed_url], store)
    assert (again.episodes, again.unchanged, store.counts()) == (0, [feed_url], before)
    assert server.requests[1][1]["If-None-Match"] == ETAG

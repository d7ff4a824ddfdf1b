"""Parse a podcast's RSS or Atom feed into the episodes a listing gives (loaders/listing.py).

The feed is what a listing is rendered from: each item's ``content:encoded`` HTML holds the
same description, "Topics Include", references, tech stack and libraries, as paragraphs,
headings and list items. Those become the lines a listing has, read by the listing's own
section parser, so that an episode read from either source is the same episode. The feed
adds what the listing rounds or leaves out: the exact ``itunes:duration``, the episode's page
(``link``) and audio file (``enclosure``), the guests by name (``itunes:subtitle``, "with HOST
and A and B") and each stack tag's homepage (the link around it).

XML is checked by defusedxml before feedparser reads it: a DOCTYPE declaring entities (XXE, a
billion laughs) is refused, not expanded.

>>> feed = b'''<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>
... <title>A Podcast</title><itunes:author>Pat Host - Developer</itunes:author><item>
... <title>Acme Is a Rocket Shop</title><pubDate>Mon, 03 Feb 2020 00:00:00 +0000</pubDate>
... <itunes:duration>1:02:03</itunes:duration><itunes:subtitle>with Pat Host and Ann Lee</itunes:subtitle>
... <description><![CDATA[<p>Ann Lee goes over Acme.</p><h2>Topics Include</h2><ul><li>1:05 &ndash; Hi</li></ul>
... <h6>Tech Stack</h6><ul><li><a href="https://www.postgresql.org/">postgres &#8594;</a></li></ul>]]></description>
... </item></channel></rss>'''
>>> [podcast, episode] = parse_feed(feed, "small.xml")
>>> podcast.name, podcast.author, episode.title, episode.duration_s, episode.guests
('A Podcast', 'Pat Host', 'Acme Is a Rocket Shop', 3723, ['Ann Lee'])
>>> episode.description, episode.topics[0].offset_s, episode.stack, episode.homepages
('Ann Lee goes over Acme.', 65, ['postgres'], {'postgres': 'https://www.postgresql.org/'})
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Iterator

import defusedxml.ElementTree
import feedparser
from defusedxml import DefusedXmlException
from selectolax.lexbor import LexborHTMLParser, LexborNode

from loaders.listing import (
    ListingEpisode, ListingError, Line, PodcastHeader, check_key_text, parse_timestamp, read_sections, section_of,
)

FeedItem = ListingEpisode | PodcastHeader | ListingError

_FEED_ROOTS = ("rss", "{http://www.w3.org/2005/Atom}feed", "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}RDF")
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.IGNORECASE | re.DOTALL)
_BLOCKS = "h1, h2, h3, h4, h5, h6, p, li"
_GUEST_SEPARATOR = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*")


def looks_like_markup(head: bytes) -> bool:
    """Whether a file's first bytes are XML or HTML (a feed, or a page posing as one) rather than text.

    >>> looks_like_markup(b'\\xef\\xbb\\xbf<?xml version="1.0"?><rss/>'), looks_like_markup(b"Running in Production")
    (True, False)
    """
    return head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<")


def parse_feed(data: bytes, source: str) -> Iterator[FeedItem]:
    """Yield the podcast, then each item as an episode (or a ListingError for an invalid item).

    Raises ListingError when the data is not a feed at all: an HTML page, malformed XML, XML
    declaring entities, another kind of XML document, or a feed without items.
    """
    _check_xml(data, source)
    parsed = feedparser.parse(data, sanitize_html=False)
    if not parsed.entries:
        raise ListingError(source, None, "the feed has no items")
    channel = parsed.feed
    podcast = PodcastHeader(
        name=check_key_text(channel.get("title") or source, "the feed's title", source, None),
        author=check_key_text(_person(channel.get("author") or "") or "", "the feed's author", source, None) or None,
        description=channel.get("subtitle") or "",
    )
    yield podcast
    for number, entry in enumerate(parsed.entries, 1):
        try:
            yield _episode(entry, number, source, podcast.author)
        except ListingError as error:
            yield error


def _check_xml(data: bytes, source: str) -> None:
    if _HTML_START.match(data[:4096]):
        raise ListingError(source, None, "an HTML page, not an RSS or Atom feed")
    try:
        root = defusedxml.ElementTree.fromstring(data)
    except DefusedXmlException:
        raise ListingError(source, None, "the XML declares entities, which are refused (no entity expansion)") from None
    except defusedxml.ElementTree.ParseError as error:
        raise ListingError(source, None, f"malformed XML: {error}") from None
    if root.tag not in _FEED_ROOTS:
        raise ListingError(source, None, f"not an RSS or Atom feed (the document is <{root.tag}>)")


def _person(author: str) -> str | None:
    """ "Nick Janetakis - Full stack developer" names Nick Janetakis, as a listing's header does."""
    return author.split(" - ")[0].strip() or None


def _episode(entry: Any, number: int, source: str, host: str | None) -> ListingEpisode:
    title = " ".join((entry.get("title") or "").split())
    where = f"item {number}" + (f" ({title!r})" if title else "")
    if not title:
        raise ListingError(source, None, f"{where}: no title")
    check_key_text(title, f"item {number}: the title", source, None)
    published = entry.get("published_parsed") or entry.get("updated_parsed")
    if published is None:
        raise ListingError(source, None, f"{where}: no date (pubDate)")
    duration = _duration(entry.get("itunes_duration") or "")
    if duration is None:
        raise ListingError(source, None, f"{where}: no itunes:duration, or not H:MM:SS, MM:SS or seconds")
    episode = ListingEpisode(
        source=source,
        line=number,
        date=dt.date(*published[:3]),
        duration_s=duration,
        exact_duration=True,
        title=title,
        url=entry.get("link"),
        audio_url=next((e.get("href") for e in entry.get("enclosures", []) if e.get("href")), None),
        guests=_guests(entry.get("subtitle") or "", host),
    )
    for guest in episode.guests or []:
        check_key_text(guest, f"{where}: a guest's name", source, None)
    html = entry["content"][0]["value"] if entry.get("content") else entry.get("summary") or ""
    lines, episode.homepages = _lines_of(html, number)
    try:
        read_sections(episode, lines, source)
    except ListingError as error:
        raise ListingError(source, None, f"{where}: {error.message}") from None
    return episode


def _duration(text: str) -> int | None:
    """Seconds from an ``itunes:duration``: "1:08:59", "55:33" or "3333".

    >>> _duration("1:08:59"), _duration("55:33"), _duration("3333"), _duration("an hour")
    (4139, 3333, 3333, None)
    """
    text = text.strip()
    return int(text) if text.isdigit() else parse_timestamp(text)


def _guests(subtitle: str, host: str | None) -> list[str] | None:
    """The people an ``itunes:subtitle`` names, but the podcast's host; None when it names nobody.

    >>> _guests("with Nick Janetakis and Ann Lee and Bo", "Nick Janetakis"), _guests("A show", None)
    (['Ann Lee', 'Bo'], None)
    """
    text = " ".join(subtitle.split())
    if not text.lower().startswith("with "):
        return None
    names = [name for name in _GUEST_SEPARATOR.split(text[5:]) if name and name != host]
    return list(dict.fromkeys(names))


def _lines_of(html: str, number: int) -> tuple[list[Line], dict[str, str]]:
    """The listing lines an item's HTML renders as, and the homepage each stack tag links to.

    A reference's line is its link's URL, then what follows the link ("(a note)"); a library's
    is its URL; any other block is its text. Every line is numbered with the item's number.
    """
    lines: list[Line] = []
    homepages: dict[str, str] = {}
    section = "description"
    for block in LexborHTMLParser(html).css(_BLOCKS):
        text = " ".join(block.text(deep=True).split())
        if block.tag != "li" and block.tag != "p":
            section = section_of(text) or section
        link = block.css_first("a[href]") if block.tag == "li" else None
        href = (link.attributes.get("href") or "").strip() if link is not None else ""
        if href and section in ("references", "libraries"):
            text = f"{href} {_after(block, link)}".strip() if section == "references" else href
        elif href and section == "stack":
            tag = text.split("→")[0].strip()
            if tag:
                homepages[tag] = href
        if text:
            lines.append((number, text))
    return lines, homepages


def _after(block: LexborNode, link: LexborNode | None) -> str:
    """The text of a list item after its link: "(First Principles explained by Elon Musk)"."""
    whole = " ".join(block.text(deep=True).split())
    anchor = " ".join(link.text(deep=True).split()) if link is not None else ""
    return whole.partition(anchor)[2].strip() if anchor else whole

"""Parse a podcast listing (the "Running in Production" text format) into episodes.

The format, one block per episode::

    Feb 10, 2020 • 56min
    Smart Music Helps Musicians Practice More Efficiently
    In this episode of Running in Production, Julien Blanchard goes over …
    Topics Include
    2:41 – Roughly half a million users are on the platform
    Links
    📄 References
    https://emberjs.com/ (a note)
    ⚙️ Tech Stack
    rails →
    🛠 Libraries Used
    https://github.com/ex-aws/ex_aws
    Support the Show
    …boilerplate…

Any section may be missing; lines may end in LF, CRLF or CR; the emoji may come with
or without the variation selector. Parsing streams: episodes are yielded one
at a time, so a listing of any size is read in constant memory.

>>> lines = ["Feb 3, 2020 • 1h 2min", "A Title", "Topics Include", "1:05 – Hello"]
>>> [ep] = parse_listing(lines, "example.txt")
>>> ep.date.isoformat(), ep.duration_s, ep.title, ep.topics[0].offset_s
('2020-02-03', 3720, 'A Title', 65)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Iterable, Iterator

from domain.slug import slugify
from loaders.limits import LONGEST_KEY_BYTES

# The part after the "•" of "Feb 10, 2020 • 56min" / "Jan 6, 2020 • 1h 14min". The date before it is
# checked later, so that a header with a bad date still starts its own episode and is reported as such.
_HEADER_DURATION = re.compile(r"\s*(\d+\s*h(?:\s*\d+\s*min)?|\d+\s*min)\s*")
_DIGIT = re.compile(r"\d")
_ASCII_LETTER_OR_DIGIT = re.compile(r"[A-Za-z0-9]")
_DURATION = re.compile(r"^(?:(?P<hours>\d+)\s*h)?\s*(?:(?P<minutes>\d+)\s*min)?$")
_TOPIC = re.compile(r"^(?P<stamp>\d{1,2}(?::\d{2}){1,2})\s*[–—-]\s*(?P<text>.*)$")
# The same lines as _TOPIC whose timestamp parse_timestamp accepts (ASCII digits, :MM and :SS ≤ 59).
_VALID_TOPIC = re.compile(r"^(\d{1,2}):([0-5][0-9])(?::([0-5][0-9]))?\s*[–—-]\s*(.*)$")
# Starts like a timestamp followed by a dash, but is not a valid one: "1:7x – text".
_BROKEN_TOPIC = re.compile(r"^(?P<stamp>\d+:\S*)\s*[–—-]\s")
# A URL, then maybe a note: "(in parentheses)" as this podcast writes it, or after a dash.
_REFERENCE_URL = re.compile(r"https?://\S+")
_NOT_LETTERS = re.compile(r"^[^\w]+", re.UNICODE)

SECTIONS = {
    "topics include": "topics",
    "links": "links",
    "references": "references",
    "tech stack": "stack",
    "libraries used": "libraries",
    "support the show": "support",
}

_SECTION_ENDINGS = tuple({name.split()[-1] for name in SECTIONS})
_HEADING_LAST_CHARS = frozenset(c for name in SECTIONS for c in (name[-1], name[-1].upper()))


class ListingError(ValueError):
    """A listing could not be read; ``str()`` is ``FILE:LINE: what is wrong``."""

    def __init__(self, source: str, line: int | None, message: str):
        self.source = source
        self.line = line
        self.message = message
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {message}")

    def __reduce__(self):
        # Raised in the load's producer process and pickled to the parent: rebuilt from its parts.
        return type(self), (self.source, self.line, self.message)


@dataclass
class Topic:
    offset_s: int
    text: str
    line: int


@dataclass
class Reference:
    url: str
    note: str | None = None


@dataclass
class PodcastHeader:
    name: str
    author: str | None
    description: str


@dataclass
class ListingEpisode:
    source: str
    line: int
    date: dt.date
    duration_s: int
    title: str
    description: str = ""
    topics: list[Topic] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    stack: list[str] = field(default_factory=list)
    libraries: list[str] = field(default_factory=list)
    # What only a feed says (a listing leaves them empty): whether duration_s is exact (a listing
    # rounds it to the minute), the episode's page and audio file, its guests by name (None: read
    # them from the description), each stack tag's homepage.
    exact_duration: bool = False
    url: str | None = None
    audio_url: str | None = None
    guests: list[str] | None = None
    homepages: dict[str, str] = field(default_factory=dict)


Line = tuple[int, str]


def section_of(text: str) -> str | None:
    """The section a heading line opens, whatever emoji precede it.

    >>> section_of("⚙\ufe0f Tech Stack"), section_of("🛠 Libraries Used"), section_of("Tech stacks")
    ('stack', 'libraries', None)
    """
    # Fast path (parsing calls this on every line): a heading ends with its section's last word.
    if not text.rstrip().lower().endswith(_SECTION_ENDINGS):
        return None
    return SECTIONS.get(_NOT_LETTERS.sub("", text).strip().lower())


def parse_timestamp(stamp: str) -> int | None:
    """Seconds from ``M:SS`` or ``H:MM:SS``; None when it is not a valid timestamp.

    >>> parse_timestamp("2:41"), parse_timestamp("1:00:05"), parse_timestamp("1:75")
    (161, 3605, None)
    """
    parts = stamp.split(":")
    if len(parts) not in (2, 3) or not all(p.isdigit() for p in parts):
        return None
    numbers = [int(p) for p in parts]
    if any(len(p) != 2 or n > 59 for p, n in zip(parts[1:], numbers[1:])):
        return None
    seconds = 0
    for number in numbers:
        seconds = seconds * 60 + number
    return seconds


def parse_duration(text: str) -> int | None:
    """Seconds from ``1h 14min``, ``56min`` or ``2h``.

    >>> parse_duration("1h 14min"), parse_duration("56min"), parse_duration("")
    (4440, 3360, None)
    """
    match = _DURATION.match(text.strip())
    if not match or not (match["hours"] or match["minutes"]):
        return None
    return int(match["hours"] or 0) * 3600 + int(match["minutes"] or 0) * 60


def episode_header(text: str) -> tuple[str, str] | None:
    """The date and the duration of an episode's first line, as written; None when it is not one.

    Split at its one "•" rather than by one regex over the whole line, which backtracks
    quadratically on a long line of digits.

    >>> episode_header("Jan 6, 2020 • 1h 14min"), episode_header("A title • with a bullet")
    (('Jan 6, 2020', '1h 14min'), None)
    """
    date, bullet, rest = text.partition("•")
    if not bullet or "•" in rest or not _DIGIT.search(date):
        return None
    duration = _HEADER_DURATION.fullmatch(rest)
    return (date.rstrip(), duration[1]) if duration else None


def parse_date(text: str) -> dt.date | None:
    cleaned = re.sub(r"\s+", " ", text.replace(".", "")).strip()
    for fmt in ("%b %d, %Y", "%B %d, %Y", "%b %d %Y", "%B %d %Y"):
        try:
            return dt.datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    return None


_BLOCK_SIZE = 1 << 18


def read_lines(path: str | Path) -> Iterator[Line]:
    """Number and decode a file's lines, streaming; see :func:`read_lines_from`."""
    with open(path, "rb") as handle:
        yield from read_lines_from(handle, str(path))


def read_lines_from(handle: IO[bytes], source: str) -> Iterator[Line]:
    """Number and decode the lines of an open binary file; binary or non-UTF-8 data is an error,
    and so is a file with no bytes at all. A line ends in LF, CRLF or CR alone.

    Reads 256 KB at a time, cut at a line end, and decodes and splits each block at
    once; a block holding a NUL byte or bad UTF-8 is gone through line by line, so the error
    names the first bad line, after the good lines before it, exactly as line-by-line reading.
    """
    number = 0
    empty = True
    for block in _blocks(handle):
        empty = False
        if b"\r" in block:
            block = block.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        text = None
        if b"\x00" not in block:
            try:
                text = block.decode("utf-8")
            except UnicodeDecodeError:
                pass
        if text is None:
            for raw in _byte_lines(block):
                number += 1
                yield number, _decoded_line(raw, number, source)
            continue
        lines = text.split("\n")
        if lines[-1] == "":
            lines.pop()
        if number == 0 and lines:
            lines[0] = lines[0].removeprefix("\ufeff")
        if "\ufeff" in text:
            lines = [line.replace("\ufeff", "") for line in lines]
        for number, line in enumerate(lines, number + 1):
            yield number, line
    if empty:
        raise ListingError(source, None, "empty file: no episodes")


def _blocks(handle: IO[bytes]) -> Iterator[bytes]:
    """A file's bytes in blocks of about 256 KB or more, each cut after a line end (but the last).

    A CR ending a read is kept for the next block: it may be the first half of a CRLF. Pieces of a
    line longer than a block are joined once, at its end, not copied again at every read.
    """
    pending: list[bytes] = []
    while data := handle.read(_BLOCK_SIZE):
        cut = max(data.rfind(b"\n"), data.rfind(b"\r", 0, len(data) - 1)) + 1
        if not cut:
            pending.append(data)
            continue
        yield b"".join([*pending, data[:cut]]) if pending else data[:cut]
        pending = [data[cut:]] if cut < len(data) else []
    if pending:
        yield b"".join(pending)


def _byte_lines(block: bytes) -> list[bytes]:
    """A block's lines as binary iteration of the file gives them: cut after each b"\\n"."""
    lines = block.split(b"\n")
    last = lines.pop()
    result = [line + b"\n" for line in lines]
    if last:
        result.append(last)
    return result


def _decoded_line(raw: bytes, number: int, source: str) -> str:
    if b"\x00" in raw:
        raise ListingError(source, number, "binary data (NUL byte): not a text listing")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ListingError(
            source, number, f"not UTF-8 text (bad byte at column {error.start + 1}): not a text listing"
        ) from None
    if number == 1:
        text = text.removeprefix("\ufeff")
    return text.rstrip("\n").replace("\ufeff", "")


def _chunks(lines: Iterable[Line]) -> Iterator[tuple[str, list[Line]]]:
    """Split numbered lines into the header block and one block per episode."""
    kind, block = "header", list[Line]()
    for number, text in lines:
        # "•" first: the header pattern needs one, and most lines have none (the regex is the costly part).
        if "•" in text and episode_header(text.strip()):
            if block or kind == "episode":
                yield kind, block
            kind, block = "episode", []
        block.append((number, text))
    if block or kind == "episode":
        yield kind, block


def parse_header(block: list[Line], source: str = "<listing>") -> PodcastHeader | None:
    """The podcast's name, author and blurb from the lines before the first episode."""
    lines = [(number, text.strip()) for number, text in block if text.strip()]
    lines = [(number, text) for number, text in lines if text.lower() not in ("episodes", "mentioned books")]
    if not lines:
        return None
    name = check_key_text(lines[0][1], "the podcast's name", source, lines[0][0])
    author = None
    if len(lines) > 1:
        author = check_key_text(lines[1][1].split(" - ")[0].strip(), "the podcast's author", source, lines[1][0])
    return PodcastHeader(name=name, author=author, description=" ".join(text for _, text in lines[2:]))


def check_key_text(text: str, what: str, source: str, line: int | None) -> str:
    """``text``, which a node's key is made of; ListingError when it is too long to be one.

    >>> check_key_text("x" * 3000, "the title", "a.txt", 2)
    Traceback (most recent call last):
    ...
    loaders.listing.ListingError: a.txt:2: the title is longer than 2000 bytes, too long to be a key
    """
    if len(text) * 4 > LONGEST_KEY_BYTES and len(text.encode("utf-8")) > LONGEST_KEY_BYTES:
        raise ListingError(source, line, f"{what} is longer than {LONGEST_KEY_BYTES} bytes, too long to be a key")
    return text


def check_stack_tag(tag: str, source: str, line: int | None) -> str:
    """A stack tag, which names a technology by its slug: ListingError when it has no letters or
    digits to make one of ("!!!"), or is too long.

    >>> check_stack_tag("}{", "a.txt", 9)
    Traceback (most recent call last):
    ...
    loaders.listing.ListingError: a.txt:9: stack tag '}{' has no letters or digits to name a technology by
    """
    check_key_text(tag, f"stack tag {tag[:40]!r}…", source, line)
    if not _ASCII_LETTER_OR_DIGIT.search(tag) and not slugify(tag):  # the search: slugify costs 10 times more
        raise ListingError(source, line, f"stack tag {tag!r} has no letters or digits to name a technology by")
    return tag


def parse_episode(block: list[Line], source: str) -> ListingEpisode:
    """One episode block, starting at its date line; raises ListingError on malformed input."""
    header_line, header_text = block[0]
    header = episode_header(header_text.strip())
    if header is None:
        raise ListingError(source, header_line, "an episode starts with its date line ('Feb 10, 2020 • 56min')")
    date_text, duration_text = header
    date = parse_date(date_text)
    if date is None:
        raise ListingError(source, header_line, f"bad date {date_text!r} (expected e.g. 'Feb 10, 2020')")
    duration = parse_duration(duration_text)
    if duration is None:
        raise ListingError(source, header_line, f"bad duration {duration_text!r} (expected e.g. '1h 14min')")

    body = [(number, text.strip()) for number, text in block[1:]]
    content = [(number, text) for number, text in body if text]
    if not content or section_of(content[0][1]):
        raise ListingError(source, header_line, "episode has no title (expected it on the line after the date)")
    title_line, title = content[0]
    check_key_text(title, "the title", source, title_line)
    episode = ListingEpisode(source=source, line=header_line, date=date, duration_s=duration, title=title)
    if not read_sections(episode, content[1:], source):
        raise ListingError(
            source, title_line, f"episode {title!r} ends right after its title: the file looks truncated"
        )
    return episode


def read_sections(episode: ListingEpisode, content: list[Line], source: str) -> bool:
    """Fill an episode from the non-blank lines after its title; False when they hold nothing.

    The lines are a listing's, or the lines a feed item's HTML renders as (loaders/feed.py).
    """
    section = "description"
    description: list[str] = []
    seen_sections = False
    for number, text in content:
        # section_of only when the line can end a heading: in its section's last letter, or a
        # non-ASCII character (whose lowercase could be one).
        last = text[-1]
        opened = section_of(text) if last in _HEADING_LAST_CHARS or not last.isascii() else None
        if opened:
            section, seen_sections = opened, True
        elif section == "description":
            description.append(text)
        elif section == "topics":
            _add_topic_line(episode, description, number, text, source)
        elif section == "references":
            _add_reference_line(episode, text, source, number)
        elif section == "stack":
            tag = text.partition("→")[0].strip()  # "rails →", or "rails" alone
            if tag:
                episode.stack.append(check_stack_tag(tag, source, number))
        elif section == "libraries":
            # "https://github.com/a/b (a note)" names the library by its URL alone.
            library = text.split()[0] if text.startswith(("http://", "https://")) else text
            episode.libraries.append(check_key_text(library, "the library", source, number))
    episode.description = " ".join(description)
    return bool(description) or seen_sections


def _add_topic_line(episode: ListingEpisode, description: list[str], number: int, text: str, source: str) -> None:
    # Fast path: a valid timestamp (minutes and seconds 00-59) and some text. Anything else,
    # including every error, takes the general path below.
    valid = _VALID_TOPIC.match(text)
    if valid:
        hours, minutes, seconds, topic = valid.groups()
        topic = topic.strip()
        if topic:
            if seconds is None:
                offset = int(hours) * 60 + int(minutes)
            else:
                offset = (int(hours) * 60 + int(minutes)) * 60 + int(seconds)
            episode.topics.append(Topic(offset, topic, number))
            return
    match = _TOPIC.match(text)
    if match:
        parsed = parse_timestamp(match["stamp"])
        if parsed is not None:
            if not match["text"].strip():
                raise ListingError(source, number, f"topic at {match['stamp']} has no text")
            episode.topics.append(Topic(parsed, match["text"].strip(), number))
            return
    broken = match or _BROKEN_TOPIC.match(text)
    if broken:
        raise ListingError(source, number, f"bad timestamp {broken['stamp']!r} (expected M:SS or H:MM:SS)")
    # A topic wrapped onto the next line; text before the first topic belongs to the description.
    if episode.topics:
        episode.topics[-1].text += " " + text
    else:
        description.append(text)


def reference_of(text: str) -> Reference | None:
    """A URL, then maybe a note: "(in parentheses)" as this podcast writes it, or after a dash.

    >>> reference_of("https://emberjs.com/ (a note)"), reference_of("https://x.io - a note")
    (Reference(url='https://emberjs.com/', note='a note'), Reference(url='https://x.io', note='a note'))
    >>> reference_of("wrapped note text") is None
    True
    """
    url = _REFERENCE_URL.match(text)
    if url is None:
        return None
    rest = text[url.end():].strip()
    if rest.startswith("(") and rest.endswith(")"):
        note = rest[1:-1]
    elif rest[:1] in ("-", "–", "—", ":") and rest[1:].strip():
        note = rest[1:].strip()
    else:
        note = rest
    return Reference(url[0], note or None)


def _add_reference_line(episode: ListingEpisode, text: str, source: str, number: int) -> None:
    reference = reference_of(text)
    if reference:
        check_key_text(reference.url, "the URL", source, number)
        episode.references.append(reference)
    elif episode.references:
        previous = episode.references[-1]
        previous.note = f"{previous.note} {text}" if previous.note else text


def parse_listing(
    lines: Iterable[str | Line], source: str = "<listing>", *, collect_errors: bool = False
) -> Iterator[ListingEpisode | PodcastHeader | ListingError]:
    """Yield the podcast header (if the listing has one), then each episode in order.

    ``lines`` are plain strings or ``(line_number, text)`` pairs (as from
    :func:`read_lines`). A malformed episode raises :class:`ListingError`; with
    ``collect_errors=True`` it is yielded instead and parsing goes on with the
    next episode.
    """
    yield from _parse_numbered(_numbered(lines), source, collect_errors)


def _numbered(lines: Iterable[str | Line]) -> Iterator[Line]:
    for number, item in enumerate(lines, 1):
        yield (number, item.rstrip("\r\n")) if isinstance(item, str) else item


def _parse_numbered(
    numbered: Iterable[Line], source: str, collect_errors: bool
) -> Iterator[ListingEpisode | PodcastHeader | ListingError]:
    found_any = False
    for kind, block in _chunks(numbered):
        if kind == "header":
            if header := parse_header(block, source):
                yield header
            continue
        found_any = True
        try:
            yield parse_episode(block, source)
        except ListingError as error:
            if not collect_errors:
                raise
            yield error
    if not found_any:
        raise ListingError(source, None, "no episodes found (an episode starts with a line like 'Feb 10, 2020 • 56min')")


def read_listing(path: str | Path, *, collect_errors: bool = False) -> Iterator[ListingEpisode | PodcastHeader | ListingError]:
    """Parse a listing file, streaming. A missing or unreadable file raises ListingError."""
    source = str(path)
    with file_errors(source), open(path, "rb") as handle:
        yield from read_listing_from(handle, source, collect_errors=collect_errors)


def read_listing_from(
    handle: IO[bytes], source: str, *, collect_errors: bool = False
) -> Iterator[ListingEpisode | PodcastHeader | ListingError]:
    """Parse a listing from an open binary file (a file, standard input, a copy), streaming."""
    yield from _parse_numbered(read_lines_from(handle, source), source, collect_errors)


@contextlib.contextmanager
def file_errors(source: str) -> Iterator[None]:
    """Around opening and reading a file: an OSError becomes a ListingError that names it."""
    try:
        yield
    except FileNotFoundError:
        raise ListingError(source, None, "no such file") from None
    except IsADirectoryError:
        raise ListingError(source, None, "is a directory, not a listing file") from None
    except PermissionError:
        raise ListingError(source, None, "permission denied") from None
    except OSError as error:
        raise ListingError(source, None, f"cannot read: {error.strerror or error}") from None

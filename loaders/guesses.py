"""What an episode's own text says about a stack tag the catalog does not know.

The tag keeps its slug. Its display name is the spelling the description or a topic writes it
in ("Render" for the tag ``render``), else the tag as the stack lists it (a feed's link text).
Its category is guessed from where the text names it: "hosted on X", "runs on X", "running on
X", "hosted with X", "deployed on X" make it a hosting provider (so the company is HOSTED_ON
it); "X for error tracking", "X is used for payments", "X handles the emails" … give that
category; anything else is ``other``.

>>> guess = guess_technology("render", ["Acme is hosted on Render.", "Glitchbin for error tracking"])
>>> guess.slug, guess.name, guess.category, guess.hosting
('render', 'Render', 'hosting', True)
>>> guess_technology("glitchbin", ["Acme is hosted on Render.", "Glitchbin for error tracking"]).category
'error-tracking'
"""

from __future__ import annotations

import collections
import itertools
import re
from typing import Iterable

from domain.catalog import UNKNOWN_CATEGORY, Catalog, TechnologyEntry, spelling_key, text_key
from domain.slug import slugify
from loaders.listing import ListingEpisode

# From the start of a run of word characters only: tried inside a run, "[…]*" would scan the run again.
_WORDS = re.compile(r"(?<![\w.'’-])[\w.'’-]*\w")
_LONGEST_SPELLING = 3  # words
# How much text before and after a naming says what it is: more than the patterns below need,
# and bounded, so that a text naming a tag many times is read in time linear in its length.
_BEFORE_CHARS, _AFTER_CHARS = 80, 160
# The namings of a tag read per text: an episode's text names a technology a few times, and the
# first namings decide its name and category; a text repeating it all along is not read to the end.
_MOST_NAMINGS = 50
_HOSTING_BEFORE = re.compile(r"\b(?:(?:hosted|deployed)\s+(?:on|with)|runs?\s+on|running\s+on|lives\s+on)\s+(?:both\s+)?(?:[\w.-]+\s+and\s+)?$", re.I)
# What follows a name to say what it is for: "X for …", "X is used for …", "X handles …", "X as a …".
_ROLE_AFTER = re.compile(
    r"^\s*(?:\([^)]*\)\s*)?(?:is\s+|are\s+)?(?:being\s+)?(?:used\s+)?(?:for|as|to|handles?|takes\s+care\s+of)\b(?P<role>.{0,60})", re.I
)
_ROLE_CATEGORIES = (
    (re.compile(r"\b(?:error|exception)s?\b|\bcrash", re.I), "error-tracking"),
    (re.compile(r"\b(?:authentication|auth|log\s*ins?|sign\s*ins?|identity)\b", re.I), "auth"),
    (re.compile(r"\blog(?:s|ging)?\b", re.I), "logging"),
    (re.compile(r"\b(?:monitoring|metrics|alert(?:s|ing)?|uptime|apm|tracing)\b", re.I), "monitoring"),
    (re.compile(r"\b(?:payments?|billing|subscriptions?|invoic\w*)\b", re.I), "payments"),
    (re.compile(r"\be-?mails?\b|\bnewsletters?\b", re.I), "email"),
    (re.compile(r"\bsearch\w*\b", re.I), "search"),
    (re.compile(r"\bcach(?:e|es|ing)\b", re.I), "cache"),
    (re.compile(r"\b(?:queues?|background\s+jobs?|jobs?\s+queue)\b", re.I), "queue"),
    (re.compile(r"\b(?:ci|continuous\s+integration|deploy(?:s|ments?)?)\b", re.I), "ci"),
    (re.compile(r"\banalytics\b", re.I), "analytics"),
    (re.compile(r"\bdns\b", re.I), "dns"),
    (re.compile(r"\bcdn\b", re.I), "cdn"),
    (re.compile(r"\bdatabases?\b", re.I), "database"),
    (re.compile(r"\b(?:tests?|testing)\b", re.I), "testing"),
    (re.compile(r"\bvideos?\b", re.I), "video"),
)


def technology_of_tag(tag: str, catalog: Catalog, episode: ListingEpisode) -> TechnologyEntry:
    """The catalog's entry for a stack tag, else the guess the episode's text supports."""
    entry = catalog.resolve(tag)
    if entry is not None:
        return entry
    return guess_technology(tag, [episode.description, *(topic.text for topic in episode.topics)])


def guess_technology(tag: str, texts: Iterable[str]) -> TechnologyEntry:
    """A technology for a tag no catalog knows: its slug, a display name and a category from ``texts``."""
    slug = slugify(tag)
    if not slug:
        raise ValueError(f"tag {tag!r} has no letters or digits to make a slug of")
    key = spelling_key(tag)
    name, category = tag.strip(), UNKNOWN_CATEGORY
    for text in texts:
        for spelling, before, after in itertools.islice(_namings(text, key), _MOST_NAMINGS):
            if name == tag.strip():
                name = spelling
            guessed = _category(before, after)
            if guessed == "hosting" or (guessed and category == UNKNOWN_CATEGORY):
                category = guessed
    return TechnologyEntry(slug=slug, name=name, category=category, hosting=category == "hosting")


def _namings(text: str, key: str) -> Iterable[tuple[str, str, str]]:
    """Each place ``text`` names the spelling key: (as written, the text before, the text after)."""
    if key not in text_key(text):  # names it nowhere: not worth a look at each word
        return
    words = _WORDS.finditer(text)  # read as far as the namings are wanted
    window = collections.deque(itertools.islice(words, _LONGEST_SPELLING))
    while window:
        first = window[0]
        for last in window:
            written = text[first.start():last.end()]
            written_key = spelling_key(written)
            if not key.startswith(written_key):
                break  # more words only make it longer
            if written_key == key:
                before = text[max(0, first.start() - _BEFORE_CHARS) : first.start()]
                yield written, before, text[last.end() : last.end() + _AFTER_CHARS]
        window.popleft()
        window.extend(itertools.islice(words, 1))


def _category(before: str, after: str) -> str | None:
    if _HOSTING_BEFORE.search(before):
        return "hosting"
    role = _ROLE_AFTER.match(after)
    if role is None:
        return None
    sentence = re.split(r"[.;!?]", role["role"])[0]
    return next((category for pattern, category in _ROLE_CATEGORIES if pattern.search(sentence)), None)

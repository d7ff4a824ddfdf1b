"""The company (product or organization) an episode is about.

Titles usually name it: the subject of the title, followed by any verb ("X Is a …", "X Helps …",
"X Mixes in …", "X Let You …"; a brand may start in lowercase, "uscreen Is a …"), or the end of
the title ("… on X", "… with X", "… at X", "… for X", "… Called X"). Where the title names none,
the description may ("a platform called X", "how he built X", "sites for X", "X is …"), else the
last topic's "Check out X". A candidate that is a known technology ("… with Elixir") is not a
company, nor is a number or a common word: "… for Fun" names nobody, "… for Acme" does when the
description writes Acme too. When nothing names it, the company is inferred from the title.

>>> company_from_text("Smart Music Helps Musicians Practice More Efficiently", "")
CompanyName(name='Smart Music', inferred=False)
>>> company_from_text("Learn Ruby on Rails through Screencast Tutorials on GoRails", "")
CompanyName(name='GoRails', inferred=False)
>>> company_from_text("Building a Better Video Platform", "We talked about it.")
CompanyName(name='Building a Better Video Platform', inferred=True)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

# A proper name: capitalized words, or words with a dot such as VA.gov / Kernl.us.
_WORD = r"(?:[A-Z0-9][\w.'’&+-]*[\w+]|[A-Z0-9]|[a-z][\w-]*\.[a-z]{2,}(?:\.[a-z]{2,})?)"
_NAME = rf"(?P<name>{_WORD}(?:\s+{_WORD}){{0,4}})"
# A verb of the title's subject: one of these, any third-person "-s" word ("Mixes", "Lets"), or a
# plural brand's base form before its object ("X Let You …", "X Help Teams …").
_KNOWN_VERBS = (
    "Is|Are|Was|Helps|Help|Provides|Runs|Lets|Makes|Gives|Offers|Powers|Uses|Handles|Has|Hosts|Serves|"
    "Builds|Brings|Turns|Connects|Manages|Tracks|Automates|Allows|Enables|Delivers|Processes|Keeps|Sends|"
    "Monitors|Simplifies|Creates|Teaches|Finds|Streams|Ships|Supports|Sells|Scales|Protects|Gets|Takes|Does|"
    "Were|Can|Will"
)
_TITLE_VERB = (
    rf"(?:{_KNOWN_VERBS}|(?:Let|Help|Make|Give|Keep|Bring|Turn|Mix|Put|Get)"
    r"(?=\s+(?:You|Your|Us|Anyone|People|Developers|Teams|Companies|Businesses|[A-Z][a-z]+s)\b))"
)
# Any other "-s" word ends the subject only when no verb above does: "Buildkite Agents Let You …".
_ANY_S_VERB = r"[A-Z][a-z]*[^s\W]s"
# The subject: up to five words, the first of which may be a lowercase brand ("uscreen").
_SUBJECT = rf"(?P<name>(?:{_WORD}|[a-z][\w-]*)(?:\s+{_WORD}){{0,4}}?)"
# (pattern, whether a technology name there means "not a company"): the subject of
# "Logflare Is a …" is the company even when it is also a technology; the object of
# "… with Elixir" or "building Phoenix apps" is not.
_TITLE_PATTERNS = (
    (re.compile(rf"^{_SUBJECT}\s+{_TITLE_VERB}(?=\s)"), False),
    (re.compile(rf"^{_SUBJECT}\s+{_ANY_S_VERB}(?=\s)"), False),
    (re.compile(rf"\bCalled\s+{_NAME}\s*$", re.IGNORECASE), False),
    (re.compile(rf"\s(?i:on|with)\s+{_NAME}\s*[.!?]?$"), True),
)
# "… at X" / "… for X" end many titles with a common word ("for Fun"): X must look like a name.
_TITLE_END_PATTERN = re.compile(rf"\s(?i:at|for)\s+{_NAME}\s*[.!?]?$")
_CHECK_OUT = re.compile(rf"^Check out\s+{_NAME}")
_DESCRIPTION_PATTERNS = (
    (re.compile(rf"\b(?:platform|app|application|service|product|tool|site|company|startup|business)\s+called\s+{_NAME}"), False),
    (re.compile(rf"\bcalled\s+{_NAME}"), False),
    (re.compile(rf"\b(?:building|built|builds|runs|running|created|founded)\s+{_NAME}"), True),
    (re.compile(rf"(?:^|[.!?]\s+){_NAME}\s+is\s"), False),
    (re.compile(rf"\b(?:sites?|websites?|apps?|stores?|shops?)\s+for\s+{_NAME}"), True),
)
_NOT_NAMES = {
    "a", "an", "the", "it", "its", "this", "that", "these", "those", "there", "here", "he", "she", "they",
    "we", "you", "i", "his", "her", "their", "our", "my", "your", "everything", "nothing", "something",
    "what", "why", "how", "when", "where", "who", "which", "in", "on", "with", "and", "or", "but", "so",
    "running", "production", "episode", "podcast", "learn", "using", "check", "all", "more", "most", "some",
    "many", "new", "one", "two", "three",
}
# Punctuation that may end a match but is not part of the name.
_TRAILING_NOISE = ",.;:!?)"
# Longer than any company's name: a longer match is a run of text, and comparing it with the
# description would cost its length times the description's.
_LONGEST_NAME_CHARS = 100


@dataclass(frozen=True)
class CompanyName:
    name: str
    inferred: bool


def _clean(name: str) -> str:
    """The name without trailing punctuation and spaces (a loop: a regex would backtrack over a long run)."""
    end = len(name)
    while end and (name[end - 1] in _TRAILING_NOISE or name[end - 1].isspace()):
        end -= 1
    return name[:end].strip()


def _could_be_a_name(name: str) -> bool:
    """Not a number, a common word, a gerund ("Building …"), a possessive ("Julien’s") or a handle."""
    words = name.split()
    if not words or len(name) > _LONGEST_NAME_CHARS or not re.search(r"[A-Za-z]", name) or words[0].lower() in _NOT_NAMES:
        return False
    first = words[0].lower()
    return not (first.endswith("ing") and len(first) > 5) and not name.endswith(("'s", "’s")) and not name.startswith("@")


def _looks_proper(name: str, description: str) -> bool:
    """A name written like one (GoRails, VA.gov, Nova ADC), or that the description writes too."""
    if any(re.search(r".[A-Z0-9.]", word) for word in name.split()):
        return True
    return re.search(rf"(?<![\w.]){re.escape(name)}(?![\w])", description) is not None


def _first_name(patterns, text: str, is_technology: Callable[[str], bool]) -> str | None:
    for pattern, technologies_excluded in patterns:
        for match in pattern.finditer(text):
            name = _clean(match["name"])
            if not _could_be_a_name(name):
                continue
            if technologies_excluded and is_technology(name):
                continue
            return name
    return None


def _title_end(title: str, description: str, is_technology: Callable[[str], bool]) -> str | None:
    match = _TITLE_END_PATTERN.search(title)
    if match is None:
        return None
    name = _clean(match["name"])
    if _could_be_a_name(name) and not is_technology(name) and _looks_proper(name, description):
        return name
    return None


def company_from_text(
    title: str,
    description: str,
    is_technology: Callable[[str], bool] = lambda name: False,
    *,
    last_topic: str = "",
) -> CompanyName:
    """The company named by the title, else by the description, else by the last topic's "Check out X",
    else one inferred from the title.

    ``is_technology`` tells whether a candidate is a technology rather than a
    company (the loader passes the catalog's lookup).
    """
    title = " ".join(title.split())
    description = " ".join(description.split())
    name = _first_name(_TITLE_PATTERNS, title, is_technology) or _title_end(title, description, is_technology)
    if name is None:
        name = _first_name(_DESCRIPTION_PATTERNS, description, is_technology)
    if name is None:
        name = _first_name(((_CHECK_OUT, True),), " ".join(last_topic.split()), is_technology)
    if name is not None:
        return CompanyName(name=name, inferred=False)
    return CompanyName(name=title, inferred=True)


def website_of(name: str) -> str | None:
    """A company named like a domain has that site.

    >>> website_of("Remote.com"), website_of("Smart Music")
    ('https://remote.com', None)
    """
    if re.fullmatch(r"[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", name, re.IGNORECASE):
        return f"https://{name.lower()}"
    return None

"""The company (product or organization) an episode is about.

Titles usually name it: "X Is a …", "X Helps …", "… on X", "… with X",
"… Called X". Where the title names none, the description may ("a platform
called X", "building X", "X is …"). A candidate that is a known technology
("… with Elixir") is not a company.

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
_TITLE_VERBS = (
    "Is|Are|Was|Helps|Help|Provides|Runs|Lets|Makes|Gives|Offers|Powers|Uses|Handles|Has|Hosts|Serves|"
    "Builds|Brings|Turns|Connects|Manages|Tracks|Automates|Allows|Enables|Delivers|Processes|Keeps|Sends|"
    "Monitors|Simplifies|Creates|Teaches|Finds|Streams|Ships|Supports|Sells|Scales|Protects|Gets|Takes|Does"
)
# (pattern, whether a technology name there means "not a company"): the subject of
# "Logflare Is a …" is the company even when it is also a technology; the object of
# "… with Elixir" or "building Phoenix apps" is not.
_TITLE_PATTERNS = (
    (re.compile(rf"^{_NAME}\s+(?:{_TITLE_VERBS})\b"), False),
    (re.compile(rf"\bCalled\s+{_NAME}\s*$", re.IGNORECASE), False),
    (re.compile(rf"\s(?i:on|with)\s+{_NAME}\s*[.!?]?$"), True),
)
_DESCRIPTION_PATTERNS = (
    (re.compile(rf"\b(?:platform|app|application|service|product|tool|site|company|startup|business)\s+called\s+{_NAME}"), False),
    (re.compile(rf"\bcalled\s+{_NAME}"), False),
    (re.compile(rf"\b(?:building|built|builds|runs|running|created|founded)\s+{_NAME}"), True),
    (re.compile(rf"(?:^|[.!?]\s+){_NAME}\s+is\s"), False),
)
_NOT_NAMES = {
    "a", "an", "the", "it", "its", "this", "that", "these", "those", "there", "here", "he", "she", "they",
    "we", "you", "i", "his", "her", "their", "our", "my", "your", "everything", "nothing", "something",
    "what", "why", "how", "when", "where", "who", "which", "in", "on", "with", "and", "or", "but", "so",
    "running", "production", "episode", "podcast",
}
# Words that may end a title match but are not part of the name ("… on Kubernetes Today").
_TRAILING_NOISE = re.compile(r"[\s,.;:!?)]+$")


@dataclass(frozen=True)
class CompanyName:
    name: str
    inferred: bool


def _clean(name: str) -> str:
    return _TRAILING_NOISE.sub("", name).strip()


def _first_name(patterns, text: str, is_technology: Callable[[str], bool]) -> str | None:
    for pattern, technologies_excluded in patterns:
        for match in pattern.finditer(text):
            name = _clean(match["name"])
            words = name.split()
            if not words or words[0].lower() in _NOT_NAMES:
                continue
            if technologies_excluded and is_technology(name):
                continue
            return name
    return None


def company_from_text(
    title: str, description: str, is_technology: Callable[[str], bool] = lambda name: False
) -> CompanyName:
    """The company named by the title, else by the description, else one inferred from the title.

    ``is_technology`` tells whether a candidate is a technology rather than a
    company (the loader passes the catalog's lookup).
    """
    title = " ".join(title.split())
    name = _first_name(_TITLE_PATTERNS, title, is_technology)
    if name is None:
        name = _first_name(_DESCRIPTION_PATTERNS, " ".join(description.split()), is_technology)
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

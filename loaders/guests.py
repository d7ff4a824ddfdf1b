"""Guests named in an episode description.

The podcast introduces them as "In this episode of Running in Production,
NAME goes over …", or "A and B talk about …" for two.

>>> guests_from_description(
...     "In this episode of Running in Production, Julien Blanchard goes over building Smart Music")
['Julien Blanchard']
>>> guests_from_description("In this episode of Running in Production, Ann Lee, Bo Chan and Cy Diaz talk about X")
['Ann Lee', 'Bo Chan', 'Cy Diaz']
"""

from __future__ import annotations

import re

_INTRO = re.compile(
    r"In this episode of [^,]+,\s+(?P<names>.+?)\s+"
    r"(?:goes|go|went|talks?|talked|walks?|walked|covers?|covered|discuss(?:es|ed)?|explains?|"
    r"shares?|dives?|chats?|describes?|joins?|gives?|takes?|is|are|was|were|has|have)\b"
)
_SEPARATOR = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*")
_AFFILIATION = re.compile(r"\s+(?:from|of|at)\s+.*$")
_NAME_WORD = re.compile(r"^(?:[A-Z][\w'’.-]*|de|da|del|der|van|von|la|le|di|du|bin|al)$")


def _is_person_name(text: str) -> bool:
    words = text.split()
    return 1 <= len(words) <= 5 and words[0][:1].isupper() and all(_NAME_WORD.match(w) for w in words)


def guests_from_description(description: str) -> list[str]:
    """Every guest the introduction names, in order; [] when it names none."""
    match = _INTRO.search(" ".join(description.split()))
    if not match:
        return []
    names = [_AFFILIATION.sub("", part).strip() for part in _SEPARATOR.split(match["names"])]
    return [name for name in dict.fromkeys(names) if _is_person_name(name)]

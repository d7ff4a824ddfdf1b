"""Guests named in an episode description.

The podcast introduces them as "In this episode of Running in Production, NAME VERB …":
"goes over", "lets us know", "guides us through", "covers", any verb. The names are the
capitalised words after the comma up to the first lowercase word (but "and" between names and
the particles of a surname, "van", "de" …); a guest may go by one name.

>>> guests_from_description(
...     "In this episode of Running in Production, Julien Blanchard goes over building Smart Music")
['Julien Blanchard']
>>> guests_from_description("In this episode of Running in Production, Ann Lee, Bo Chan and Cy Diaz talk about X")
['Ann Lee', 'Bo Chan', 'Cy Diaz']
>>> guests_from_description("In this episode of Running in Production, Kelsey lets us know how Acme works")
['Kelsey']
"""

from __future__ import annotations

import re

# The podcast's name is bounded: "[^,]+" would run to the end of the text from every "In this episode of".
_INTRO = re.compile(r"In this episode of [^,]{1,200},\s+")
_TOKEN = re.compile(r"[^\s,&]+|[,&]")
_NAME_WORD = re.compile(r"^[A-Z][\w'’.-]*$")
_PARTICLES = frozenset({"de", "da", "del", "der", "van", "von", "la", "le", "di", "du", "bin", "al"})
_LONGEST_NAME = 5  # words
_LONGEST_NAME_CHARS = 100  # a longer run of capitalised text is not a name


def _surname_follows(tokens: list[str], index: int) -> bool:
    """Whether the particles from ``index`` on lead to a capitalised word: "van der Berg"."""
    rest = tokens[index:]
    after = next((token for token in rest if token not in _PARTICLES), "")
    return bool(_NAME_WORD.match(after))


def guests_from_description(description: str) -> list[str]:
    """Every guest the introduction names, in order; [] when it names none."""
    intro = _INTRO.search(" ".join(description.split()))
    if not intro:
        return []
    tokens = _TOKEN.findall(intro.string[intro.end():])
    names: list[str] = []
    current: list[str] = []
    for index, token in enumerate(tokens):
        if _NAME_WORD.match(token):
            current.append(token)
        elif current and token in _PARTICLES and _surname_follows(tokens, index):
            current.append(token)
        elif token in (",", "&", "and"):
            if current:
                names.append(" ".join(current))
            current = []
        else:
            break
    if current:
        names.append(" ".join(current))
    return [name for name in dict.fromkeys(names) if len(name.split()) <= _LONGEST_NAME and len(name) <= _LONGEST_NAME_CHARS]

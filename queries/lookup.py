"""Things whose names hold a text: companies, technologies, people and episodes, for a search box.

>>> [(found.kind, found.name) for found in named_like(store, "CO")]   # any case, in the name (a title) or slug
[('company', 'Coil'), ('episode', 'Coil Is a Spring Shop')]
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.store import GraphStore
from queries.profiles import take

# Labels and the property shown are ours, never the user's; the text arrives as a parameter.
_KINDS = {"company": ("Company", "name"), "technology": ("Technology", "name"), "person": ("Person", "name"),
          "episode": ("Episode", "title")}
_LIKE = """
MATCH (n:{label})
WHERE toLower(coalesce(n.{shown}, '')) CONTAINS $text OR n.id CONTAINS $text
RETURN n.id AS id, coalesce(n.{shown}, n.id) AS name
ORDER BY CASE WHEN toLower(coalesce(n.{shown}, '')) = $text THEN 0 ELSE 1 END, size(name), name, id
LIMIT $limit
"""


@dataclass(frozen=True)
class Named:
    kind: str  # company, technology, person or episode
    id: str
    name: str


def named_like(store: GraphStore, text: str, *, limit: int = 10) -> list[Named]:
    """Up to ``limit`` things of each kind whose name (an episode's title) or id holds ``text``,
    in any case: exact names first, then the shortest."""
    wanted = text.strip().lower()
    take([], limit)
    if not wanted or not limit:
        return []
    found = []
    for kind, (label, shown) in _KINDS.items():
        rows = store.run(_LIKE.format(label=label, shown=shown), {"text": wanted, "limit": limit})
        found += [Named(kind, row["id"], row["name"]) for row in rows]
    return found

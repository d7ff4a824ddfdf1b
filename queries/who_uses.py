"""Which companies use a technology, with the episode, its date and the guests.

>>> [(u.name, u.date, u.guests) for u in who_uses(store, "postgres")]   # newest first
[('Coil', '2020-02-05', ['Cy Young']), ('Bolt', '2020-02-04', ['Bob Ray']), ('Acme', '2020-02-03', ['Ann Lee'])]
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.store import GraphStore
from queries.names import resolve_technology
from queries.profiles import take

# {limit}: empty, or a LIMIT that cuts before the guests are read (a popular technology has thousands of users).
WHO_USES = """
MATCH (c:Company)-[:USES]->(t:Technology {{id: $technology}})
MATCH (e:Episode)-[:FEATURES]->(c)
WITH c, e ORDER BY e.date DESC, c.name {limit}
OPTIONAL MATCH (p:Person)-[:APPEARED_ON]->(e)
WITH c, e, p ORDER BY p.name
RETURN c.id AS company, c.name AS name, e.title AS episode, e.date AS date, collect(p.name) AS guests
ORDER BY date DESC, name
"""


@dataclass(frozen=True)
class Usage:
    company: str  # its slug
    name: str
    episode: str
    date: str
    guests: list[str]


def who_uses(store: GraphStore, technology: str, *, limit: int | None = None) -> list[Usage]:
    """Companies using ``technology`` (name, slug or alias), newest episode first; the first ``limit``."""
    slug = resolve_technology(store, technology)
    take([], limit)  # a negative limit is an error before any query
    if limit == 0:
        return []
    rows = store.run(WHO_USES.format(limit="" if limit is None else "LIMIT $limit"), {"technology": slug, "limit": limit})
    return [Usage(**row) for row in rows]

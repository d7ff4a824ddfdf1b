"""When a technology comes up: the episodes whose featured company uses it or whose topics mention it.

>>> [(t.date, t.company_name, t.in_stack, t.timestamps) for t in timeline(store, "redis")]   # no topics to stamp
[('2020-02-03', 'Acme', True, []), ('2020-02-04', 'Bolt', True, [])]
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.store import GraphStore
from queries.names import resolve_technology
from queries.profiles import take

IN_STACK = """
MATCH (e:Episode)-[:FEATURES]->(c:Company)-[u:USES]->(:Technology {id: $technology})
WHERE u.episode = e.id
RETURN DISTINCT e.id AS id, e.title AS title, e.date AS date, c.id AS company, c.name AS company_name
"""

IN_TOPICS = """
MATCH (e:Episode)-[:HAS_TOPIC]->(tp:Topic)-[:MENTIONS]->(:Technology {id: $technology})
OPTIONAL MATCH (e)-[:FEATURES]->(c:Company)
RETURN e.id AS id, e.title AS title, e.date AS date, c.id AS company, c.name AS company_name,
       collect(DISTINCT tp.offset_s) AS offsets
"""


def clock(seconds: int) -> str:
    """A topic offset as the listing writes it: M:SS, or H:MM:SS from an hour on.

    >>> clock(1109), clock(3725)
    ('18:29', '1:02:05')
    """
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@dataclass(frozen=True)
class Appearance:
    date: str
    episode: str
    company: str | None  # the featured company's slug
    company_name: str | None
    in_stack: bool
    timestamps: list[str]  # topics mentioning it, in order


def timeline(store: GraphStore, technology: str, *, limit: int | None = None) -> list[Appearance]:
    """Episodes in date order (then title) that bring up ``technology``, by stack or by topic."""
    slug = resolve_technology(store, technology)
    episodes: dict[str, dict] = {}
    for row in store.run(IN_STACK, {"technology": slug}):
        episodes[row["id"]] = {**row, "in_stack": True, "offsets": []}
    for row in store.run(IN_TOPICS, {"technology": slug}):
        episode = episodes.setdefault(row["id"], {**row, "in_stack": False})
        episode["offsets"] = row["offsets"]
        if not episode["company"]:
            episode["company"], episode["company_name"] = row["company"], row["company_name"]
    result = [
        Appearance(e["date"], e["title"], e["company"], e["company_name"], e["in_stack"],
                   [clock(s) for s in sorted(e["offsets"])])
        for e in episodes.values()
    ]
    result.sort(key=lambda a: (a.date, a.episode))
    return take(result, limit)

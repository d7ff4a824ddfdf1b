"""A technology as its page shows it: what it is, the most used ones, and the topic lines naming it.

>>> found = technology(store, "PostgreSQL")
>>> found.id, found.name, found.category, found.users
('postgres', 'PostgreSQL', 'database', 3)
>>> [(t.name, t.users) for t in most_used(store, limit=2)]
[('PostgreSQL', 3), ('Redis', 2)]
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.catalog import Catalog
from graph.store import GraphStore
from queries.names import resolve_technology
from queries.profiles import take
from queries.timeline import clock, listen_link

HEADER = """
MATCH (t:Technology {id: $technology})
RETURN t.name AS name, t.category AS category, properties(t).homepage AS homepage,
       'HostingProvider' IN labels(t) AS hosting, size([(c:Company)-[:USES]->(t) | c]) AS users
"""

MOST_USED = """
MATCH (c:Company)-[:USES]->(t:Technology)
WITH t, count(DISTINCT c) AS users
ORDER BY users DESC, t.name, t.id LIMIT $limit
RETURN t.id AS id, t.name AS name, t.category AS category, users
"""

MENTIONS = """
MATCH (e:Episode)-[:HAS_TOPIC]->(tp:Topic)-[:MENTIONS]->(:Technology {id: $technology})
RETURN e.id AS episode, e.title AS title, e.date AS date, tp.offset_s AS offset_s, tp.text AS text,
       properties(e).audio_url AS audio_url
ORDER BY date, episode, offset_s LIMIT $limit
"""

EPISODE_IDS = """
UNWIND $episodes AS wanted
MATCH (e:Episode {date: wanted[0]})
WHERE e.title = wanted[1]
RETURN e.date AS date, e.title AS title, e.id AS id
"""


@dataclass(frozen=True)
class Technology:
    id: str  # its slug
    name: str
    category: str
    homepage: str | None  # where a feed's stack entry links to
    hosting: bool  # a hosting provider
    aliases: list[str]  # other spellings the catalog knows
    users: int  # companies whose stack has it


@dataclass(frozen=True)
class Used:
    id: str
    name: str
    category: str
    users: int


@dataclass(frozen=True)
class Mention:
    episode: str  # its id
    title: str
    date: str
    at: str  # M:SS or H:MM:SS
    text: str
    listen: str | None


def technology(store: GraphStore, name: str, catalog: Catalog | None = None) -> Technology:
    """The technology ``name`` names (a name, slug or alias in any case)."""
    catalog = catalog or Catalog.default()
    key = resolve_technology(store, name, catalog)
    [row] = store.run(HEADER, {"technology": key})
    entry = catalog.by_slug(key)
    return Technology(key, row["name"] or key, row["category"] or "other", row["homepage"], bool(row["hosting"]),
                      list(entry.aliases) if entry else [], row["users"])


def most_used(store: GraphStore, *, limit: int) -> list[Used]:
    """The ``limit`` technologies the most companies use, most first, then by name."""
    take([], limit)  # a negative limit is an error before any query
    rows = store.run(MOST_USED, {"limit": limit}) if limit else []
    return [Used(row["id"], row["name"] or row["id"], row["category"] or "other", row["users"]) for row in rows]


def mentions(store: GraphStore, technology: str, *, limit: int) -> list[Mention]:
    """The first ``limit`` topic lines naming the technology with slug ``technology``, oldest episode
    first, each episode's in timestamp order."""
    take([], limit)
    rows = store.run(MENTIONS, {"technology": technology, "limit": limit}) if limit else []
    return [Mention(row["episode"], row["title"], row["date"], clock(row["offset_s"]), row["text"],
                    listen_link(row["audio_url"], row["offset_s"])) for row in rows]


def episode_ids(store: GraphStore, episodes: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The ids of episodes known by (date, title), as the timeline rows name them."""
    rows = store.run(EPISODE_IDS, {"episodes": [list(e) for e in episodes]}) if episodes else []
    return {(row["date"], row["title"]): row["id"] for row in rows}

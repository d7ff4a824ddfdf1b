"""The topic lines that name a technology, for its timeline: timestamp, text and a listen link.

>>> [(m.title, m.at, m.text) for m in mentions(store, "postgres", limit=5)]   # the tiny listing has no topics
[]
>>> episode_ids(store, [("2020-02-04", "Bolt Is a Bike Shop")])
{('2020-02-04', 'Bolt Is a Bike Shop'): '2020-02-04-bolt-is-a-bike-shop'}
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.store import GraphStore
from queries.profiles import take
from queries.timeline import clock, listen_link

MENTIONS = """
MATCH (e:Episode)-[:HAS_TOPIC]->(tp:Topic)-[:MENTIONS]->(:Technology {id: $technology})
RETURN e.id AS episode, e.title AS title, e.date AS date, tp.offset_s AS offset_s, tp.text AS text,
       properties(e).audio_url AS audio_url
ORDER BY date, episode, offset_s LIMIT $limit
"""

# One pass over the episodes, whatever the number asked about (no index on titles or dates).
EPISODE_IDS = """
MATCH (e:Episode)
WHERE e.title IN $titles
RETURN e.date AS date, e.title AS title, e.id AS id
"""


@dataclass(frozen=True)
class Mention:
    episode: str  # its id
    title: str
    date: str
    at: str  # M:SS or H:MM:SS
    text: str
    listen: str | None


def mentions(store: GraphStore, technology: str, *, limit: int) -> list[Mention]:
    """The first ``limit`` topic lines naming the technology with slug ``technology``, oldest episode
    first, each episode's in timestamp order."""
    take([], limit)  # a negative limit is an error before any query
    rows = store.run(MENTIONS, {"technology": technology, "limit": limit}) if limit else []
    return [Mention(row["episode"], row["title"], row["date"], clock(row["offset_s"]), row["text"],
                    listen_link(row["audio_url"], row["offset_s"])) for row in rows]


def episode_ids(store: GraphStore, episodes: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The ids of episodes known by (date, title), as timeline rows name them."""
    wanted = set(episodes)
    rows = store.run(EPISODE_IDS, {"titles": sorted({title for _, title in wanted})}) if wanted else []
    return {(row["date"], row["title"]): row["id"] for row in rows if (row["date"], row["title"]) in wanted}

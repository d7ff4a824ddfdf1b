"""One episode as a page shows it: its company and guests, topics with timestamps, references,
libraries and the stack it lists.

>>> found = episode(store, "2020-02-04-bolt-is-a-bike-shop")
>>> found.title, found.company_name, found.guests, [item.name for item in found.stack]   # the stack by category
('Bolt Is a Bike Shop', 'Bolt', [('bob-ray', 'Bob Ray')], ['Redis', 'PostgreSQL'])
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.store import GraphStore
from queries.names import resolve_episode
from queries.stack import StackItem
from queries.timeline import clock, listen_link

HEADER = """
MATCH (e:Episode {id: $episode})
OPTIONAL MATCH (e)-[:FEATURES]->(c:Company)
RETURN e.title AS title, e.date AS date, properties(e).duration_s AS duration_s, properties(e).url AS url,
       properties(e).audio_url AS audio_url, properties(e).description AS description,
       c.id AS company, c.name AS company_name
"""

GUESTS = """
MATCH (p:Person)-[:APPEARED_ON]->(:Episode {id: $episode})
RETURN p.id AS id, p.name AS name ORDER BY name, id
"""

TOPICS = """
MATCH (:Episode {id: $episode})-[:HAS_TOPIC]->(tp:Topic)
OPTIONAL MATCH (tp)-[:MENTIONS]->(t:Technology)
RETURN tp.offset_s AS offset_s, tp.text AS text,
       collect(CASE WHEN t IS NULL THEN null ELSE [t.id, coalesce(t.name, t.id)] END) AS mentions
ORDER BY offset_s, text
"""

REFERENCES = """
MATCH (:Episode {id: $episode})-[:REFERENCES]->(l:Link)
RETURN l.url AS url, properties(l).note AS note ORDER BY url
"""

# A company featured in several episodes lists its stack in each: the stack here is this episode's.
STACK = """
MATCH (e:Episode {id: $episode})-[:FEATURES]->(:Company)-[u:USES]->(t:Technology)
WHERE u.episode = e.id
RETURN DISTINCT t.category AS category, t.name AS name, t.id AS technology, 'HostingProvider' IN labels(t) AS hosting
ORDER BY hosting DESC, category, name
"""

LIBRARIES = """
MATCH (:Episode {id: $episode})-[:FEATURES]->(:Company)-[:USES_LIBRARY]->(l:Library)
RETURN DISTINCT l.id AS id, l.name AS name, properties(l).url AS url ORDER BY name, id
"""


@dataclass(frozen=True)
class Topic:
    at: str  # M:SS or H:MM:SS
    text: str
    listen: str | None  # the audio from there, for an episode with an audio file
    mentions: list[tuple[str, str]]  # (slug, name) of the technologies the line names


@dataclass(frozen=True)
class Reference:
    url: str
    note: str | None


@dataclass(frozen=True)
class Library:
    id: str  # e.g. github:owner/repo
    name: str
    url: str | None


@dataclass(frozen=True)
class Episode:
    id: str
    title: str
    date: str
    duration_s: int | None
    url: str | None
    description: str | None
    company: str | None  # the featured company's slug
    company_name: str | None
    guests: list[tuple[str, str]]  # (slug, name)
    topics: list[Topic]
    references: list[Reference]
    libraries: list[Library]
    stack: list[StackItem]


def episode(store: GraphStore, name: str) -> Episode:
    """The episode ``name`` names (its id, or its title in any case)."""
    key = resolve_episode(store, name)
    params = {"episode": key}
    [head] = store.run(HEADER, params)
    topics = [
        Topic(clock(row["offset_s"]), row["text"], listen_link(head["audio_url"], row["offset_s"]),
              sorted({(slug, shown) for slug, shown in row["mentions"]}, key=lambda m: m[1].lower()))
        for row in store.run(TOPICS, params)
    ]
    return Episode(
        key, head["title"], head["date"], head["duration_s"], head["url"], head["description"], head["company"],
        head["company_name"], [(row["id"], row["name"]) for row in store.run(GUESTS, params)], topics,
        [Reference(row["url"], row["note"]) for row in store.run(REFERENCES, params)],
        [Library(row["id"], row["name"] or row["id"], row["url"]) for row in store.run(LIBRARIES, params)],
        [StackItem(**row) for row in store.run(STACK, params)],
    )

"""One episode as a page shows it: its company and guests, topics with their timestamps, references,
libraries and the stack it lists.

>>> episode = episode_details(store, "Acme Is a Rocket Shop")    # its id or its title, any case
>>> episode.id, episode.date, episode.company_name, episode.guests, episode.duration_s
('2020-02-03-acme-is-a-rocket-shop', '2020-02-03', 'Acme', ['Ann Lee'], 2820)
>>> [item.technology for item in episode.stack], episode.topics, episode.references
(['redis', 'postgres', 'rails'], [], [])
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.store import GraphStore
from queries.names import resolve_episode
from queries.stack import StackItem
from queries.timeline import clock, listen_link

# Only feeds give an episode its url and audio_url: read from properties(), they are missing map
# keys rather than properties Neo4j warns are unknown.
EPISODE = """
MATCH (e:Episode {id: $episode})
OPTIONAL MATCH (e)-[:FEATURES]->(c:Company)
OPTIONAL MATCH (p:Person)-[:APPEARED_ON]->(e)
WITH e, c, p ORDER BY p.name
RETURN e.id AS id, e.title AS title, e.date AS date, e.duration_s AS duration_s, e.description AS description,
       properties(e).url AS url, properties(e).audio_url AS audio_url, c.id AS company, c.name AS company_name,
       collect(DISTINCT p.name) AS guests
"""

TOPICS = """
MATCH (:Episode {id: $episode})-[:HAS_TOPIC]->(tp:Topic)
OPTIONAL MATCH (tp)-[:MENTIONS]->(t:Technology)
WITH tp, t ORDER BY t.id
RETURN tp.offset_s AS offset_s, tp.text AS text, collect(t.id) AS technologies
ORDER BY offset_s, text
"""

REFERENCES = """
MATCH (:Episode {id: $episode})-[:REFERENCES]->(l:Link)
RETURN l.url AS url, l.domain AS domain, properties(l).note AS note
ORDER BY url
"""

LIBRARIES = """
MATCH (:Company)-[u:USES_LIBRARY]->(l:Library)
WHERE u.episode = $episode
RETURN DISTINCT l.id AS library, l.name AS name, l.url AS url
ORDER BY name, library
"""

STACK = """
MATCH (:Company)-[u:USES]->(t:Technology)
WHERE u.episode = $episode
RETURN t.category AS category, t.name AS name, t.id AS technology, 'HostingProvider' IN labels(t) AS hosting
ORDER BY hosting DESC, category, name
"""


@dataclass(frozen=True)
class Topic:
    at: str  # the timestamp, M:SS or H:MM:SS
    offset_s: int
    text: str
    technologies: list[str]  # the slugs of those it mentions
    listen: str | None  # the audio from the timestamp on, for an episode with audio


@dataclass(frozen=True)
class Reference:
    url: str
    domain: str
    note: str | None


@dataclass(frozen=True)
class Library:
    library: str  # its id
    name: str
    url: str


@dataclass(frozen=True)
class EpisodeDetails:
    id: str
    title: str
    date: str
    duration_s: int | None
    description: str
    url: str | None
    audio_url: str | None
    company: str | None  # the featured company's slug
    company_name: str | None
    guests: list[str]
    topics: list[Topic]  # in the order of their timestamps
    references: list[Reference]
    libraries: list[Library]
    stack: list[StackItem]  # the technologies this episode lists, as `stackgraph stack` orders them


def episode_details(store: GraphStore, episode: str) -> EpisodeDetails:
    """The episode with id (or title, any case) ``episode``: an UnknownName if there is none."""
    params = {"episode": resolve_episode(store, episode)}
    [row] = store.run(EPISODE, params)
    topics = [Topic(clock(t["offset_s"]), t["offset_s"], t["text"], t["technologies"],
                    listen_link(row["audio_url"], t["offset_s"])) for t in store.run(TOPICS, params)]
    return EpisodeDetails(
        **row, topics=topics,
        references=[Reference(**reference) for reference in store.run(REFERENCES, params)],
        libraries=[Library(**library) for library in store.run(LIBRARIES, params)],
        stack=[StackItem(**item) for item in store.run(STACK, params)],
    )

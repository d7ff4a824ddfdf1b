"""When a technology comes up: the episodes whose featured company uses it or whose topics mention it.

>>> [(t.date, t.company_name, t.in_stack, t.timestamps) for t in timeline(store, "redis")]   # no topics to stamp
[('2020-02-03', 'Acme', True, []), ('2020-02-04', 'Bolt', True, [])]

An episode loaded from a feed has its audio file: each timestamp then comes with a link that plays
the episode from there (``listen``), a media fragment on the audio URL.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.store import GraphStore
from queries.names import resolve_technology
from queries.profiles import take

# Each in the timeline's order, so that with a limit ({limit}) each returns only its first rows: the
# first of both together are among them.
IN_STACK = """
MATCH (e:Episode)-[:FEATURES]->(c:Company)-[u:USES]->(:Technology {{id: $technology}})
WHERE u.episode = e.id
RETURN DISTINCT e.id AS id, e.title AS title, e.date AS date, properties(e).audio_url AS audio_url, c.id AS company,
       c.name AS company_name
ORDER BY date, title {limit}
"""

IN_TOPICS = """
MATCH (e:Episode)-[:HAS_TOPIC]->(tp:Topic)-[:MENTIONS]->(:Technology {{id: $technology}})
OPTIONAL MATCH (e)-[:FEATURES]->(c:Company)
RETURN e.id AS id, e.title AS title, e.date AS date, properties(e).audio_url AS audio_url, c.id AS company,
       c.name AS company_name,
       collect(DISTINCT tp.offset_s) AS offsets
ORDER BY date, title {limit}
"""


def clock(seconds: int) -> str:
    """A topic offset as the listing writes it: M:SS, or H:MM:SS from an hour on.

    >>> clock(1109), clock(3725)
    ('18:29', '1:02:05')
    """
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def listen_link(audio_url: str | None, offset_s: int) -> str | None:
    """The audio file played from ``offset_s`` (a W3C media fragment); None without an audio file.

    >>> listen_link("https://example.com/17.mp3", 1109), listen_link("https://example.com/17.mp3#t=5", 60)
    ('https://example.com/17.mp3#t=1109', 'https://example.com/17.mp3#t=60')
    >>> listen_link(None, 1109) is None
    True
    """
    if not audio_url:
        return None
    return f"{audio_url.partition('#')[0]}#t={int(offset_s)}"


@dataclass(frozen=True)
class Appearance:
    date: str
    episode: str
    company: str | None  # the featured company's slug
    company_name: str | None
    in_stack: bool
    timestamps: list[str]  # topics mentioning it, in order
    listen: list[str]  # the audio at each timestamp; empty when the episode has no audio file


def timeline(store: GraphStore, technology: str, *, limit: int | None = None) -> list[Appearance]:
    """Episodes in date order (then title) that bring up ``technology``, by stack or by topic."""
    slug = resolve_technology(store, technology)
    take([], limit)  # a negative limit is an error before any query
    params = {"technology": slug, "limit": limit}
    cut = "" if limit is None else "LIMIT $limit"
    episodes: dict[str, dict] = {}
    for row in store.run(IN_STACK.format(limit=cut), params):
        episodes[row["id"]] = {**row, "in_stack": True, "offsets": []}
    for row in store.run(IN_TOPICS.format(limit=cut), params):
        episode = episodes.setdefault(row["id"], {**row, "in_stack": False})
        episode["offsets"] = row["offsets"]
        if not episode["company"]:
            episode["company"], episode["company_name"] = row["company"], row["company_name"]
    result = []
    for e in episodes.values():
        offsets = sorted(e["offsets"])
        links = [link for s in offsets if (link := listen_link(e["audio_url"], s))]
        result.append(Appearance(e["date"], e["title"], e["company"], e["company_name"], e["in_stack"],
                                 [clock(s) for s in offsets], links))
    result.sort(key=lambda a: (a.date, a.episode))
    return take(result, limit)

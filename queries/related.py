"""What a technology touches in the graph, grouped by relationship and category, with evidence.

Three kinds of neighbour:

* ``USES`` — a company whose stack has it (evidence: the episode);
* ``HOSTED_ON`` — a company running on it, for a hosting provider (evidence: the episode);
* ``MENTIONED_WITH`` — another technology named in the same topic line
  (evidence: the episode, the topic timestamp and the topic text, and ``listen``, the episode's
  audio from that timestamp, when it was loaded from a feed).

>>> for r in related(store, "redis"):      # the tiny listing has no topic lines: no MENTIONED_WITH
...     print(r.relationship, r.neighbour, r.episode, r.date)
USES Acme Acme Is a Rocket Shop 2020-02-03
USES Bolt Bolt Is a Bike Shop 2020-02-04
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.store import GraphStore
from queries.names import resolve_technology
from queries.profiles import take
from queries.timeline import clock, listen_link

COMPANIES = """
MATCH (c:Company)-[r:{type}]->(:Technology {{id: $technology}})
OPTIONAL MATCH (e:Episode {{id: r.episode}})
RETURN DISTINCT c.name AS neighbour, e.title AS episode, e.date AS date
"""

MENTIONED_WITH = """
MATCH (e:Episode)-[:HAS_TOPIC]->(tp:Topic)-[:MENTIONS]->(t:Technology {id: $technology})
MATCH (tp)-[:MENTIONS]->(o:Technology)
WHERE o.id <> t.id
RETURN o.name AS neighbour, o.category AS category, e.title AS episode, e.date AS date,
       tp.offset_s AS offset_s, tp.text AS text, properties(e).audio_url AS audio_url
"""


@dataclass(frozen=True)
class Related:
    relationship: str
    category: str  # "company", or the neighbouring technology's category
    neighbour: str
    episode: str | None
    date: str | None
    at: str | None  # topic timestamp, M:SS or H:MM:SS
    text: str | None
    listen: str | None  # the audio from the timestamp on, for topic evidence of an episode with audio


def related(store: GraphStore, technology: str, *, limit: int | None = None) -> list[Related]:
    """Neighbours of ``technology``, ordered by relationship, category, neighbour, date and timestamp."""
    slug = resolve_technology(store, technology)
    rows: list[tuple[Related, int]] = []
    for kind in ("USES", "HOSTED_ON"):  # a fixed list: no type comes from the user
        for row in store.run(COMPANIES.format(type=kind), {"technology": slug}):
            rows.append((Related(kind, "company", row["neighbour"], row["episode"], row["date"], None, None, None), -1))
    for row in store.run(MENTIONED_WITH, {"technology": slug}):
        rows.append((
            Related("MENTIONED_WITH", row["category"] or "other", row["neighbour"], row["episode"], row["date"],
                    clock(row["offset_s"]), row["text"], listen_link(row["audio_url"], row["offset_s"])),
            row["offset_s"],
        ))
    rows.sort(key=lambda pair: (pair[0].relationship, pair[0].category, pair[0].neighbour.lower(),
                                pair[0].date or "", pair[1], pair[0].text or ""))
    return take([r for r, _ in rows], limit)

"""Full-text search of what was said: topic lines, episode titles and descriptions.

Each store searches its own full-text indexes (FalkorDB's RediSearch-backed ones, Neo4j's Lucene
ones); the user's text reaches them as a parameter, turned into the index's query syntax by the
store's dialect, so phrases ("database migrations"), several words (all required) and any case
work, and characters the syntax treats specially are only text. Hits are ranked by the store's
score.

>>> [(hit.kind, hit.company_name) for hit in search(store, "bike")]
[('episode', 'Bolt')]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graph.store import GraphStore
from queries.evidence import AUDIO_URL
from queries.profiles import take
from queries.timeline import clock

# What a hit returns, per indexed label (labels of the schema's ``fulltext``, never user input).
_HITS = {
    "Topic": f"""
MATCH (e:Episode)-[:HAS_TOPIC]->(node)
OPTIONAL MATCH (e)-[:FEATURES]->(c:Company)
RETURN 'topic' AS kind, score, c.id AS company, c.name AS company_name, e.title AS episode, e.date AS date,
       node.offset_s AS offset_s, node.text AS text, {AUDIO_URL}
""",
    "Episode": f"""
WITH node AS e, score
OPTIONAL MATCH (e)-[:FEATURES]->(c:Company)
RETURN 'episode' AS kind, score, c.id AS company, c.name AS company_name, e.title AS episode, e.date AS date,
       null AS offset_s, coalesce(e.description, e.title) AS text, {AUDIO_URL}
""",
}


@dataclass(frozen=True)
class Hit:
    """A topic line (``at`` its timestamp) or an episode, matched in its title or its description
    (``text``, the description)."""

    kind: str
    score: float
    company: str | None  # the slug
    company_name: str | None
    episode: str
    date: str
    at: str | None
    text: str
    audio_url: str | None


def search(store: GraphStore, text: str, *, limit: int | None = None) -> list[Hit]:
    """What matches ``text``, best score first (ties: oldest episode, earliest timestamp).

    Raises ValueError when ``text`` has no word to look for.
    """
    query = store.dialect.fulltext_query(text)
    rows: list[dict[str, Any]] = []
    for label, hits in _HITS.items():
        statement = store.dialect.fulltext_search(label) + hits
        if limit is not None:
            statement += " ORDER BY score DESC LIMIT $limit"
        rows += store.run(statement, {"query": query, "limit": limit})
    rows.sort(key=lambda row: (-row["score"], row["date"], row["offset_s"] if row["offset_s"] is not None else -1))
    return take([Hit(row["kind"], float(row["score"]), row["company"], row["company_name"], row["episode"], row["date"],
                     None if row["offset_s"] is None else clock(row["offset_s"]), row["text"], row["audio_url"])
                 for row in rows], limit)

"""Where a decision is said: the company, the episode, the topic's timestamp and text (or the
description's sentence), the audio.

Shared by the decision questions (queries/alternatives.py, queries/why.py): each matches its
decisions as ``d`` and appends :data:`EVIDENCE`, which returns the evidence columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from queries.timeline import clock

# The evidence is a topic line, or the episode itself when its description says it (in the
# sentence STATES keeps); ``e`` is the episode either way.
EVIDENCE = """
MATCH (c:Company)-[:MADE]->(d)
MATCH (source)-[s:STATES]->(d)
OPTIONAL MATCH (owner:Episode)-[:HAS_TOPIC]->(source)
WITH *, coalesce(owner, source) AS e
"""

# Only feeds give an episode its audio_url, only a description's decision has a sentence: read
# from properties(), they are missing map keys, not properties Neo4j warns are unknown.
AUDIO_URL = "properties(e).audio_url AS audio_url"

EVIDENCE_COLUMNS = ("c.id AS company, c.name AS company_name, e.title AS episode, e.date AS date, "
                    "CASE WHEN owner IS NULL THEN null ELSE source.offset_s END AS offset_s, "
                    "coalesce(properties(s).sentence, source.text) AS text, d.planned AS planned, " + AUDIO_URL)


@dataclass(frozen=True)
class Evidence:
    """One statement of a decision; ``audio_url`` is the episode's audio, where a feed gave it."""

    company: str  # the slug
    company_name: str
    episode: str
    date: str
    at: str | None  # the topic's timestamp, M:SS or H:MM:SS; None for a description
    text: str
    planned: bool
    audio_url: str | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Evidence:
        return cls(row["company"], row["company_name"], row["episode"], row["date"], timestamp(row["offset_s"]), row["text"],
                   bool(row["planned"]), row["audio_url"])


def timestamp(offset_s: int | None) -> str | None:
    """A topic's timestamp; None for what an episode's description says."""
    return None if offset_s is None else clock(offset_s)


def chronological(row: dict[str, Any]) -> tuple[str, int, str]:
    """Sort key of an evidence row: oldest episode first, its description first, then by timestamp."""
    return (row["date"], -1 if row["offset_s"] is None else row["offset_s"], row["company"])

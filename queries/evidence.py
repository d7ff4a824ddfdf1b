"""Where a decision is said: the company, the episode, the topic's timestamp and text, the audio.

Shared by the decision questions (queries/alternatives.py, queries/why.py): each matches its
decisions as ``d`` and appends :data:`EVIDENCE`, which returns the evidence columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from queries.timeline import clock

EVIDENCE = """
MATCH (c:Company)-[:MADE]->(d)
MATCH (e:Episode)-[:HAS_TOPIC]->(tp:Topic)-[:STATES]->(d)
"""

# Only feeds give an episode its audio_url: read from properties(), it is a missing map key where
# no feed was loaded, not a property Neo4j warns is unknown.
AUDIO_URL = "properties(e).audio_url AS audio_url"

EVIDENCE_COLUMNS = ("c.name AS company, e.title AS episode, e.date AS date, tp.offset_s AS offset_s, "
                    f"tp.text AS text, d.planned AS planned, {AUDIO_URL}")


@dataclass(frozen=True)
class Evidence:
    """One statement of a decision; ``audio_url`` is the episode's audio, where a feed gave it."""

    company: str
    episode: str
    date: str
    at: str  # the topic's timestamp, M:SS or H:MM:SS
    text: str
    planned: bool
    audio_url: str | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Evidence:
        return cls(row["company"], row["episode"], row["date"], clock(row["offset_s"]), row["text"],
                   bool(row["planned"]), row["audio_url"])


def chronological(row: dict[str, Any]) -> tuple[str, int, str]:
    """Sort key of an evidence row: oldest episode first, then by timestamp."""
    return (row["date"], row["offset_s"], row["company"])

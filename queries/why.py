"""Why companies chose a technology: the motivations and decisions that explain it, oldest first.

Every decision that chose it counts: a stated motivation ("Motivation for using Phoenix"), a
choice over another ("AWS over Google Cloud") and a move to it ("Switching from Apache to
nginx"), planned moves marked. Comparisons without a winner explain no choice and are left out.

>>> from loaders.pipeline import load_listings
>>> listing = tmp_path / "why.txt"
>>> _ = listing.write_text("Feb 3, 2020 • 47min\\nAcme Is a Rocket Shop\\n"
...     "In this episode of Running in Production, Ann Lee goes over building Acme.\\n"
...     "Topics Include\\n2:41 – Motivation for using Elixir\\n", encoding="utf-8")
>>> with open_store("falkordb", path=tmp_path / "why-example") as acme:
...     _ = load_listings([listing], acme)
...     [(r.kind, r.company_name, r.at, r.text) for r in why(acme, "elixir")]
[('motivation', 'Acme', '2:41', 'Motivation for using Elixir')]
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.store import GraphStore
from queries.evidence import EVIDENCE, EVIDENCE_COLUMNS, chronological, timestamp
from queries.names import resolve_technology
from queries.profiles import take

WHY = f"""
MATCH (d:Decision)-[:CHOSE]->(:Technology {{id: $technology}})
{EVIDENCE}
OPTIONAL MATCH (d)-[:OVER]->(other:Technology)
RETURN d.kind AS kind, other.id AS over, other.name AS over_name, {EVIDENCE_COLUMNS}
"""


@dataclass(frozen=True)
class Reason:
    """One decision that chose the technology; ``over`` is the rejected or previous one, if any."""

    kind: str
    over: str | None  # the other technology's slug
    over_name: str | None
    planned: bool
    company: str  # the slug
    company_name: str
    episode: str
    date: str
    at: str | None  # None: the episode's description says it
    text: str
    audio_url: str | None


def why(store: GraphStore, technology: str, *, limit: int | None = None) -> list[Reason]:
    """The decisions that chose ``technology`` (name, slug or alias), oldest episode first, then by timestamp."""
    rows = sorted(store.run(WHY, {"technology": resolve_technology(store, technology)}),
                  key=lambda row: (*chronological(row), row["over_name"] or ""))
    reasons = [Reason(row["kind"], row["over"], row["over_name"], bool(row["planned"]), row["company"],
                      row["company_name"], row["episode"], row["date"],
                      timestamp(row["offset_s"]), row["text"], row["audio_url"]) for row in rows]
    return take(reasons, limit)

"""What companies weighed against a technology, and which way they went, with the evidence.

Grouped by the other technology and the way, from the technology's side:

* ``chose_over`` — chose it over the other;
* ``lost_to`` — chose the other over it;
* ``moved_from`` — moved from the other to it;
* ``moved_to`` — moved from it to the other;
* ``compared`` — compared the two, no winner stated.

>>> from loaders.pipeline import load_listings
>>> listing = tmp_path / "moves.txt"
>>> _ = listing.write_text("Feb 3, 2020 • 47min\\nAcme Is a Rocket Shop\\n"
...     "In this episode of Running in Production, Ann Lee goes over building Acme.\\n"
...     "Topics Include\\n1:05 – Switching from Apache to nginx\\n", encoding="utf-8")
>>> with open_store("falkordb", path=tmp_path / "alternatives-example") as acme:
...     _ = load_listings([listing], acme)
...     [(a.name, a.way, a.company_names, a.evidence[0].at) for a in alternatives(acme, "nginx")]
[('Apache HTTP Server', 'moved_from', ['Acme'], '1:05')]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graph.store import GraphStore
from queries.evidence import EVIDENCE, EVIDENCE_COLUMNS, Evidence, chronological
from queries.names import resolve_technology
from queries.profiles import take

ALTERNATIVES = f"""
MATCH (d:Decision)-[r:CHOSE|OVER|WEIGHED]->(:Technology {{id: $technology}})
MATCH (d)-[:CHOSE|OVER|WEIGHED]->(other:Technology)
WHERE other.id <> $technology
{EVIDENCE}
RETURN other.id AS technology, other.name AS name, d.kind AS kind, type(r) AS role, {EVIDENCE_COLUMNS}
"""

# (decision kind, the technology's part in it) -> the way, from the technology's side.
WAYS = {
    ("chose_over", "CHOSE"): "chose_over",
    ("chose_over", "OVER"): "lost_to",
    ("moved_from", "CHOSE"): "moved_from",
    ("moved_from", "OVER"): "moved_to",
    ("compared", "WEIGHED"): "compared",
}
_WAY_ORDER = {way: index for index, way in enumerate(dict.fromkeys(WAYS.values()))}


@dataclass(frozen=True)
class Alternative:
    """One other technology and one way the decisions between the two went."""

    technology: str  # the other technology's slug
    name: str
    way: str
    companies: int
    company_names: list[str]
    evidence: list[Evidence]


def alternatives(store: GraphStore, technology: str, *, limit: int | None = None) -> list[Alternative]:
    """The technologies weighed against ``technology`` (name, slug or alias): the groups with the
    most companies first, then by name and way; each group's evidence oldest first."""
    slug = resolve_technology(store, technology)
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in store.run(ALTERNATIVES, {"technology": slug}):
        groups.setdefault((row["technology"], WAYS[(row["kind"], row["role"])]), []).append(row)
    found = []
    for (other, way), rows in groups.items():
        rows.sort(key=chronological)
        names = list(dict.fromkeys(row["company_name"] for row in rows))
        found.append(Alternative(other, rows[0]["name"] or other, way, len(names), names,
                                 [Evidence.from_row(row) for row in rows]))
    found.sort(key=lambda a: (-a.companies, a.name.lower(), _WAY_ORDER[a.way]))
    return take(found, limit)

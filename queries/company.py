"""A company as a page shows it: its stack, the episodes that feature it, its guests and website.

>>> profile = company_profile(store, "acme")
>>> profile.name, profile.website, profile.guests, [e.title for e in profile.episodes]
('Acme', None, ['Ann Lee'], ['Acme Is a Rocket Shop'])
>>> [item.technology for item in profile.stack]
['redis', 'postgres', 'rails']
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.store import GraphStore
from queries.names import resolve_company
from queries.stack import StackItem, company_stack

COMPANY = """
MATCH (c:Company {id: $company})
OPTIONAL MATCH (p:Person)-[:WORKS_ON]->(c)
WITH c, p ORDER BY p.name
RETURN c.id AS company, c.name AS name, properties(c).website AS website, collect(DISTINCT p.name) AS guests
"""

EPISODES = """
MATCH (e:Episode)-[:FEATURES]->(:Company {id: $company})
RETURN e.id AS id, e.title AS title, e.date AS date
ORDER BY date, id
"""


@dataclass(frozen=True)
class EpisodeSummary:
    id: str
    title: str
    date: str


@dataclass(frozen=True)
class CompanyProfile:
    company: str  # its slug
    name: str
    website: str | None
    guests: list[str]  # who spoke for it, by name
    episodes: list[EpisodeSummary]  # that feature it, oldest first
    stack: list[StackItem]  # as `stackgraph stack` lists it


def company_profile(store: GraphStore, company: str) -> CompanyProfile:
    """The company named ``company`` (name or slug, any case): an UnknownName if none is."""
    slug = resolve_company(store, company)
    [row] = store.run(COMPANY, {"company": slug})
    episodes = [EpisodeSummary(**episode) for episode in store.run(EPISODES, {"company": slug})]
    return CompanyProfile(row["company"], row["name"] or row["company"], row["website"], row["guests"], episodes,
                          company_stack(store, slug))

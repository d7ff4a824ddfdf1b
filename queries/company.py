"""A company as its page shows it, beside its stack: website, episodes, guests, hosting providers.

>>> found = company(store, "ACME")
>>> found.name, found.episodes, found.guests, found.hosted_on
('Acme', [('2020-02-03-acme-is-a-rocket-shop', 'Acme Is a Rocket Shop', '2020-02-03')], [('ann-lee', 'Ann Lee')], [])
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.store import GraphStore
from queries.names import resolve_company

HEADER = """
MATCH (c:Company {id: $company})
RETURN c.name AS name, properties(c).website AS website
"""

EPISODES = """
MATCH (e:Episode)-[:FEATURES]->(:Company {id: $company})
RETURN e.id AS id, e.title AS title, e.date AS date ORDER BY date, title
"""

GUESTS = """
MATCH (p:Person)-[:WORKS_ON]->(:Company {id: $company})
RETURN p.id AS id, p.name AS name ORDER BY name, id
"""

# From the stack and from "hosted on X" phrases alike.
HOSTED_ON = """
MATCH (:Company {id: $company})-[:HOSTED_ON]->(h:HostingProvider)
RETURN DISTINCT h.id AS id, coalesce(h.name, h.id) AS name ORDER BY name
"""


@dataclass(frozen=True)
class Company:
    id: str  # its slug
    name: str
    website: str | None
    episodes: list[tuple[str, str, str]]  # (id, title, date), oldest first
    guests: list[tuple[str, str]]  # (slug, name)
    hosted_on: list[tuple[str, str]]  # (slug, name) of its hosting providers


def company(store: GraphStore, name: str) -> Company:
    """The company ``name`` names (its name or slug, any case)."""
    key = resolve_company(store, name)
    params = {"company": key}
    [head] = store.run(HEADER, params)
    return Company(
        key, head["name"] or key, head["website"],
        [(row["id"], row["title"], row["date"]) for row in store.run(EPISODES, params)],
        [(row["id"], row["name"]) for row in store.run(GUESTS, params)],
        [(row["id"], row["name"]) for row in store.run(HOSTED_ON, params)],
    )

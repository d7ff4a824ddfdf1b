"""Where the companies using a technology run: hosting providers, counted.

>>> hosting(store, "postgres")        # no shop of the tiny listing names a hosting provider
[]
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.store import GraphStore
from queries.names import resolve_technology
from queries.profiles import take

HOSTING = """
MATCH (c:Company)-[:USES]->(:Technology {id: $technology})
WITH DISTINCT c
MATCH (c)-[:HOSTED_ON]->(h:HostingProvider)
RETURN h.id AS provider, h.name AS name, collect(DISTINCT c.name) AS names
"""


@dataclass(frozen=True)
class Hosting:
    name: str
    provider: str  # its slug
    companies: int
    company_names: list[str]


def hosting(store: GraphStore, technology: str, *, limit: int | None = None) -> list[Hosting]:
    """Hosting providers of the companies using ``technology``, most companies first, then by name.

    A company on two providers counts under each.
    """
    rows = store.run(HOSTING, {"technology": resolve_technology(store, technology)})
    result = [
        Hosting(row["name"] or row["provider"], row["provider"], len(row["names"]), sorted(row["names"], key=str.lower))
        for row in rows
    ]
    result.sort(key=lambda h: (-h.companies, h.name.lower(), h.provider))
    return take(result, limit)


COMPANY_HOSTING = """
MATCH (:Company {id: $company})-[:HOSTED_ON]->(h:HostingProvider)
RETURN DISTINCT h.id AS provider, coalesce(h.name, h.id) AS name ORDER BY name, provider
"""


def company_hosting(store: GraphStore, company: str) -> list[tuple[str, str]]:
    """(slug, name) of the hosting providers the company with slug ``company`` runs on, from its stack
    and from "hosted on X" phrases alike.

    >>> company_hosting(store, "acme")
    []
    """
    return [(row["provider"], row["name"]) for row in store.run(COMPANY_HOSTING, {"company": company})]

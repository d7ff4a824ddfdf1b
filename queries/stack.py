"""What a company runs: its technologies grouped by category, hosting providers first.

>>> [(item.category, item.name) for item in company_stack(store, "Acme")]   # no hosting provider
[('cache', 'Redis'), ('database', 'PostgreSQL'), ('framework', 'Ruby on Rails')]
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.store import GraphStore
from queries.names import resolve_company

STACK = """
MATCH (c:Company {id: $company})-[:USES]->(t:Technology)
RETURN t.category AS category, t.name AS name, t.id AS technology, 'HostingProvider' IN labels(t) AS hosting
ORDER BY hosting DESC, category, name
"""


@dataclass(frozen=True)
class StackItem:
    category: str
    name: str
    technology: str  # its slug
    hosting: bool


def company_stack(store: GraphStore, company: str) -> list[StackItem]:
    """The stack of the company named ``company`` (name or slug, any case)."""
    rows = store.run(STACK, {"company": resolve_company(store, company)})
    return [StackItem(**row) for row in rows]

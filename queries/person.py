"""A person: the episodes they appeared on, the companies they work on, the podcasts they host.

>>> found = person(store, "Ann Lee")
>>> found.name, found.episodes, found.companies
('Ann Lee', [('2020-02-03-acme-is-a-rocket-shop', 'Acme Is a Rocket Shop', '2020-02-03')], [('acme', 'Acme')])
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.store import GraphStore
from queries.names import resolve_person

NAME = "MATCH (p:Person {id: $person}) RETURN p.name AS name"

EPISODES = """
MATCH (:Person {id: $person})-[:APPEARED_ON]->(e:Episode)
RETURN e.id AS id, e.title AS title, e.date AS date ORDER BY date, title
"""

COMPANIES = """
MATCH (:Person {id: $person})-[:WORKS_ON]->(c:Company)
RETURN c.id AS id, c.name AS name ORDER BY name, id
"""

PODCASTS = """
MATCH (:Person {id: $person})-[:HOSTS]->(p:Podcast)
RETURN p.name AS name ORDER BY name
"""


@dataclass(frozen=True)
class Person:
    id: str  # its slug
    name: str
    episodes: list[tuple[str, str, str]]  # (id, title, date), oldest first
    companies: list[tuple[str, str]]  # (slug, name)
    hosts: list[str]  # podcast names


def person(store: GraphStore, name: str) -> Person:
    """The person ``name`` names (their name or slug, any case)."""
    key = resolve_person(store, name)
    params = {"person": key}
    [head] = store.run(NAME, params)
    return Person(
        key, head["name"] or key,
        [(row["id"], row["title"], row["date"]) for row in store.run(EPISODES, params)],
        [(row["id"], row["name"]) for row in store.run(COMPANIES, params)],
        [row["name"] for row in store.run(PODCASTS, params)],
    )

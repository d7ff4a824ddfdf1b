"""Technologies by name: those a search box finds, and what the graph knows of one.

>>> [(t.name, t.companies) for t in find_technologies(store, "re")]   # names and slugs starting "re"
[('Redis', 2)]
>>> find_technologies(store, "PostgreSQL")[0].technology, find_technologies(store, "pg")[0].technology  # an alias
('postgres', 'postgres')
>>> profile = technology_profile(store, "postgresql")
>>> profile.technology, profile.category, profile.aliases, profile.companies
('postgres', 'database', ['pg', 'postgresql', 'psql'], 3)
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.catalog import Catalog
from domain.slug import slugify
from graph.store import GraphStore
from queries.names import resolve_technology
from queries.profiles import take

# $prefix '' matches every technology. No regex: STARTS WITH on the lowered name and the slug.
FIND = """
MATCH (t:Technology)
WHERE t.id IN $exact OR toLower(t.name) STARTS WITH $prefix OR t.id STARTS WITH $prefix
RETURN t.id AS technology, t.name AS name, t.category AS category, size([(t)<-[:USES]-() | 1]) AS companies
"""

PROFILE = """
MATCH (t:Technology {id: $technology})
RETURN t.id AS technology, t.name AS name, t.category AS category, properties(t).homepage AS homepage,
       'HostingProvider' IN labels(t) AS hosting, size([(t)<-[:USES]-() | 1]) AS companies
"""


@dataclass(frozen=True)
class TechnologyMatch:
    name: str
    technology: str  # its slug
    category: str
    companies: int  # how many use it


@dataclass(frozen=True)
class TechnologyProfile:
    technology: str  # its slug
    name: str
    category: str
    aliases: list[str]  # the catalog's other spellings
    homepage: str | None  # where a feed's stack entry links to, when one did
    hosting: bool  # a hosting provider some company runs on
    companies: int  # how many use it


def find_technologies(store: GraphStore, text: str, *, limit: int | None = None,
                      catalog: Catalog | None = None) -> list[TechnologyMatch]:
    """Technologies whose name or slug starts with ``text`` (any case), or that ``text`` names exactly
    (an alias too); the one named exactly first, then the most used, then by name. Empty text: all."""
    catalog = catalog or Catalog.default()
    entry = catalog.resolve(text) if text.strip() else None
    exact = [slug for slug in dict.fromkeys([entry.slug if entry else "", slugify(text)]) if slug]
    rows = store.run(FIND, {"exact": exact, "prefix": text.strip().lower()})
    matches = [TechnologyMatch(row["name"] or row["technology"], row["technology"], row["category"] or "other",
                               row["companies"]) for row in rows]
    matches.sort(key=lambda m: (m.technology not in exact, -m.companies, m.name.lower(), m.technology))
    return take(matches, limit)


def technology_profile(store: GraphStore, technology: str, catalog: Catalog | None = None) -> TechnologyProfile:
    """The technology named ``technology`` (name, slug or alias, any case): an UnknownName if none is."""
    catalog = catalog or Catalog.default()
    [row] = store.run(PROFILE, {"technology": resolve_technology(store, technology, catalog)})
    entry = catalog.by_slug(row["technology"])
    return TechnologyProfile(row["technology"], row["name"] or row["technology"], row["category"] or "other",
                             sorted(entry.aliases) if entry else [], row["homepage"], bool(row["hosting"]),
                             row["companies"])

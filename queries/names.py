"""Find the node a user means by a name: display name, slug or alias, any case.

>>> resolve_technology(store, "PostgreSQL")
'postgres'
>>> resolve_technology(store, "elixr")
Traceback (most recent call last):
...
queries.names.UnknownName: no technology named 'elixr' in the store; did you mean 'Elixir'?
"""

from __future__ import annotations

import contextlib
import difflib
from dataclasses import dataclass
from typing import Callable

from graph.store import GraphStore
from domain.catalog import Catalog
from domain.slug import slugify


class UnknownName(LookupError):
    """No node has that name; ``suggestions`` holds the closest names the store does have."""

    def __init__(self, kind: str, name: str, suggestions: list[str]):
        self.kind, self.name, self.suggestions = kind, name, suggestions
        hint = f"; did you mean {', '.join(repr(s) for s in suggestions)}?" if suggestions else ""
        super().__init__(f"no {kind} named {name!r} in the store{hint}")


def _resolve(store: GraphStore, label: str, kind: str, name: str, candidates: list[str], suggest: bool) -> str:
    # An id match wins over a name match, so look ids up first: an index seek, not a scan of every name.
    by_id = {row["id"] for row in store.run(f"MATCH (n:{label}) WHERE n.id IN $candidates RETURN n.id AS id",
                                            {"candidates": candidates})}
    if by_id:
        return next(c for c in candidates if c in by_id)
    rows = store.run(
        f"MATCH (n:{label}) WHERE n.id IN $candidates OR toLower(n.name) = $lowered RETURN n.id AS id ORDER BY id",
        {"candidates": candidates, "lowered": name.strip().lower()},
    )
    if rows:
        by_id = {row["id"] for row in rows}
        return next((c for c in candidates if c in by_id), rows[0]["id"])
    if not suggest:
        raise UnknownName(kind, name, [])
    known = store.run(f"MATCH (n:{label}) RETURN n.name AS name, n.id AS id")
    raise UnknownName(kind, name, _suggest(name, [(row["name"], row["id"]) for row in known]))


def _suggest(name: str, known: list[tuple[str | None, ...]]) -> list[str]:
    """Up to five things whose spellings (display name first, then id) come close to ``name``, closest
    first, each once and by its first spelling; compared without case. A spelling that holds the
    whole of a name of three letters or more comes close too: "gorails" finds the episode
    "Learn Ruby on Rails through Screencast Tutorials on GoRails"."""
    wanted = name.strip().lower()
    scored = []
    for spellings in known:
        present = [str(s) for s in spellings if s]
        if present:
            score = max(_closeness(wanted, s.lower()) for s in present)
            if score >= 0.6:
                scored.append((-score, present[0]))
    return list(dict.fromkeys(shown for _, shown in sorted(scored)))[:5]


def _closeness(wanted: str, spelling: str) -> float:
    similar = difflib.SequenceMatcher(None, wanted, spelling).ratio()
    return max(similar, 0.6) if len(wanted) >= 3 and wanted in spelling else similar


def resolve_technology(store: GraphStore, name: str, catalog: Catalog | None = None, *, suggest: bool = True) -> str:
    """The id of the Technology a user names, through the catalog's aliases.

    An UnknownName suggests close names unless ``suggest`` is false (finding them reads every name).
    """
    catalog = catalog or Catalog.default()
    entry = catalog.resolve(name)
    candidates = [c for c in (entry.slug if entry else None, slugify(name), name.strip().lower()) if c]
    return _resolve(store, "Technology", "technology", name, list(dict.fromkeys(candidates)), suggest)


def resolve_company(store: GraphStore, name: str, *, suggest: bool = True) -> str:
    """The id of the Company a user names (its name or slug, any case)."""
    return _resolve(store, "Company", "company", name, [slugify(name)], suggest)


def resolve_person(store: GraphStore, name: str, *, suggest: bool = True) -> str:
    """The id of the Person a user names (their name or slug, any case)."""
    return _resolve(store, "Person", "person", name, [slugify(name)], suggest)


def resolve_episode(store: GraphStore, name: str, *, suggest: bool = True) -> str:
    """The id of the Episode a user names: its id, or its title in any case."""
    rows = store.run(
        "MATCH (e:Episode) WHERE e.id = $name OR toLower(e.title) = $lowered RETURN e.id AS id ORDER BY id",
        {"name": name.strip(), "lowered": name.strip().lower()},
    )
    if rows:
        return rows[0]["id"]
    if not suggest:
        raise UnknownName("episode", name, [])
    known = store.run("MATCH (e:Episode) RETURN e.title AS title, e.id AS id")
    raise UnknownName("episode", name, _suggest(name, [(row["title"], row["id"]) for row in known]))


def resolve_category(store: GraphStore, name: str) -> str:
    """A technology category the store has, named in any case; else an UnknownName with the close ones.

    >>> resolve_category(store, "Cache")
    'cache'
    >>> resolve_category(store, "cach")
    Traceback (most recent call last):
    ...
    queries.names.UnknownName: no category named 'cach' in the store; did you mean 'cache'?
    """
    rows = store.run("MATCH (t:Technology) RETURN DISTINCT t.category AS category")
    categories = sorted(row["category"] for row in rows if row["category"])
    if name.strip().lower() in categories:
        return name.strip().lower()
    raise UnknownName("category", name, _suggest(name, [(c,) for c in categories]))


# The kinds a user may name, in the order a bare name is tried; the label is ours, never the user's.
KINDS: dict[str, tuple[str, Callable[..., str]]] = {
    "company": ("Company", resolve_company),
    "technology": ("Technology", lambda store, name, **options: resolve_technology(store, name, **options)),
    "person": ("Person", resolve_person),
    "episode": ("Episode", resolve_episode),
}


class UnknownKind(LookupError):
    """A ``kind:name`` whose kind is none of KINDS."""

    def __init__(self, kind: str):
        super().__init__(f"no kind of thing called {kind!r}; prefix one of: {', '.join(KINDS)} (e.g. technology:elixir)")


@dataclass(frozen=True)
class Entity:
    kind: str
    label: str
    id: str


def resolve_entity(store: GraphStore, name: str) -> Entity:
    """A company, technology, person or episode, tried in that order.

    Prefix the kind to choose when two kinds share a name: ``technology:logflare``.

    >>> resolve_entity(store, "acme")
    Entity(kind='company', label='Company', id='acme')
    >>> resolve_entity(store, "technology:Elixir")
    Entity(kind='technology', label='Technology', id='elixir')
    """
    prefix, sep, rest = name.partition(":")
    if sep and prefix.strip().lower() in KINDS:
        kind = prefix.strip().lower()
        label, resolve = KINDS[kind]
        return Entity(kind, label, resolve(store, rest))
    for kind, (label, resolve) in KINDS.items():
        with contextlib.suppress(UnknownName):
            return Entity(kind, label, resolve(store, name, suggest=False))
    if sep and prefix.strip().isalpha():  # a name may hold a colon; a word before one is meant as a kind
        raise UnknownKind(prefix.strip())
    # Close names only once no kind has the name: finding them reads every name of every kind.
    suggestions: list[str] = []
    for _, resolve in KINDS.values():
        try:
            resolve(store, name)
        except UnknownName as unknown:
            suggestions += unknown.suggestions
    raise UnknownName("company, technology, person or episode", name, list(dict.fromkeys(suggestions))[:5])

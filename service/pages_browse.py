"""The home page, search, the path between two things, and /go (a name to its page)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from queries.cooccurring import cooccurring_pairs
from queries.lookup import named_like
from queries.names import resolve_entity
from queries.path import Path, path
from queries.projection import stacks_version
from queries.search import search
from queries.technologies import find_technologies
from service.deps import Store
from service.pages_render import PageRoute, render, segment

router = APIRouter(route_class=PageRoute)

PAGES = {"company": "companies", "technology": "technologies", "person": "people", "episode": "episodes"}
NAME = Annotated[str, Query(max_length=300)]


def most_used_and_pairs(request: Request, store: Store) -> dict[str, Any]:
    """The home page's two tables, read again only when a load or a write may have changed the stacks:
    both walk every stack (seconds at 10k episodes)."""
    version = stacks_version(store)
    cached = getattr(request.app.state, "home_tables", None)
    if version is not None and cached is not None and cached[0] == version:
        return cached[1]
    tables = {"popular": find_technologies(store, "", limit=20), "pairs": cooccurring_pairs(store, min_count=2, limit=12)}
    request.app.state.home_tables = (version, tables)
    return tables


@router.get("/")
def home(request: Request, store: Store) -> HTMLResponse:
    return render("home.html", title="StackGraph", counts=store.counts(), **most_used_and_pairs(request, store))


@router.get("/search")
def search_page(store: Store, q: NAME = "") -> HTMLResponse:
    names, hits, problem = named_like(store, q, limit=10), [], None
    if q.strip():
        try:
            hits = search(store, q, limit=50)
        except ValueError as error:  # no word to look for in the topic text
            problem = str(error)
    return render("search.html", title=f"Search: {q}" if q.strip() else "Search", q=q, names=names, hits=hits,
                  problem=problem)


@router.get("/go")
def go(store: Store, name: NAME) -> RedirectResponse:
    """The page of the company, technology, person or episode ``name`` names (kinds tried in that order)."""
    entity = resolve_entity(store, name)
    return RedirectResponse(f"/{PAGES[entity.kind]}/{segment(entity.id)}", status_code=303)


def steps(found: Path) -> list[tuple[str, str, bool]]:
    """(relationship type, the next node's name, whether the relationship points forward) along a path,
    read from its chain.

    >>> steps(Path(2, "Elixir <-USES- Coil -USES-> PostgreSQL", ["Elixir", "Coil", "PostgreSQL"], ["USES", "USES"]))
    [('USES', 'Coil', False), ('USES', 'PostgreSQL', True)]
    """
    result, at = [], len(found.nodes[0])
    for kind, name in zip(found.relationships, found.nodes[1:]):
        forward = found.chain.startswith(f" -{kind}-> {name}", at)
        result.append((kind, name, forward))
        at += len(f" -{kind}-> {name}" if forward else f" <-{kind}- {name}")
    return result


@router.get("/path")
def path_page(store: Store, start: Annotated[str, Query(alias="from", max_length=300)] = "",
              end: Annotated[str, Query(alias="to", max_length=300)] = "") -> HTMLResponse:
    found = path(store, start, end, limit=20) if start.strip() and end.strip() else None
    return render("path.html", title="Path" if found is None else f"Path: {start} to {end}", start=start, end=end,
                  paths=[(p, steps(p)) for p in found or []], asked=found is not None)

"""/technologies/{slug}: who uses it, what goes with it, where they host, when it came up, and its
co-occurrence graph."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from queries.cooccurrence_graph import cooccurrence_graph
from queries.cooccurring import cooccurring
from queries.hosting import hosting
from queries.mentions import episode_ids, mentions
from queries.technologies import technology_profile
from queries.timeline import timeline
from queries.who_uses import who_uses
from service.deps import Store
from service.pages_render import PageRoute, render

router = APIRouter(route_class=PageRoute)

SHOWN = 200  # rows of a list on a page; the page says when there are more


@router.get("/technologies/{slug:path}")
def technology_page(store: Store, slug: str) -> HTMLResponse:
    found = technology_profile(store, slug)
    appearances = timeline(store, found.technology, limit=SHOWN)
    lines: dict[tuple[str, str], list] = {}
    for line in mentions(store, found.technology, limit=5 * SHOWN):
        lines.setdefault((line.date, line.title), []).append(line)
    users = who_uses(store, found.technology, limit=SHOWN)
    graph = cooccurrence_graph(store, found.technology)
    return render(
        "technology.html", title=found.name, technology=found, users=users, more_users=found.companies - len(users),
        together=cooccurring(store, found.technology, limit=25), hosts=hosting(store, found.technology, limit=25),
        appearances=appearances, lines=lines,
        episode_ids=episode_ids(store, [(a.date, a.episode) for a in appearances]),
        graph={"centre": found.technology, "nodes": [asdict(n) for n in graph.nodes], "edges": [asdict(e) for e in graph.edges]},
    )

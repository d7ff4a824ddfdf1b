"""/viz/{kind}: the interactive pages of ``stackgraph viz``, drawn in-process (they inline vis-network)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from queries.names import resolve_entity
from service.deps import Store
from service.pages_render import PageRoute, render

router = APIRouter(route_class=PageRoute)

KINDS = {"graph": "every node and relationship", "ego": "the neighbourhood of one thing",
         "cooccurrence": "technologies used together", "similar": "companies with overlapping stacks"}


@router.get("/viz")
def viz_index() -> HTMLResponse:
    return render("viz.html", title="Visualizations", kinds=KINDS, problem=None)


@router.get("/viz/{kind}")
def viz_page(store: Store, kind: str, around: Annotated[str, Query(max_length=300)] = "",
             depth: Annotated[int, Query(ge=1, le=5)] = 1, min_count: Annotated[int, Query(ge=1)] = 1,
             decisions: bool = False) -> HTMLResponse:
    if kind not in KINDS:
        return render("viz.html", 404, title="Visualizations", kinds=KINDS,
                      problem=f"no visualization called {kind!r}; choose one of: {', '.join(KINDS)}")
    if kind == "ego" and not around.strip():
        return render("viz.html", 422, title="Visualizations", kinds=KINDS,
                      problem="the ego page needs a name to draw around: /viz/ego?around=Logflare")
    from visualizations.networkx_export import store_graph  # networkx and pyvis: only for these pages
    from visualizations.pages import build_page, page_graph

    centre = resolve_entity(store, around) if kind == "ego" else None
    full = store_graph(store)
    shown, heading, weighted = page_graph(full, kind, f"{centre.label}:{centre.id}" if centre else None, depth,
                                          min_count, decisions and kind == "cooccurrence")
    return HTMLResponse(build_page(shown, full, heading, weighted))

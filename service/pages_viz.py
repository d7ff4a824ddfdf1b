"""/viz/{kind}: the interactive pages of ``stackgraph viz``, drawn in-process (they inline vis-network)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from queries.names import resolve_entity
from service.deps import Settings, Store
from service.pages_render import PageRoute, render

router = APIRouter(route_class=PageRoute)

KINDS = {"graph": "every node and relationship", "ego": "the neighbourhood of one thing",
         "cooccurrence": "technologies used together", "similar": "companies with overlapping stacks"}


@router.get("/viz")
def viz_index() -> HTMLResponse:
    return render("viz.html", title="Visualizations", kinds=KINDS, problem=None)


@router.get("/viz/{kind}")
def viz_page(store: Store, settings: Settings, kind: str, around: Annotated[str, Query(max_length=300)] = "",
             depth: Annotated[int, Query(ge=1, le=5)] = 1, min_count: Annotated[int, Query(ge=1)] = 1,
             decisions: bool = False) -> HTMLResponse:
    if kind not in KINDS:
        return render("viz.html", 404, title="Visualizations", kinds=KINDS,
                      problem=f"no visualization called {kind!r}; choose one of: {', '.join(KINDS)}")
    if kind == "ego" and not around.strip():
        return render("viz.html", 422, title="Visualizations", kinds=KINDS,
                      problem="the ego page needs a name to draw around: /viz/ego?around=Logflare")
    from visualizations.pages import TooManyNodes, draw_page, whole_graph_nodes  # networkx, pyvis: only here

    centre = resolve_entity(store, around) if kind == "ego" else None
    try:
        # Only the ego page reads just what it draws; the others read the whole graph first.
        if kind != "ego" and (nodes := whole_graph_nodes(store)) > settings.viz_max_read_nodes:
            raise TooManyNodes(f"the {kind} page reads the whole graph, which has {nodes} nodes, "
                               f"more than {settings.viz_max_read_nodes}")
        page, _ = draw_page(store, kind, f"{centre.label}:{centre.id}" if centre else None, depth, min_count,
                            decisions and kind == "cooccurrence", max_nodes=settings.viz_max_nodes)
    except TooManyNodes as error:
        return render("viz.html", 422, title="Visualizations", kinds=KINDS,
                      problem=f"{error}: draw a part of it instead, e.g. /viz/ego?around=NAME")
    return HTMLResponse(page)

"""GET /api/export?format=: the whole graph in the formats of ``stackgraph export``, as a download."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from graph import GraphStore
from service.deps import Store
from service.problems import RESPONSES

router = APIRouter(prefix="/api", tags=["export"], responses=RESPONSES)

# The formats of visualizations.networkx_export.EXPORT_FORMATS and visualizations.rdf_export.RDF_FORMATS
# (a test checks they agree), spelled out so that the schema lists them without importing rdflib.
ExportFormat = Literal["graphml", "gexf", "json", "turtle", "jsonld", "nt"]

# Each format's media type and file name extension.
DOWNLOADS: dict[str, tuple[str, str]] = {
    "graphml": ("application/graphml+xml", "graphml"),
    "gexf": ("application/gexf+xml", "gexf"),
    "json": ("application/json", "json"),
    "turtle": ("text/turtle", "ttl"),
    "jsonld": ("application/ld+json", "jsonld"),
    "nt": ("application/n-triples", "nt"),
}


def export_graph(store: GraphStore, fmt: str) -> str:
    """The store's graph as text in ``fmt``, as ``stackgraph export --format fmt`` writes it."""
    from visualizations.networkx_export import EXPORT_FORMATS, export_text, store_graph

    graph = store_graph(store)
    if fmt in EXPORT_FORMATS:
        return export_text(graph, fmt)
    from visualizations.rdf_export import export_rdf, networkx_to_rdf

    return export_rdf(networkx_to_rdf(graph), fmt)


@router.get("/export", response_class=Response,
            responses={200: {"content": {media_type: {"schema": {} if media_type.endswith("json") else {"type": "string"}}
                                         for media_type, _ in DOWNLOADS.values()},
                             "description": "The graph as a file to save."}})
def export(store: Store, fmt: ExportFormat = Query(alias="format")) -> Response:
    """The whole graph as GraphML, GEXF, node-link JSON or RDF (Turtle, JSON-LD, N-Triples), as an attachment."""
    media_type, extension = DOWNLOADS[fmt]
    text = export_graph(store, fmt)
    return Response(text if text.endswith("\n") else text + "\n", media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="stackgraph.{extension}"'})

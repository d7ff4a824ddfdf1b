"""The web UI: server-rendered pages over the same queries as the API, and the assets it serves itself.

Nothing comes from a CDN: the CSS and scripts are service/static/, vis-network is the copy pyvis
ships, and the OpenAPI docs page (/docs) loads the Swagger UI files fastapi-offline ships.
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
import pyvis
from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from service import pages_browse, pages_company, pages_cypher, pages_episode, pages_technology, pages_viz
from service.pages_render import STATIC

VIS_NETWORK = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"  # the version pyvis's own pages load
SWAGGER_UI = Path(fastapi_offline.__file__).parent / "static"

router = APIRouter(include_in_schema=False)
for pages in (pages_browse, pages_technology, pages_company, pages_episode, pages_cypher, pages_viz):
    router.include_router(pages.router)


@router.get("/docs")
def docs() -> HTMLResponse:
    """The OpenAPI docs page, its Swagger UI served from /static/swagger-ui."""
    return get_swagger_ui_html(openapi_url="/openapi.json", title="StackGraph API",
                               swagger_js_url="/static/swagger-ui/swagger-ui-bundle.js",
                               swagger_css_url="/static/swagger-ui/swagger-ui.css",
                               swagger_favicon_url="/static/favicon.svg",
                               swagger_ui_parameters={"validatorUrl": None})  # no badge from the validator's site


def install(app: FastAPI) -> None:
    """Mount the pages and their assets on ``app`` (built with ``docs_url=None``: /docs is served here)."""
    # The more specific mounts first: /static would answer their paths with a 404.
    app.mount("/static/vis-network", StaticFiles(directory=VIS_NETWORK), name="vis-network")
    app.mount("/static/swagger-ui", StaticFiles(directory=SWAGGER_UI), name="swagger-ui")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(router)

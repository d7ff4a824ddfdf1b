"""The ASGI app: opens the store once at start, keeps it open, closes it at shutdown.

>>> from fastapi.testclient import TestClient
>>> settings = ServiceSettings(store_path=str(tmp_path / "app-example"))
>>> with TestClient(create_app(settings)) as client:
...     client.get("/api/health").json()
{'status': 'ok', 'backend': 'falkordb', 'episodes': 0}
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import AsyncIterator

from fastapi import FastAPI

from domain import open_store
from graph import StoreError
from queries.projection import StackProjection
from service import api, api_companies, api_episodes, api_technologies, cypher_api, export_api, load_api, pages, problems
from service.limits import BodySizeLimit
from service.settings import ServiceSettings


def create_app(settings: ServiceSettings) -> FastAPI:
    """The service over the store ``settings`` names, opened when the app starts."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Shared: other stackgraph commands on the same embedded store use its server meanwhile.
        store = open_store(settings.backend, path=settings.store_path, uri=settings.uri, username=settings.username,
                           password=settings.password, database=settings.database, share=True)
        try:
            store.ensure_schema()
            app.state.store = store
            app.state.projection = StackProjection.read(store)  # similar answers fast from the first request
            yield
        finally:
            try:
                store.close()  # saves what changed; stops the embedded server
            except StoreError as error:
                app.state.close_failure = str(error)  # for `stackgraph serve` to exit with
                raise

    app = FastAPI(title="StackGraph", summary="How real companies run their software in production, as a graph.",
                  lifespan=lifespan, docs_url=None, redoc_url=None)  # /docs: pages.install, no CDN
    app.state.settings = settings
    problems.install(app)
    app.add_middleware(BodySizeLimit, max_body_bytes=settings.max_body_bytes)
    for router in (api.router, api_technologies.router, api_companies.router, api_episodes.router):
        app.include_router(router)
    app.include_router(cypher_api.router)
    app.include_router(export_api.router)
    if settings.token:  # the write endpoints exist only with a token (service/auth.py)
        app.include_router(load_api.router)
    pages.install(app)
    return app

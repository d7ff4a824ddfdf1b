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
from queries.projection import StackProjection
from service import api, api_companies, api_episodes, api_technologies, pages, problems
from service.settings import ServiceSettings


def create_app(settings: ServiceSettings) -> FastAPI:
    """The service over the store ``settings`` names, opened when the app starts."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = open_store(settings.backend, path=settings.store_path, uri=settings.uri,
                           username=settings.username, password=settings.password, database=settings.database)
        try:
            store.ensure_schema()
            app.state.store = store
            app.state.projection = StackProjection.read(store)  # similar answers fast from the first request
            yield
        finally:
            store.close()

    app = FastAPI(title="StackGraph", summary="How real companies run their software in production, as a graph.",
                  lifespan=lifespan)
    app.state.settings = settings
    problems.install(app)
    for router in (api.router, api_technologies.router, api_companies.router, api_episodes.router):
        app.include_router(router)
    app.include_router(pages.router)
    return app

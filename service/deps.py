"""The dependencies routes declare: the open store and the in-memory stack projection."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from graph import GraphStore
from queries.projection import StackProjection
from service.settings import ServiceSettings


def get_store(request: Request) -> GraphStore:
    """The store the service opened at start."""
    return request.app.state.store


def get_projection(request: Request) -> StackProjection:
    """The stack projection; the queries given it read it again when a load or a write may have changed the stacks."""
    projection: StackProjection = request.app.state.projection
    return projection


def get_settings(request: Request) -> ServiceSettings:
    return request.app.state.settings


Store = Annotated[GraphStore, Depends(get_store)]
Projection = Annotated[StackProjection, Depends(get_projection)]
Settings = Annotated[ServiceSettings, Depends(get_settings)]

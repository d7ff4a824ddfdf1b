"""/episodes/{id}: the episode's topics with timestamps, references, libraries and stack."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from queries.episode import episode_details
from queries.profiles import technologies
from service.deps import Store
from service.pages_render import PageRoute, render

router = APIRouter(route_class=PageRoute)


@router.get("/episodes/{key:path}")
def episode_page(store: Store, key: str) -> HTMLResponse:
    found = episode_details(store, key)
    names, _ = technologies(store, {slug for topic in found.topics for slug in topic.technologies})
    return render("episode.html", title=found.title, episode=found, names=names)

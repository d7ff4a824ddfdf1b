"""/api/episodes: one episode with its topics, references, libraries and stack."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from queries.episode import EpisodeDetails, episode_details
from service.deps import Store
from service.problems import RESPONSES

router = APIRouter(prefix="/api", tags=["episodes"], responses=RESPONSES)


Id = Annotated[str, Path(max_length=1000, description="The episode's id (e.g. 2020-01-06-learn-ruby-on-rails-"
                         "through-screencast-tutorials-on-gorails) or its title, any case")]


@router.get("/episodes/{id}", response_model=EpisodeDetails)
def episode(store: Store, id: Id) -> EpisodeDetails:
    """The episode: its company and guests, topics with their timestamps, references, libraries and stack."""
    return episode_details(store, id)

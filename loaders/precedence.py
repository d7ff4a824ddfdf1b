"""The feed's exact values win over a listing's rounded ones, whichever is loaded last.

A listing gives an episode's duration to the minute ("56min"), its feed to the second
(``itunes:duration`` 55:33). Loading the feed after the listing overwrites the rounded value; for
the listing loaded after the feed, its duration is left out of the write, so the exact one stays.
One query per load finds the episodes that have an exact duration already.
"""

from __future__ import annotations

from graph.model import GraphDocument
from graph.store import GraphStore

_EXACT = "MATCH (e:Episode) WHERE e.exact_duration = true RETURN e.id AS id"


class ExactDurations:
    """The episodes whose duration is exact: in the store when the load began, or written by it since."""

    def __init__(self, store: GraphStore):
        self._exact = {row["id"] for row in store.run(_EXACT)}

    def keep(self, document: GraphDocument) -> None:
        """Leave a rounded duration out of ``document`` wherever an exact one is known."""
        for episode in document.nodes_with_label("Episode"):
            if episode.properties.get("exact_duration"):
                self._exact.add(episode.key)
            elif episode.key in self._exact:
                episode.properties.pop("duration_s", None)

"""The feed's exact values win over a listing's rounded ones, whichever is loaded last.

A listing gives an episode's duration to the minute ("56min"), its feed to the second
(``itunes:duration`` 55:33). Loading the feed after the listing overwrites the rounded value; for
the listing loaded after the feed, its duration is left out of the write, so the exact one stays.
"""

from __future__ import annotations

from graph.model import GraphDocument
from graph.store import GraphStore

# Of the given episodes, those the store holds with an exact duration: a lookup by key per batch.
_EXACT = """
UNWIND $ids AS id
MATCH (e:Episode {id: id})
WHERE e.exact_duration = true
RETURN e.id AS id
"""


def keep_exact_durations(store: GraphStore, document: GraphDocument) -> None:
    """Leave a rounded duration out of ``document`` wherever the store has an exact one."""
    rounded = [episode for episode in document.nodes_with_label("Episode") if not episode.properties.get("exact_duration")]
    if not rounded:
        return
    exact = {row["id"] for row in store.run(_EXACT, {"ids": [episode.key for episode in rounded]})}
    for episode in rounded:
        if episode.key in exact:
            episode.properties.pop("duration_s", None)

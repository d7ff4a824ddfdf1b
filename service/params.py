"""The query parameters routes share, typed and bounded: /openapi.json documents them and a value out
of bounds is a 422 before any query runs."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query

# Text without NUL, which a store parameter cannot hold (FalkorDB refuses it): the schema says so, so a
# client (or a property test) knows it before asking. Patterns search, as JSON Schema's do.
TEXT = r"^[^\x00]*$"
# A comma-separated stack naming at least one technology.
STACK = r"^[^\x00]*[^\x00,\s][^\x00]*$"

MAX_LIMIT = 10_000

Limit = Annotated[int, Query(ge=0, le=MAX_LIMIT, description=f"At most this many rows (0: none; at most {MAX_LIMIT}).")]
DEFAULT_LIMIT = 100

Ranking = Annotated[Literal["jaccard", "cosine"],
                    Query(description="Rank by Jaccard of the technology sets or by IDF-weighted cosine.")]

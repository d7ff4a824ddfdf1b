"""The query parameters routes share, typed and bounded: /openapi.json documents them and a value out
of bounds is a 422 before any query runs."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query

MAX_LIMIT = 10_000

Limit = Annotated[int, Query(ge=0, le=MAX_LIMIT, description=f"At most this many rows (0: none; at most {MAX_LIMIT}).")]
DEFAULT_LIMIT = 100

Ranking = Annotated[Literal["jaccard", "cosine"],
                    Query(description="Rank by Jaccard of the technology sets or by IDF-weighted cosine.")]

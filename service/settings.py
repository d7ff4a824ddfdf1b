"""What a service is configured with: the store to open and the limits it holds requests to."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

TOKEN_ENV = "STACKGRAPH_API_TOKEN"


@dataclass(frozen=True)
class ServiceSettings:
    """The store (as the CLI's global options name it) and the service's limits.

    >>> ServiceSettings(backend="falkordb", store_path=str(tmp_path / "s")).cypher_row_cap
    10000
    """

    backend: str = "falkordb"
    store_path: str | None = None
    uri: str | None = None
    username: str | None = None
    password: str | None = None
    database: str | None = None
    # Write endpoints exist only when a token is set; they then require "Authorization: Bearer <token>".
    token: str | None = field(default_factory=lambda: os.environ.get(TOKEN_ENV) or None, repr=False)
    cypher_timeout: float = 5.0  # seconds
    cypher_row_cap: int = 10_000
    max_body_bytes: int = 16 << 20
    # /viz pages: the nodes one may draw, and the whole graph a page other than ego may read first.
    viz_max_nodes: int = 2000
    viz_max_read_nodes: int = 20_000

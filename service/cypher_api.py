"""POST /api/cypher: one read-only Cypher statement, with the service's time limit and row cap.

The statement runs read-only on both backends (FalkorDB GRAPH.RO_QUERY, a Neo4j READ
transaction): one that writes is refused (403) and changes nothing. User values go in
``params``, never into the query text. LOAD CSV is refused (403) too: Neo4j runs it in a read
transaction, and it reads files and URLs from where the database runs (/etc/passwd on the test
server). Refused by the word, so that no comment between LOAD and CSV hides it: a query that
only mentions csv (in a string, say) can take it as a parameter instead.

>>> from fastapi.testclient import TestClient
>>> from service.app import create_app
>>> from service.settings import ServiceSettings
>>> with TestClient(create_app(ServiceSettings(store_path=str(tmp_path / "cypher-example")))) as client:
...     client.post("/api/cypher", json={"query": "RETURN $n + 1 AS m", "params": {"n": 1}}).json()
{'rows': [{'m': 2}], 'truncated': False, 'row_cap': 10000}
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field, JsonValue

from service.deps import Settings, Store
from service.problems import RESPONSES, problem_response

router = APIRouter(prefix="/api", tags=["cypher"], responses=RESPONSES)

MAX_QUERY_CHARS = 100_000
MAX_PARAMS = 1_000
CSV = re.compile(r"\bcsv\b", re.IGNORECASE)
# What both backends take as a $name without backquotes.
ParameterName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=200)]


class CypherRequest(BaseModel):
    query: str = Field(min_length=1, max_length=MAX_QUERY_CHARS, pattern=r"\S",
                       examples=["MATCH (c:Company)-[:USES]->(t:Technology {id: $id}) RETURN c.name AS company"])
    params: dict[ParameterName, JsonValue] = Field(default_factory=dict, max_length=MAX_PARAMS, examples=[{"id": "elixir"}])


class CypherResult(BaseModel):
    rows: list[dict[str, Any]] = Field(description="The rows, keyed by RETURN column; NaN and infinities as null.")
    truncated: bool = Field(description="Whether the statement returned more rows than row_cap, and only the first "
                                        "row_cap are here.")
    row_cap: int


def json_safe(value: Any) -> Any:
    """``value`` with every float JSON cannot hold (NaN, infinities) as None.

    >>> json_safe({"a": [1.5, float("nan")], "b": float("-inf"), "c": "x"})
    {'a': [1.5, None], 'b': None, 'c': 'x'}
    """
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: json_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [json_safe(item) for item in value]
    return value


@router.post("/cypher", response_model=CypherResult, responses={
    400: problem_response("A statement the store rejects: its syntax, or a parameter missing"),
    403: problem_response("A statement that writes (it changed nothing), or one naming LOAD CSV"),
    413: problem_response("A request body past the size limit"),
})
def cypher(request: CypherRequest, store: Store, settings: Settings) -> CypherResult:
    """Run one read-only Cypher statement: its rows, the first ``row_cap`` of them.

    400 for a statement the store rejects (syntax, a missing parameter), 403 for one that writes or names CSV,
    504 for one that runs past the service's time limit (it is stopped).
    """
    if CSV.search(request.query):
        raise HTTPException(403, "LOAD CSV reads files and URLs where the database runs: /api/cypher does not run "
                                 "a query naming CSV; pass such text as a parameter")
    rows = store.run_counted(request.query, request.params, timeout=settings.cypher_timeout).rows
    cap = settings.cypher_row_cap
    return CypherResult(rows=json_safe(rows[:cap]), truncated=len(rows) > cap, row_cap=cap)

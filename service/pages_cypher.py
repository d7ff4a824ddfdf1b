"""/cypher: a read-only Cypher console with a results table.

The statement runs read-only, as POST /api/cypher runs it: a statement that writes is refused and
changes nothing, one past the service's time limit is stopped (504), and the rows shown stop at the
service's row cap, which the page says when it is reached.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from graph import QueryError, ReadOnlyRefusal
from graph.errors import QueryTimeout
from service.deps import Settings, Store
from service.pages_render import PageRoute, render

router = APIRouter(route_class=PageRoute)

EXAMPLE = "MATCH (c:Company)-[:USES]->(t:Technology {id: $id})\nRETURN c.name AS company ORDER BY company"


def columns_of(rows: list[dict[str, Any]]) -> list[str]:
    """Every column of the rows, in the order they first appear.

    >>> columns_of([{"a": 1}, {"a": 2, "b": 3}])
    ['a', 'b']
    """
    return list(dict.fromkeys(column for row in rows for column in row))


@router.get("/cypher")
def cypher_page(store: Store, settings: Settings, query: Annotated[str, Query(max_length=20_000)] = "",
                params: Annotated[str, Query(max_length=20_000)] = "") -> HTMLResponse:
    context: dict[str, Any] = {"title": "Cypher", "query": query, "params": params, "example": EXAMPLE,
                               "rows": None, "columns": [], "truncated": False, "problem": None}
    if not query.strip():
        return render("cypher.html", **context)
    try:
        parameters = json.loads(params) if params.strip() else {}
        if not isinstance(parameters, dict):
            raise ValueError("not an object")
    except ValueError:
        return render("cypher.html", 422, **{**context, "problem": 'the parameters are not a JSON object such as {"id": "elixir"}'})
    try:
        rows = store.run(query, parameters, timeout=settings.cypher_timeout)
    except QueryTimeout:
        return render("cypher.html", 504, **{**context, "problem": f"the query ran past the time limit of "
                                                                   f"{settings.cypher_timeout:g} s and was stopped"})
    except ReadOnlyRefusal:
        return render("cypher.html", 403, **{**context, "problem": "this statement writes, and the console is read-only"})
    except QueryError as error:
        return render("cypher.html", 400, **{**context, "problem": f"the query failed: {error}"})
    cap = settings.cypher_row_cap
    return render("cypher.html", **{**context, "rows": rows[:cap], "columns": columns_of(rows[:cap]),
                                    "truncated": len(rows) > cap, "cap": cap})

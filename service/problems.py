"""Errors as RFC 9457 problem details (``application/problem+json``): the status says what kind of
failure, ``detail`` says it in one line a user can act on, and no response ever holds a traceback.

=============================================  ======
an unknown name (with ``suggestions``)          404
an unknown path                                 404
a bad parameter (with ``errors``)               422
a Cypher statement the store rejects            400
a write where only reads may run                403
a query past its time limit                     504
the store cannot be reached                     503
anything else (logged, not shown)               500
=============================================  ======

>>> from fastapi import FastAPI
>>> from fastapi.testclient import TestClient
>>> app = FastAPI()
>>> install(app)
>>> response = TestClient(app).get("/nowhere")
>>> response.status_code, response.headers["content-type"], response.json()["detail"]
(404, 'application/problem+json', 'no such path: /nowhere')
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from graph.errors import QueryError, QueryTimeout, ReadOnlyRefusal, StoreError
from queries.names import UnknownKind, UnknownName

PROBLEM_JSON = "application/problem+json"


class Problem(BaseModel):
    """What went wrong. ``suggestions``: for an unknown name, the closest names the store has;
    ``errors``: for bad parameters, each one's place (``where``) and ``message``."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str
    kind: str | None = None
    name: str | None = None
    suggestions: list[str] | None = None
    errors: list[dict[str, str]] | None = None


def problem(request: Request, status: int, detail: str, headers: dict[str, str] | None = None,
            **extensions: Any) -> JSONResponse:
    body = Problem(title=HTTPStatus(status).phrase, status=status, detail=detail, instance=request.url.path,
                   **extensions)
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status, media_type=PROBLEM_JSON,
                        headers=headers)


def problem_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_JSON: {"schema": Problem.model_json_schema()}}}


# For the routers' ``responses=``, so that /openapi.json documents the problems a route can answer.
RESPONSES: dict[int | str, dict[str, Any]] = {
    404: problem_response("No such name (with the closest ones the store has), or no such path"),
    422: problem_response("A parameter out of bounds or of the wrong type"),
    503: problem_response("The store cannot be reached"),
    504: problem_response("The query ran past its time limit"),
}


def _where(location: tuple[Any, ...]) -> str:
    """``("query", "limit")`` as "query parameter 'limit'"."""
    if not location:
        return "request"
    source, *path = location
    named = ".".join(str(part) for part in path)
    return {"query": "query parameter", "path": "path parameter", "body": "body", "header": "header"}.get(
        str(source), str(source)) + (f" {named!r}" if named else "")


def invalid_parameters(error: RequestValidationError) -> list[dict[str, str]]:
    """Each parameter a request got wrong: its place (``where``) and what is wrong (``message``)."""
    return [{"where": _where(tuple(e.get("loc", ()))), "message": str(e.get("msg", ""))} for e in error.errors()]


def install(app: FastAPI) -> None:
    """Answer every error of ``app`` as a problem."""

    @app.exception_handler(UnknownName)
    async def unknown_name(request: Request, error: UnknownName) -> JSONResponse:
        return problem(request, 404, str(error), kind=error.kind, name=error.name, suggestions=error.suggestions)

    @app.exception_handler(UnknownKind)
    async def unknown_kind(request: Request, error: UnknownKind) -> JSONResponse:
        return problem(request, 422, str(error))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = invalid_parameters(error)
        return problem(request, 422, "; ".join(f"{e['where']}: {e['message']}" for e in errors) or "invalid request",
                       errors=errors)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> JSONResponse:
        detail = f"no such path: {request.url.path}" if error.status_code == 404 and error.detail == "Not Found" \
            else str(error.detail)
        return problem(request, error.status_code, detail, headers=getattr(error, "headers", None))

    @app.exception_handler(StoreError)
    async def store_error(request: Request, error: StoreError) -> JSONResponse:
        if isinstance(error, QueryTimeout):
            return problem(request, 504, str(error))
        if isinstance(error, ReadOnlyRefusal):
            return problem(request, 403, str(error))
        if isinstance(error, QueryError):
            return problem(request, 400, str(error))
        return problem(request, 503, str(error))  # StoreUnavailable, or a store that closed

    # Starlette raises the error again once this has answered, and uvicorn logs it with its traceback.
    @app.exception_handler(Exception)
    async def internal_error(request: Request, error: Exception) -> JSONResponse:
        return problem(request, 500, "internal error; the server's log has the details")

"""Rendering the web pages: one Jinja2 environment with autoescaping, and the route class that turns an
unknown name into a 404 page with the closest matches.

Every value from the data reaches the HTML through autoescaping; a link from the data (a reference,
a website, an audio file) becomes an href only for http(s), other schemes stay text; JSON for a
script is put in a ``<script type="application/json">`` through ``tojson``, which escapes ``<``,
``>``, ``&`` and ``'``, so ``</script>`` in the data stays text. The pages carry a Content-Security-Policy
that lets only the app's own scripts run: no inline script, nothing from elsewhere.

>>> safe_href("https://example.com/a"), safe_href("javascript:alert(1)"), segment("a/b c")
('https://example.com/a', None, 'a%2Fb%20c')
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Coroutine
from urllib.parse import quote, urlsplit

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from domain.slug import slugify
from queries.names import UnknownKind, UnknownName
from service.problems import invalid_parameters

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"

CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")


def safe_href(url: object) -> str | None:
    """``url`` when it is an http(s) URL, else None (a ``javascript:`` link from the data never becomes one)."""
    text = str(url or "").strip()
    return text if urlsplit(text).scheme.lower() in ("http", "https") and urlsplit(text).netloc else None


def segment(value: object) -> str:
    """A value as one path segment of a URL."""
    return quote(str(value), safe="")


environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                          trim_blocks=True, lstrip_blocks=True)
environment.filters["segment"] = segment
environment.filters["safe_href"] = safe_href
environment.filters["slug"] = slugify  # a person's or a company's id is the slug of its name


def render(template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """The page ``template`` rendered with ``context``, with the pages' security headers."""
    page = environment.get_template(template).render(**context)
    return HTMLResponse(page, status_code, headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY,
                                                    "X-Content-Type-Options": "nosniff"})


class PageRoute(APIRoute):
    """A page route: an unknown name is a 404 page naming it, with links to the closest matches; a bad
    parameter a 422 page saying which (the API answers both as problem details)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except UnknownName as unknown:
                return render("not_found.html", 404, title=f"No {unknown.kind} named {unknown.name!r}",
                              message=str(unknown), kind=unknown.kind, suggestions=unknown.suggestions)
            except UnknownKind as unknown:
                return render("not_found.html", 404, title="Unknown kind", message=str(unknown), kind="",
                              suggestions=[])
            except RequestValidationError as invalid:
                message = "; ".join(f"{e['where']}: {e['message']}" for e in invalid_parameters(invalid))
                return render("not_found.html", 422, title="Invalid request", message=message, kind="", suggestions=[])

        return handle

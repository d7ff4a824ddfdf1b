"""The request body size limit: a 413 problem before more than ``max_body_bytes`` is read into memory.

A declared Content-Length over the limit is refused before the body is read at all; a body
without one (chunked) is counted as it arrives and refused at the first chunk past the limit.
"""

from __future__ import annotations

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.problems import PROBLEM_JSON, Problem


def too_large(limit: int) -> str:
    """The one line a 413 says.

    >>> too_large(16 << 20)
    'the request body is larger than the limit of 16777216 bytes'
    """
    return f"the request body is larger than the limit of {limit} bytes"


class BodySizeLimit:
    """ASGI middleware holding every HTTP request body to ``max_body_bytes``."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            await self._refuse(scope, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    # An HTTPException: FastAPI passes it on from the body's parsing (anything else
                    # there becomes a 400 "error parsing the body").
                    raise HTTPException(413, too_large(self.max_body_bytes))
            return message

        await self.app(scope, counted, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        body = Problem(title="Content Too Large", status=413, detail=too_large(self.max_body_bytes),
                       instance=scope["path"]).model_dump_json(exclude_none=True).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", PROBLEM_JSON.encode()),
                                (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})

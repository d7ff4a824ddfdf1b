"""The token rule of the write endpoints: ``Authorization: Bearer <token>``, the token the service was started with.

The write endpoints are included in the app only when a token is configured (service/app.py), so
without one they do not exist (404). With one, a request without the header or with another token
is a 401 with ``WWW-Authenticate: Bearer``.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from service.deps import Settings

bearer = HTTPBearer(auto_error=False, description="The token the service was started with (STACKGRAPH_API_TOKEN).")


def same_token(given: str, expected: str) -> bool:
    """Whether ``given`` is ``expected``, compared in constant time (no timing hint of how much matched).

    >>> same_token("s3cret", "s3cret"), same_token("s3cre", "s3cret"), same_token("", "s3cret")
    (True, False, False)
    """
    return hmac.compare_digest(given.encode(), expected.encode())


def require_token(settings: Settings,
                  credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> None:
    """Refuse the request (401) unless it carries the service's token."""
    if credentials is None:
        raise HTTPException(401, 'this endpoint writes: send the token as "Authorization: Bearer <token>"',
                            headers={"WWW-Authenticate": 'Bearer realm="stackgraph"'})
    if not settings.token or not same_token(credentials.credentials, settings.token):
        raise HTTPException(401, "the bearer token is not the service's token",
                            headers={"WWW-Authenticate": 'Bearer realm="stackgraph", error="invalid_token"'})


Authorized = Depends(require_token)

"""serve: the store as a long-running service (JSON API and web UI)."""

from __future__ import annotations

import ipaddress
import signal

import click

from stackgraph.app import EXIT_INVALID, EXIT_STORE, App, fail, handle_errors, pass_app

# On SIGTERM or Ctrl-C, requests in flight are given this long to finish before the store is closed.
GRACEFUL_SHUTDOWN_SECONDS = 5


def is_loopback(host: str) -> bool:
    """Whether ``host`` binds to this machine only.

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0"), is_loopback("::1")
    (True, True, False, True)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind. Any other than loopback requires STACKGRAPH_API_TOKEN to be set.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="TCP port (0: any free one).")
@pass_app
@handle_errors
def serve(app: App, host: str, port: int) -> None:
    """Serve the store: a JSON API under /api (OpenAPI at /openapi.json, docs at /docs) and a web UI at /.

    The store is opened once and kept open; other stackgraph commands on the same embedded
    store use its server meanwhile. Write endpoints (POST /api/load) exist only when
    STACKGRAPH_API_TOKEN is set, and then require "Authorization: Bearer <token>". SIGTERM or
    Ctrl-C: requests in flight get up to 5 s to finish, the store is saved and closed, exit 0.

    \b
    Example:
      stackgraph serve --port 8000     # then open http://127.0.0.1:8000/
    """
    import uvicorn

    from service.app import create_app
    from service.settings import TOKEN_ENV, ServiceSettings

    settings = ServiceSettings(backend=app.backend, store_path=app.store_path, uri=app.uri, username=app.username,
                               password=app.password, database=app.database)
    if not is_loopback(host) and not settings.token:
        fail(f"refusing to serve on {host}, which is not a loopback address, without a token: set {TOKEN_ENV}",
             EXIT_INVALID)
    service = create_app(settings)
    # uvicorn handles SIGTERM and SIGINT while it serves, then raises the signal it caught again for
    # the handlers it found: those of the CLI would turn a clean shutdown into exit 143 or 130.
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, signal.SIG_IGN)
    uvicorn.run(service, host=host, port=port, log_level="warning",
                timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS)
    if failure := getattr(service.state, "close_failure", None):
        fail(failure, EXIT_STORE)


COMMANDS = [serve]

"""Running the real service from a test: ``stackgraph serve`` as a child process on a free loopback port.

``running_service(...)`` starts it over a store (an embedded store directory, or a Neo4j server), waits
until /api/health answers, and yields a ``Service``: its base URL, an HTTP client on it, the process and
its log. On the way out it sends SIGTERM and waits; a server that does not stop in time is killed and
the test fails, so no process outlives a test. The fixtures ``service_falkordb``, ``service_neo4j`` and
``service`` (both backends) in conftest.py are built on it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Mapping

import httpx
import pytest

from cli_helpers import environment_without_settings

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Service:
    base_url: str
    client: httpx.Client  # on base_url: service.client.get("/api/stats")
    process: subprocess.Popen[bytes]
    log: Path  # the server's stdout and stderr

    def log_tail(self, characters: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-characters:] if self.log.exists() else "(no log)"


def free_port() -> int:
    """A TCP port free on 127.0.0.1 just now (the server binds it a moment later)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve_command(port: int, *, store: Path | str | None, backend: str, uri: str | None,
                  username: str | None, database: str | None) -> list[str]:
    command = [sys.executable, "-m", "stackgraph", "--backend", backend]
    if store is not None:
        command += ["--store", str(store)]
    if uri is not None:
        command += ["--uri", uri]
    if username is not None:
        command += ["--username", username]
    if database is not None:
        command += ["--database", database]
    return command + ["serve", "--host", "127.0.0.1", "--port", str(port)]


@contextmanager
def running_service(*, store: Path | str | None = None, backend: str = "falkordb", uri: str | None = None,
                    username: str | None = None, password: str | None = None, database: str | None = None,
                    env: Mapping[str, str] | None = None, log_dir: Path | None = None,
                    start_timeout: float = 60, stop_timeout: float = 20) -> Iterator[Service]:
    """``stackgraph serve`` over the given store until the block ends.

    The child runs without the caller's STACKGRAPH_* and NEO4J_* settings: only the options given here
    count, plus ``env`` (STACKGRAPH_API_TOKEN, say). The Neo4j password goes in its environment, not
    its command line. The log is ``log_dir/serve-PORT.log`` (default: the store's directory, else /tmp).
    """
    environment = environment_without_settings()
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), environment.get("PYTHONPATH")]))
    environment["PYTHONFAULTHANDLER"] = "1"
    if password is not None:
        environment["NEO4J_PASSWORD"] = password
    environment.update(env or {})
    port = free_port()
    folder = log_dir or (Path(store).parent if store is not None else Path("/tmp"))
    log = folder / f"serve-{port}.log"
    command = serve_command(port, store=store, backend=backend, uri=uri, username=username, database=database)
    with open(log, "wb") as log_file:
        process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT, env=environment,
                                   cwd=REPO)
    base_url = f"http://127.0.0.1:{port}"
    service = Service(base_url, httpx.Client(base_url=base_url, timeout=60), process, log)
    try:
        wait_until_healthy(service, start_timeout)
        yield service
    finally:
        service.client.close()
        stopped = stop(process, stop_timeout)
    if not stopped:
        pytest.fail(f"stackgraph serve did not stop within {stop_timeout:g} s of SIGTERM and was killed; "
                    f"its log:\n{service.log_tail()}")


def wait_until_healthy(service: Service, timeout: float) -> None:
    """Return once /api/health answers 200; fail the test with the server's log if it exits or times out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if service.process.poll() is not None:
            pytest.fail(f"stackgraph serve exited with {service.process.returncode} before answering; "
                        f"its log:\n{service.log_tail()}")
        try:
            if service.client.get("/api/health", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"stackgraph serve did not answer /api/health within {timeout:g} s; its log:\n{service.log_tail()}")


def stop(process: subprocess.Popen[bytes], timeout: float) -> bool:
    """SIGTERM, then wait; kill what has not stopped by ``timeout``. Whether it stopped by itself."""
    if process.poll() is not None:
        return True
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout)
        return True
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return False

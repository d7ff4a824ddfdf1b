"""`stackgraph serve` on an embedded store, and other commands beside it (issue 14).

The real service (uvicorn on a free loopback port, tests/service_helpers.py) and real CLI processes:
a command beside a running server uses that server instead of waiting for the lock, what it writes
is seen by the server's next request and survives kill -9 of the server, and SIGTERM or Ctrl-C
stops the service and its redis-server with exit 0.
"""

from __future__ import annotations

import json
import os
import signal

import pytest

from cli_helpers import stackgraph
from domain.schema import SCHEMA
from graph.falkordb_store import FalkorDBStore
from conftest import require_neo4j
from process_helpers import REPO, alive, children_of, server_pid, wait_until_gone
from service.settings import TOKEN_ENV
from service_helpers import Service, running_service

TINY_LISTING = REPO / "tests" / "data" / "tiny.txt"


def test_a_command_beside_a_running_server_uses_it_and_leaves_it_running(loaded_store_copy):
    with running_service(store=loaded_store_copy) as service:
        redis_pid = server_pid(loaded_store_copy)
        result = stackgraph("stats", "--format", "json", store=loaded_store_copy, timeout=60)
        assert (result.returncode, result.stderr) == (0, "")  # no "waiting for another stackgraph process"
        assert json.loads(result.stdout)["nodes"]["Episode"] == 10
        assert alive(redis_pid) and server_pid(loaded_store_copy) == redis_pid
        assert service.client.get("/api/health").json()["episodes"] == 10


def similar_to_rails_and_postgres(service: Service) -> list[tuple[str, float]]:
    rows = service.client.get("/api/similar", params={"stack": "rails,postgres", "limit": 1}).json()
    return [(row["company"], row["jaccard"]) for row in rows]


def crash(service: Service, store_dir) -> None:
    """kill -9 of the store's redis-server, then of the service: nothing gets saved at a stop."""
    redis_pid = server_pid(store_dir)
    os.kill(redis_pid, signal.SIGKILL)
    assert wait_until_gone(redis_pid, 10)
    service.process.kill()
    service.process.wait()


def test_writes_beside_the_server_are_seen_by_its_next_request_and_survive_kill_9(loaded_store_copy):
    store_dir = loaded_store_copy
    with running_service(store=store_dir) as service:
        assert service.client.get("/api/health").json()["episodes"] == 10
        assert similar_to_rails_and_postgres(service) == [("va-gov", pytest.approx(2 / 16))]
        loaded = stackgraph("load", "--quiet", str(TINY_LISTING), store=store_dir, timeout=120)
        assert loaded.returncode == 0, loaded.stderr
        assert loaded.stderr.startswith(f"Loaded 4 episode(s) from 1 file(s) into {store_dir}")
        assert service.client.get("/api/health").json()["episodes"] == 14
        # Acme uses postgres, redis and rails: 2 shared of 3 (the stack projection read the stacks again)
        assert similar_to_rails_and_postgres(service) == [("acme", pytest.approx(2 / 3))]
        written = stackgraph("cypher", "--write", "CREATE (:Technology {id: 'cobol', name: 'COBOL'})",
                             store=store_dir, timeout=60)
        assert (written.returncode, written.stderr) == (0, "Created 1 node, set 2 properties\n")
        crash(service, store_dir)  # right after the acknowledgements
    with FalkorDBStore(store_dir, schema=SCHEMA) as store:
        assert store.run("MATCH (e:Episode) RETURN count(e) AS n") == [{"n": 14}]
        assert store.run("MATCH (t:Technology {id: 'cobol'}) RETURN t.name AS name") == [{"name": "COBOL"}]


def test_a_load_acknowledged_by_the_api_survives_kill_9_of_the_server(loaded_store_copy):
    token = "durability-test-token"
    with running_service(store=loaded_store_copy, env={TOKEN_ENV: token}) as service:
        response = service.client.post("/api/load", headers={"Authorization": f"Bearer {token}"},
                                       files=[("files", ("tiny.txt", TINY_LISTING.read_bytes(), "text/plain"))])
        assert (response.status_code, response.json()["episodes"]) == (200, 4)  # acknowledged
        crash(service, loaded_store_copy)  # right after the acknowledgement
    with FalkorDBStore(loaded_store_copy, schema=SCHEMA) as store:
        assert store.run("MATCH (e:Episode) RETURN count(e) AS n") == [{"n": 14}]  # the bundled 10 and tiny's 4


@pytest.mark.parametrize("backend", ["falkordb", "neo4j"])
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_a_signal_stops_the_service_with_exit_0_and_leaves_no_process(backend, signum, loaded_store_copy, tmp_path):
    options = {"store": loaded_store_copy} if backend == "falkordb" else {
        "backend": "neo4j", "log_dir": tmp_path, **require_neo4j()}
    with running_service(**options) as service:
        children = children_of(service.process.pid)
        assert len(children) == (1 if backend == "falkordb" else 0)  # its redis-server
        service.process.send_signal(signum)
        assert service.process.wait(30) == 0, service.log_tail()
    assert [pid for pid in children if not wait_until_gone(pid, 5)] == []
    assert not (loaded_store_copy / "stackgraph.serving").exists()


def test_after_the_service_is_killed_the_next_command_opens_the_store_itself(loaded_store_copy):
    with running_service(store=loaded_store_copy) as service:
        redis_pid = server_pid(loaded_store_copy)
        service.process.kill()  # its record stays behind; its server dies with it
        service.process.wait()
        assert wait_until_gone(redis_pid, 10)
    result = stackgraph("stats", "--format", "json", store=loaded_store_copy, timeout=60)
    assert (result.returncode, result.stderr) == (0, "")
    assert json.loads(result.stdout)["nodes"]["Episode"] == 10

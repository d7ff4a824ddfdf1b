"""Property tests of every endpoint from the service's own OpenAPI schema: schemathesis, as its command
line runs, against the real server. Any request the schema allows gets an answer the schema documents
(status, content type, body), and never a 500 or a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from service_helpers import Service


def test_every_request_the_schema_allows_gets_an_answer_it_documents(service_falkordb: Service, tmp_path: Path):
    run = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "run", f"{service_falkordb.base_url}/openapi.json",
         "--checks", "all", "--max-examples", "10", "--seed", "14", "--workers", "2", "--no-color"],
        capture_output=True, text=True, timeout=280, cwd=tmp_path)  # its cache (.schemathesis/) goes there
    assert run.returncode == 0, run.stdout[-6000:]
    assert "Traceback" not in service_falkordb.log_tail(100_000)

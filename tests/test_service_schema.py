"""Property tests of every endpoint in /openapi.json against the real server on the bundled store.

The schema is the app's own (``create_app(...).openapi()``, what the server publishes at
/openapi.json: a test checks they are one), read when the module is collected so that each
operation is a test of its own.

Schemathesis generates requests from the schema the service publishes (valid ones and, for the
negative phase, invalid ones) and checks each answer: never a server error, a status code, media
type, headers and body the schema documents. The server has a token, so POST /api/load is in the
schema too; it runs over a copy of the bundled store, as a load may change it. Bounded: a few
examples per operation, so that the run takes well under a minute.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from service.app import create_app
from service.settings import TOKEN_ENV, ServiceSettings
from service_helpers import Service, running_service

TOKEN = "schema-test-token"


@pytest.fixture(scope="module")
def served(loaded_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    store = Path(shutil.copytree(loaded_store, tmp_path_factory.mktemp("schema") / "store"))
    with running_service(store=store, env={TOKEN_ENV: TOKEN}) as service:
        yield service


OPENAPI = create_app(ServiceSettings(token=TOKEN)).openapi()
schema = schemathesis.openapi.from_dict(OPENAPI)


def test_the_schema_tested_is_the_one_served(served):
    assert served.client.get("/openapi.json").json() == OPENAPI


# Whether a statement or a listing is valid is more than a schema can say: a request the schema
# allows may rightly be refused (400 for bad Cypher, 422 for a file that is no listing).
CONTENT_BEYOND_THE_SCHEMA = ("/api/cypher", "/api/load")
BOUNDED = settings(max_examples=5, deadline=None, derandomize=True, database=None,
                   suppress_health_check=list(HealthCheck))


def check(case: schemathesis.Case, served: Service) -> None:
    excluded = [positive_data_acceptance] if case.operation.path in CONTENT_BEYOND_THE_SCHEMA else []
    case.call_and_validate(base_url=served.base_url, headers={"Authorization": f"Bearer {TOKEN}"},
                           excluded_checks=excluded, timeout=30)


@schema.exclude(path="/api/export").parametrize()
@BOUNDED
def test_every_endpoint_answers_as_its_schema_says(case, served):
    check(case, served)


# Each export reads the whole graph; its one parameter takes six values.
@schema.include(path="/api/export").parametrize()
@settings(BOUNDED, max_examples=2)
def test_export_answers_as_its_schema_says(case, served):
    check(case, served)

"""POST /api/cypher, GET /api/export, POST /api/load, the token rules and the body size limit,
against the real server (``stackgraph serve`` on a loopback port) on both backends.

Expected values are read off data/running-in-production.txt: its Tech Stack sections list elixir
for Smart Music, ScrollKeeper, Remote.com and Logflare; it has 10 episodes, one company each.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Iterator

import httpx
import networkx as nx
import pytest
import rdflib

from cli_helpers import invoke, one_line_error
from conftest import LISTING, require_neo4j
from graph import GraphStore
from service.settings import TOKEN_ENV
from service_helpers import Service, running_service

TOKEN = "test-token-7c1e9b"
BEARER = {"Authorization": f"Bearer {TOKEN}"}
ELIXIR_USERS = "MATCH (c:Company)-[:USES]->(:Technology {id: $id}) RETURN c.name AS company ORDER BY company"
EPISODES = "MATCH (e:Episode) RETURN count(e) AS episodes"

# One new episode: a company none of the bundled ones is, using two technologies the listing has.
QUILL = """\
Mar 2, 2021 • 45min
Quill Is a Pen Shop
In this episode of Running in Production, Pat Quinn goes over building Quill.
⚙️ Tech Stack
rails →
postgres →
"""
# Line 8 starts an episode whose date does not exist.
BROKEN = QUILL + """
Feb 30, 2021 • 40min
Nib Is an Ink Shop
In this episode of Running in Production, Ann Nib goes over building Nib.
⚙️ Tech Stack
rails →
"""


@pytest.fixture(scope="module", params=["falkordb", "neo4j"])
def writable(request: pytest.FixtureRequest, loaded_store: Path,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """The service with a token, over a store of its own holding the bundled listing, on each backend."""
    env = {TOKEN_ENV: TOKEN}
    if request.param == "falkordb":
        store = Path(shutil.copytree(loaded_store, tmp_path_factory.mktemp("writable") / "store"))
        with running_service(store=store, env=env) as service:
            yield service
        return
    settings = require_neo4j()
    neo4j_store: GraphStore = request.getfixturevalue("neo4j_store")
    from loaders.pipeline import load_listings

    neo4j_store.clear()
    load_listings([LISTING], neo4j_store)
    neo4j_store.counts()  # confirms the load's writes before the server reads them
    with running_service(backend="neo4j", env=env, log_dir=tmp_path_factory.mktemp("writable"), **settings) as service:
        yield service
    neo4j_store.clear()


def cypher(service: Service, query: str, **params: object) -> httpx.Response:
    return service.client.post("/api/cypher", json={"query": query, "params": params})


def assert_problem(response: httpx.Response, status: int, *words: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status
    assert "Traceback" not in response.text
    for word in words:
        assert word in problem["detail"]
    return problem


# -- POST /api/cypher --------------------------------------------------------------------------------


def test_cypher_answers_rows_keyed_by_column(writable):
    response = cypher(writable, ELIXIR_USERS, id="elixir")
    assert response.status_code == 200
    assert response.json() == {
        "rows": [{"company": "Logflare"}, {"company": "Remote.com"}, {"company": "ScrollKeeper"},
                 {"company": "Smart Music"}],
        "truncated": False,
        "row_cap": 10_000,
    }


def test_cypher_parameters_come_back_as_given(writable):
    response = cypher(writable, "RETURN $x AS x, $s AS s", x={"a": [1, 2.5, None, True]}, s="'; MATCH (n) DELETE n //")
    assert response.json()["rows"] == [{"x": {"a": [1, 2.5, None, True]}, "s": "'; MATCH (n) DELETE n //"}]


def test_cypher_says_when_the_row_cap_cut_the_rows(writable):
    body = cypher(writable, "UNWIND range(1, 10001) AS n RETURN n").json()
    assert body["truncated"] is True and body["row_cap"] == 10_000
    assert len(body["rows"]) == 10_000 and body["rows"][-1] == {"n": 10_000}


def test_cypher_answers_nan_and_infinity_as_null(writable):
    response = cypher(writable, "RETURN 0.0 / 0.0 AS nan, 1.0 / 0.0 AS inf, -1.0 / 0.0 AS minus, 0.5 AS half")
    assert response.status_code == 200
    assert response.json()["rows"] == [{"nan": None, "inf": None, "minus": None, "half": 0.5}]


@pytest.mark.parametrize("query", [
    "CREATE (:Scratch {name: 'x'})",
    "MATCH (c:Company) DETACH DELETE c",
    "MATCH (c:Company {id: 'logflare'}) SET c.name = 'pwned'",
])
def test_cypher_refuses_a_write_and_changes_nothing(writable, query):
    assert_problem(cypher(writable, query), 403, "read-only")
    assert cypher(writable, "MATCH (n:Scratch) RETURN count(n) AS n").json()["rows"] == [{"n": 0}]
    assert cypher(writable, ELIXIR_USERS, id="elixir").json()["rows"][0] == {"company": "Logflare"}
    assert cypher(writable, EPISODES).json()["rows"] == [{"episodes": 10}]


def test_cypher_past_the_time_limit_is_a_504(writable):
    started = time.monotonic()
    # 10^9 rows, one by one (Neo4j counts MATCH (a), (b), (c), (d) from its count store at once).
    response = cypher(writable, "UNWIND range(1, 1000) AS a UNWIND range(1, 1000) AS b UNWIND range(1, 1000) AS c "
                                "RETURN count(*) AS n")
    assert_problem(response, 504, "time limit")
    assert time.monotonic() - started < 30  # the limit is 5 s; generous for a loaded machine
    assert cypher(writable, EPISODES).json()["rows"] == [{"episodes": 10}]


@pytest.mark.parametrize("query", [
    "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
    "load /* hidden */ csv FROM 'http://127.0.0.1:9/' AS row RETURN row",
    "RETURN 'csv' AS format",
])
def test_cypher_refuses_load_csv(writable, query):
    assert_problem(cypher(writable, query), 403, "LOAD CSV")


def test_cypher_syntax_error_is_a_400(writable):
    assert_problem(cypher(writable, "MATCH (n RETURN n"), 400)


@pytest.mark.parametrize("body", [{}, {"query": ""}, {"query": "   "}, {"query": 5}, {"query": "RETURN 1", "params": []}])
def test_cypher_bad_body_is_a_422(writable, body):
    response = writable.client.post("/api/cypher", json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"


def test_cypher_body_that_is_not_json_is_refused(writable):
    response = writable.client.post("/api/cypher", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code in (400, 422), response.text
    assert "Traceback" not in response.text


# -- GET /api/export ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt, media_type, filename", [
    ("graphml", "application/graphml+xml", "stackgraph.graphml"),
    ("gexf", "application/gexf+xml", "stackgraph.gexf"),
    ("json", "application/json", "stackgraph.json"),
    ("turtle", "text/turtle", "stackgraph.ttl"),
    ("jsonld", "application/ld+json", "stackgraph.jsonld"),
    ("nt", "application/n-triples", "stackgraph.nt"),
])
def test_export_is_a_download_of_the_whole_graph(writable, tmp_path, fmt, media_type, filename):
    response = writable.client.get("/api/export", params={"format": fmt})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert response.headers["content-disposition"] == f'attachment; filename="{filename}"'
    path = tmp_path / filename
    path.write_bytes(response.content)
    if fmt in ("turtle", "jsonld", "nt"):
        graph = rdflib.Graph().parse(path, format={"turtle": "turtle", "jsonld": "json-ld", "nt": "nt"}[fmt])
        episodes = set(graph.subjects(rdflib.RDF.type, rdflib.URIRef("https://schema.org/PodcastEpisode")))
        assert len(episodes) == 10
        assert rdflib.Literal("Logflare") in set(graph.objects(None, rdflib.URIRef("https://schema.org/name")))
        return
    if fmt == "json":
        nodes = {node["id"]: node for node in json.loads(response.text)["nodes"]}
    else:
        read = nx.read_graphml if fmt == "graphml" else nx.read_gexf
        nodes = dict(read(path).nodes(data=True))
    assert sum(1 for node in nodes.values() if node["label"] == "Episode") == 10
    assert nodes["Company:logflare"]["name"] == "Logflare"


def test_export_formats_are_those_of_the_cli():
    from service.export_api import DOWNLOADS
    from visualizations.networkx_export import EXPORT_FORMATS
    from visualizations.rdf_export import RDF_FORMATS

    assert list(DOWNLOADS) == [*EXPORT_FORMATS, *RDF_FORMATS]


@pytest.mark.parametrize("query", ["format=bogus", "format=", ""])
def test_export_bad_format_is_a_422(writable, query):
    response = writable.client.get(f"/api/export?{query}")
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"


# -- POST /api/load and the token --------------------------------------------------------------------


def upload(service: Service, *files: tuple[str, str], headers: dict[str, str] | None = BEARER,
           params: dict[str, str] | None = None) -> httpx.Response:
    return service.client.post("/api/load", files=[("files", (name, text.encode(), "text/plain")) for name, text in files],
                               headers=headers, params=params)


def test_load_does_not_exist_without_a_token(service_falkordb):
    response = upload(service_falkordb, ("quill.txt", QUILL))
    assert response.status_code == 404
    assert "/api/load" not in service_falkordb.client.get("/openapi.json").json()["paths"]


@pytest.mark.parametrize("headers", [None, {"Authorization": "Bearer wrong-token"}, {"Authorization": f"Basic {TOKEN}"},
                                     {"Authorization": f"Bearer {TOKEN}x"}, {"Authorization": "Bearer"}])
def test_load_requires_the_token(writable, headers):
    response = upload(writable, ("quill.txt", QUILL), headers=headers)
    assert_problem(response, 401)
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert cypher(writable, EPISODES).json()["rows"] == [{"episodes": 10}]


def test_load_of_an_invalid_listing_names_file_and_line_and_writes_nothing(writable):
    response = upload(writable, ("quill.txt", QUILL), ("broken.txt", BROKEN))
    problem = assert_problem(response, 422, "broken.txt:8: bad date 'Feb 30, 2021'", "nothing was loaded")
    assert "/tmp" not in problem["detail"]  # the saved file's path is the service's business
    assert cypher(writable, EPISODES).json()["rows"] == [{"episodes": 10}]
    assert cypher(writable, "MATCH (c:Company {name: 'Quill'}) RETURN c").json()["rows"] == []


def test_load_of_a_file_that_is_no_listing_is_a_422(writable):
    assert_problem(upload(writable, ("empty.txt", "")), 422, "empty.txt: empty file")
    assert_problem(upload(writable, ("notes.txt", "just some notes\n")), 422, "notes.txt: no episodes found")


def test_load_without_files_is_a_422(writable):
    response = writable.client.post("/api/load", headers=BEARER)
    assert response.status_code == 422, response.text


def test_upload_past_the_size_limit_is_a_413_and_writes_nothing(writable):
    big = QUILL + "\n" + "x" * (16 << 20)
    assert_problem(upload(writable, ("big.txt", big)), 413, "larger than the limit of 16777216 bytes")
    assert cypher(writable, EPISODES).json()["rows"] == [{"episodes": 10}]


def test_chunked_body_past_the_size_limit_is_a_413(writable):
    def chunks() -> Iterator[bytes]:
        for _ in range(17):
            yield b" " * (1 << 20)

    response = writable.client.post("/api/cypher", content=chunks(), headers={"content-type": "application/json"})
    assert_problem(response, 413, "larger than the limit")


def test_load_adds_the_episode_and_the_next_request_sees_it(writable):
    response = upload(writable, ("quill.txt", QUILL))
    assert response.status_code == 200, response.text
    summary = response.json()
    assert (summary["files"], summary["episodes"], summary["listed"], summary["repeated"], summary["skipped"]) == (1, 1, 1, 0, [])
    # One episode, its company and its guest; the company uses rails and postgres, both in the listing already.
    added = summary["added"]
    assert {label: added["nodes"].get(label) for label in ("Episode", "Company", "Person", "Technology")} == {
        "Episode": 1, "Company": 1, "Person": 1, "Technology": None}
    assert added["relationships"]["USES"] == 2
    assert cypher(writable, EPISODES).json()["rows"] == [{"episodes": 11}]
    rails = writable.client.get("/api/technologies/rails/companies").json()
    assert "Quill" in [row["name"] for row in rails]
    # The in-memory stacks know it too: its stack is exactly {rails, postgres}, no bundled company's is.
    similar = writable.client.get("/api/similar", params={"stack": "rails,postgres", "limit": 1}).json()
    assert [(row["name"], row["jaccard"]) for row in similar] == [("Quill", 1.0)]


def test_load_again_adds_nothing_and_skip_invalid_loads_the_valid_episodes(writable):
    response = upload(writable, ("broken.txt", BROKEN), params={"skip_invalid": "true"})
    assert response.status_code == 200, response.text
    summary = response.json()
    assert summary["episodes"] == 1 and summary["added"] == {"nodes": {}, "relationships": {}}
    assert summary["skipped"] == [f"broken.txt:8: {summary['skipped'][0].split(': ', 1)[1]}"]
    assert cypher(writable, EPISODES).json()["rows"] == [{"episodes": 11}]


# -- binding beyond loopback ---------------------------------------------------------------------------


def test_serving_beyond_loopback_without_a_token_is_refused(loaded_store, monkeypatch):
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    result = invoke("serve", "--host", "0.0.0.0", "--port", "0", store=loaded_store)
    assert result.exit_code == 1
    assert one_line_error(result) == (f"stackgraph: error: refusing to serve on 0.0.0.0, which is not a loopback "
                                      f"address, without a token: set {TOKEN_ENV}")


def test_serving_beyond_loopback_with_a_token_is_allowed(loaded_store_copy, tmp_path):
    with running_service(store=loaded_store_copy, env={TOKEN_ENV: TOKEN}, host="0.0.0.0", log_dir=tmp_path) as service:
        assert service.client.get("/api/health").json()["episodes"] == 10


def test_upload_file_names_are_never_paths(writable):
    response = upload(writable, ("../../../../tmp/evil.txt", ""))
    assert_problem(response, 422, "../../../../tmp/evil.txt: empty file")
    assert not Path("/tmp/evil.txt").exists()

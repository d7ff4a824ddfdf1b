"""The JSON API on the real server (``stackgraph serve`` on a loopback port), on both backends, over the
bundled listing; every value worked out by hand from data/running-in-production.txt.

The stacks, as the listing's "⚙️ Tech Stack" sections give them, are in tests/test_queries.py's
docstring (N = 10 companies; postgres used by all but Openship, redis by Smart Music, VA.gov, Kernl.us,
Remote.com, GoRails and ScholarPack, elixir and phoenix by Smart Music, ScrollKeeper, Remote.com and
Logflare). One server per backend serves the whole module: it only reads.
"""

from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from graph.errors import QueryError, ReadOnlyRefusal, StoreUnavailable
from service import problems
from service_helpers import running_service

GORAILS_EPISODE = "2020-01-06-learn-ruby-on-rails-through-screencast-tutorials-on-gorails"
GORAILS_STACK = {"rails", "ruby", "turbolinks", "stimulusjs", "bootstrap", "braintree", "cloudflare", "digitalocean",
                 "lets-encrypt", "nginx", "postgres", "redis", "s3", "stripe", "ubuntu", "webpack", "wistia"}


def get(service, path, **params):
    """The JSON of a 200 answer, checked to be JSON."""
    response = service.client.get(path, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    return response.json()


def problem(service, path, status, **params):
    """The problem details of an error answer, checked to be one (RFC 9457) and to hold no traceback."""
    response = service.client.get(path, params=params)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert "Traceback" not in response.text
    body = response.json()
    assert body["status"] == status and body["instance"] == path.split("?")[0] and body["title"]
    return body


# --- the graph -------------------------------------------------------------------------------------


def test_health_names_the_backend_and_counts_the_episodes(service, request):
    backend = request.node.callspec.params["service"]
    assert get(service, "/api/health") == {"status": "ok", "backend": backend, "episodes": 10}


def test_stats(service):
    stats = get(service, "/api/stats")
    # 10 guests and the host; 562 topic lines ("M:SS – text") in the listing; the stacks' 163 entries.
    assert {label: stats["nodes"][label] for label in ("Company", "Episode", "Person", "Podcast", "Topic")} == {
        "Company": 10, "Episode": 10, "Person": 11, "Podcast": 1, "Topic": 562}
    assert {kind: stats["relationships"][kind] for kind in ("FEATURES", "APPEARED_ON", "HOSTS", "HAS_TOPIC", "USES")} \
        == {"FEATURES": 10, "APPEARED_ON": 10, "HOSTS": 1, "HAS_TOPIC": 562, "USES": 163}


def test_path_from_a_technology_to_a_provider(service):
    # Logflare uses Elixir and runs on Google Cloud, which its stack also lists.
    rows = get(service, "/api/path", **{"from": "Elixir", "to": "Google Cloud"})
    assert [(row["hops"], row["chain"]) for row in rows] == [
        (2, "Elixir <-USES- Logflare -HOSTED_ON-> Google Cloud"), (2, "Elixir <-USES- Logflare -USES-> Google Cloud")]
    assert rows[0]["nodes"] == ["Elixir", "Logflare", "Google Cloud"] and rows[0]["relationships"] == ["USES", "HOSTED_ON"]
    assert len(get(service, "/api/path", **{"from": "Elixir", "to": "Google Cloud", "limit": 1})) == 1


# --- technologies ------------------------------------------------------------------------------------


def test_technologies_by_prefix_and_by_alias(service):
    found = get(service, "/api/technologies", q="eli")
    assert found[0] == {"name": "Elixir", "technology": "elixir", "category": "language", "companies": 4}
    assert get(service, "/api/technologies", q="pg", limit=1) == [  # an alias of PostgreSQL, named exactly
        {"name": "PostgreSQL", "technology": "postgres", "category": "database", "companies": 9}]
    assert get(service, "/api/technologies", q="no-such-thing-xyz") == []


def test_technology(service):
    assert get(service, "/api/technologies/PostgreSQL") == {
        "technology": "postgres", "name": "PostgreSQL", "category": "database", "aliases": ["pg", "postgresql", "psql"],
        "homepage": None, "hosting": False, "companies": 9}
    assert get(service, "/api/technologies/aws")["hosting"] is True  # six companies run on it


def test_who_uses_elixir(service):
    rows = get(service, "/api/technologies/elixir/companies")
    assert [(row["company"], row["name"], row["date"], row["guests"]) for row in rows] == [  # newest first
        ("smart-music", "Smart Music", "2020-02-10", ["Julien Blanchard"]),
        ("scrollkeeper", "ScrollKeeper", "2020-01-20", ["Ian Butler"]),
        ("remote-com", "Remote.com", "2020-01-13", ["Marcelo Lebre"]),
        ("logflare", "Logflare", "2019-12-30", ["Chase Granberry"]),
    ]
    assert rows[0]["episode"] == "Smart Music Helps Musicians Practice More Efficiently"
    assert [row["company"] for row in get(service, "/api/technologies/ELIXIR/companies", limit=2)] == [
        "smart-music", "scrollkeeper"]


def test_cooccurring_with_postgres(service):
    rows = get(service, "/api/technologies/postgresql/cooccurring", category="hosting")
    # aws: 6 of 6 companies on it use postgres; digitalocean 3 of 4 (not Openship); gcp 1 of 1 (Logflare)
    assert [(row["technology"], row["shared"]) for row in rows] == [("aws", 6), ("digitalocean", 3), ("gcp", 1)]
    assert rows[1]["lift"] == pytest.approx(3 * 10 / (9 * 4)) and rows[1]["confidence"] == pytest.approx(3 / 9)
    assert [row["technology"] for row in get(service, "/api/technologies/postgres/cooccurring", min_count=6)] == [
        "aws", "redis"]


def test_hosting_of_elixir_companies(service):
    assert get(service, "/api/technologies/Elixir/hosting") == [
        {"name": "AWS", "provider": "aws", "companies": 3, "company_names": ["Remote.com", "ScrollKeeper", "Smart Music"]},
        {"name": "Google Cloud", "provider": "gcp", "companies": 1, "company_names": ["Logflare"]},
    ]


def test_related_to_influxdb(service):
    # Smart Music and Nova ADC use it; Smart Music's 18:29 topic names PostgreSQL and Redis with it.
    text = "PostgreSQL, InfluxDB and Redis are used to manage the data and for caching"
    rows = get(service, "/api/technologies/influxdb/related")
    assert [(row["relationship"], row["category"], row["neighbour"], row["at"], row["text"]) for row in rows] == [
        ("MENTIONED_WITH", "cache", "Redis", "18:29", text),
        ("MENTIONED_WITH", "database", "PostgreSQL", "18:29", text),
        ("USES", "company", "Nova ADC", None, None),
        ("USES", "company", "Smart Music", None, None),
    ]


def test_timeline_of_redis(service):
    rows = get(service, "/api/technologies/redis/timeline")
    # Oldest first; Logflare does not use Redis, its 36:34 topic talks about it.
    assert [(row["date"], row["company_name"], row["in_stack"], row["timestamps"]) for row in rows] == [
        ("2019-12-23", "ScholarPack", True, ["26:29", "27:39"]),
        ("2019-12-30", "Logflare", False, ["36:34"]),
        ("2020-01-06", "GoRails", True, ["23:40"]),
        ("2020-01-13", "Remote.com", True, ["29:43", "48:24"]),
        ("2020-01-27", "Kernl.us", True, ["16:29"]),
        ("2020-02-03", "VA.gov", True, ["17:59"]),
        ("2020-02-10", "Smart Music", True, ["18:29", "20:33"]),
    ]


def test_strongest_pairs(service):
    rows = get(service, "/api/pairs", min_count=3, limit=2)
    # ruby & rails: Smart Music, VA.gov, GoRails and nobody else: lift 3·10/(3·3); elixir & phoenix: 4·10/(4·4)
    assert [(row["a"], row["b"], row["shared"]) for row in rows] == [("ruby", "rails", 3), ("elixir", "phoenix", 4)]
    assert [row["lift"] for row in rows] == [pytest.approx(10 / 3), pytest.approx(2.5)]


# --- companies ---------------------------------------------------------------------------------------


def test_company_gorails(service):
    company = get(service, "/api/companies/GoRails")
    assert (company["company"], company["name"], company["website"], company["guests"]) == (
        "gorails", "GoRails", None, ["Chris Oliver"])
    assert company["episodes"] == [{"id": GORAILS_EPISODE, "date": "2020-01-06",
                                    "title": "Learn Ruby on Rails through Screencast Tutorials on GoRails"}]
    assert {item["technology"] for item in company["stack"]} == GORAILS_STACK
    assert company["stack"][0] == {"category": "hosting", "name": "DigitalOcean", "technology": "digitalocean",
                                   "hosting": True}  # hosting providers first
    assert get(service, "/api/companies/remote.com")["website"] == "https://remote.com"


def test_companies_similar_to_remote(service):
    [first] = get(service, "/api/companies/remote.com/similar", limit=1)
    # shared: phoenix elixir react aws docker ecs gitlab-ci postgres stripe = 9; union 17 + 15 - 9 = 23
    assert (first["company"], first["shared_count"]) == ("scrollkeeper", 9)
    assert first["jaccard"] == pytest.approx(9 / 23)
    by_cosine = get(service, "/api/companies/remote-com/similar", by="cosine")
    assert [row["cosine"] for row in by_cosine] == sorted((row["cosine"] for row in by_cosine), reverse=True)


def test_recommendations_from_the_nearest_company(service):
    rows = get(service, "/api/companies/Remote.com/recommendations", neighbours=1)
    # ScrollKeeper alone (J = 9/23) brings the six of its technologies Remote.com lacks, each scored 9/23.
    assert sorted(row["technology"] for row in rows) == ["acm", "cloudfront", "lambda", "route53", "s3", "serverless"]
    assert [(row["score"], row["companies"], row["company_names"]) for row in rows] == [
        (pytest.approx(9 / 23), 1, ["ScrollKeeper"])] * 6


def test_similar_to_a_stack(service):
    rows = get(service, "/api/similar", stack="rails,PostgreSQL", limit=4)
    # VA.gov 2/16 and GoRails 2/17 share both; Logflare 1/(2+9-1) and Smart Music 2/23 come next.
    assert [(row["company"], row["shared_count"]) for row in rows] == [
        ("va-gov", 2), ("gorails", 2), ("logflare", 1), ("smart-music", 2)]
    assert [row["jaccard"] for row in rows] == [pytest.approx(x) for x in (2 / 16, 2 / 17, 1 / 10, 2 / 23)]


# --- episodes ----------------------------------------------------------------------------------------


def test_episode_of_gorails(service):
    episode = get(service, f"/api/episodes/{GORAILS_EPISODE}")
    assert (episode["title"], episode["date"], episode["duration_s"], episode["company"], episode["guests"]) == (
        "Learn Ruby on Rails through Screencast Tutorials on GoRails", "2020-01-06", 74 * 60, "gorails", ["Chris Oliver"])
    assert len(episode["topics"]) == 44
    assert episode["topics"][0] == {"at": "1:42", "offset_s": 102, "technologies": [], "listen": None,
                                    "text": "Avoiding burn out by having a 2nd project to work on"}
    [database] = [topic for topic in episode["topics"] if topic["at"] == "23:40"]
    assert database["technologies"] == ["postgres", "redis"]
    assert len(episode["references"]) == 9
    assert {"url": "https://www.youtube.com/watch?v=Gzj723LkRJY", "domain": "youtube.com",
            "note": "famous 15 minute blog in Rails"} in episode["references"]
    assert {library["url"] for library in episode["libraries"]} >= {
        "https://github.com/ankane/strong_migrations", "https://github.com/pay-rails/pay"}
    assert len(episode["libraries"]) == 11
    assert {item["technology"] for item in episode["stack"]} == GORAILS_STACK
    by_title = get(service, "/api/episodes/learn ruby on rails through screencast tutorials on gorails")
    assert by_title["id"] == GORAILS_EPISODE


# --- errors ------------------------------------------------------------------------------------------


def test_an_unknown_name_is_404_with_the_closest_names(service):
    body = problem(service, "/api/technologies/elixr/companies", 404)
    assert body["detail"].startswith("no technology named 'elixr' in the store; did you mean 'Elixir'")
    assert (body["kind"], body["name"], body["suggestions"][0]) == ("technology", "elixr", "Elixir")
    assert problem(service, "/api/companies/GoRial", 404)["suggestions"][0] == "GoRails"
    assert problem(service, "/api/episodes/no-such-episode", 404)["kind"] == "episode"
    assert problem(service, "/api/technologies/postgres/cooccurring", 404, category="cach")["suggestions"][0] == "cache"


def test_an_unknown_path_is_404(service):
    assert problem(service, "/api/nowhere", 404)["detail"] == "no such path: /api/nowhere"


@pytest.mark.parametrize("path, params, where", [
    ("/api/technologies", {"limit": -1}, "query parameter 'limit'"),
    ("/api/technologies/redis/companies", {"limit": 10_001}, "query parameter 'limit'"),
    ("/api/pairs", {"limit": "many"}, "query parameter 'limit'"),
    ("/api/technologies/redis/cooccurring", {"min_count": 0}, "query parameter 'min_count'"),
    ("/api/companies/gorails/similar", {"by": "euclid"}, "query parameter 'by'"),
    ("/api/path", {"from": "elixir"}, "query parameter 'to'"),
])
def test_a_bad_parameter_is_422_naming_it(service, path, params, where):
    body = problem(service, path, 422, **params)
    assert [error["where"] for error in body["errors"]] == [where]
    assert body["detail"].startswith(where + ": ")


def test_a_stack_naming_nothing_and_an_unknown_kind_are_422(service):
    assert "stack names no technology" in problem(service, "/api/similar", 422, stack=" , ")["detail"]
    assert problem(service, "/api/path", 422, **{"from": "planet:mars", "to": "elixir"})["detail"].startswith(
        "no kind of thing called 'planet'")


# --- the service as a whole ---------------------------------------------------------------------------


def test_openapi_documents_every_read_endpoint(service):
    schema = get(service, "/openapi.json")
    assert {"/api/health", "/api/stats", "/api/technologies", "/api/technologies/{name}",
            "/api/technologies/{name}/companies", "/api/technologies/{name}/cooccurring",
            "/api/technologies/{name}/hosting", "/api/technologies/{name}/related", "/api/technologies/{name}/timeline",
            "/api/pairs", "/api/companies/{name}", "/api/companies/{name}/similar",
            "/api/companies/{name}/recommendations", "/api/similar", "/api/path", "/api/episodes/{id}"} <= set(schema["paths"])
    who_uses = schema["paths"]["/api/technologies/{name}/companies"]["get"]
    assert who_uses["responses"]["200"]["content"]["application/json"]["schema"]["items"]["$ref"].endswith("/Usage")
    assert "application/problem+json" in who_uses["responses"]["404"]["content"]


def test_concurrent_requests_get_the_answers_one_at_a_time_gets(service):
    paths = ["/api/companies/gorails", "/api/companies/remote.com/similar?limit=3", "/api/similar?stack=rails,redis",
             "/api/technologies/postgres/cooccurring", "/api/companies/scrollkeeper/recommendations",
             "/api/path?from=julien%20blanchard&to=company:logflare", "/api/technologies/redis/timeline",
             "/api/technologies/elixr"]
    expected = {path: service.client.get(path).json() for path in paths}
    with ThreadPoolExecutor(32) as pool:
        answers = list(pool.map(lambda path: (path, service.client.get(path).json()), paths * 6))
    assert [path for path, answer in answers if answer != expected[path]] == []


def test_an_unreachable_store_is_503(loaded_store_copy: Path):
    with running_service(store=loaded_store_copy) as service:
        [server] = subprocess.run(["pgrep", "-P", str(service.process.pid), "redis-server"], capture_output=True,
                                  text=True, check=True).stdout.split()
        subprocess.run(["kill", "-KILL", server], check=True)
        body = problem(service, "/api/technologies/elixir", 503)
        assert "lost the FalkorDB server" in body["detail"]


# --- the errors no read endpoint can be made to raise on a healthy store ------------------------------


class QueryTimeout(QueryError):
    """As graph.errors will name it (the handler knows the class by its name)."""


@pytest.mark.parametrize("error, status", [
    (QueryError("Invalid input 'R': expected ... (line 1, column 10)"), 400),
    (ReadOnlyRefusal("read-only: this statement writes"), 403),
    (QueryTimeout("the query ran past its 5 s limit"), 504),
    (StoreUnavailable("cannot reach Neo4j at bolt://127.0.0.1:1: connection refused"), 503),
    (RuntimeError("a bug, with a secret in its message"), 500),
])
def test_each_store_error_has_its_status(error, status):
    """The handlers of service.problems on an app of their own, whose one route raises the error."""
    app = FastAPI()
    problems.install(app)

    @app.get("/api/fails")
    def fails() -> None:
        raise error

    response = TestClient(app, raise_server_exceptions=False).get("/api/fails")
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["instance"] == "/api/fails"
    if status == 500:  # what went wrong is for the server's log, not for the client
        assert body["detail"] == "internal error; the server's log has the details" and "secret" not in response.text
    else:
        assert body["detail"] == str(error)

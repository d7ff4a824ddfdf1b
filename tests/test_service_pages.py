"""The web pages of ``stackgraph serve``, from the real server on both backends, over the bundled listing.

Expected values are worked out by hand from data/running-in-production.txt (10 episodes, 10 companies):

- Elixir is in four stacks: Smart Music (2020-02-10), ScrollKeeper (2020-01-20), Remote.com (2020-01-13)
  and Logflare (2019-12-30). Phoenix is in the same four and no other: shared 4, lift 4·10/(4·4) = 2.50.
  Smart Music, ScrollKeeper and Remote.com list aws, Logflare gcp (Google Cloud).
- Logflare's stack: phoenix elixir bigquery cloudflare docker gcp logflare open-source postgres (9).
  Remote.com (17 tags) shares phoenix, elixir, cloudflare, docker, postgres: Jaccard 5/(9+17-5) = 0.238;
  ScrollKeeper (15) shares phoenix, elixir, docker, postgres: 4/20 = 0.200. The three nearest (those
  two and Nova ADC, 3/26) all use aws and stripe: each scores 5/21 + 1/5 + 3/26 = 0.553.
- The Logflare episode: guest Chase Granberry, 38 topic lines from "2:16 – Over 7 billion log events…",
  4 references, the library ninenines/cowboy.
- PostgreSQL is in every stack but Openship's (9); Amazon CloudWatch and Terraform are each in
  VA.gov's and ScholarPack's stacks only: lift 2·10/(2·2) = 5, the strongest pair.
"""

from __future__ import annotations

import json
import re
import time

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser, LexborNode as Node

from conftest import REPO
from service_helpers import Service

LOGFLARE_EPISODE = "2019-12-30-logflare-is-a-log-management-and-event-analytics-platform"


def page(service: Service, path: str, status: int = 200) -> HTMLParser:
    response = service.client.get(path)
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    return HTMLParser(response.text)


def text(node: Node | None) -> str:
    assert node is not None
    return " ".join(node.text().split())


def rows(tree: HTMLParser, table: str) -> list[list[str]]:
    """The cells' text of each body row of the first table matching the CSS selector ``table``."""
    found = tree.css_first(table)
    assert found is not None, table
    return [[text(cell) for cell in row.css("td, th")] for row in found.css("tbody tr")]


def links(node: Node, selector: str = "a") -> list[tuple[str, str]]:
    return [(text(a), a.attributes.get("href") or "") for a in node.css(selector)]


def test_home_counts_popular_technologies_and_pairs(service):
    tree = page(service, "/")
    assert [text(c) for c in tree.css(".count")][:2] == ["10 episodes", "10 companies"]
    assert rows(tree, "table.popular")[0] == ["PostgreSQL", "database", "9"]
    assert links(tree.css_first("table.popular"), "tbody a")[0] == ("PostgreSQL", "/technologies/postgres")
    assert rows(tree, "table.pairs")[0] == ["Amazon CloudWatch + Terraform", "2", "5.00"]
    assert tree.css_first("form.big-search").attributes["action"] == "/search"


def test_technology_page_elixir(service):
    tree = page(service, "/technologies/elixir")
    assert text(tree.css_first("h1")).startswith("Elixir")
    assert links(tree.css_first("table.users"), "tbody td:first-child a") == [
        ("Smart Music", "/companies/smart-music"), ("ScrollKeeper", "/companies/scrollkeeper"),
        ("Remote.com", "/companies/remote-com"), ("Logflare", "/companies/logflare")]
    assert rows(tree, "table.hosting") == [["AWS", "3", "Remote.com, ScrollKeeper, Smart Music"], ["Google Cloud", "1", "Logflare"]]
    together = rows(tree, "table.together")
    assert together[0] == ["Phoenix", "framework", "4", "1.00", "2.50"]
    entries = tree.css("ol.timeline > li")
    assert [text(e.css_first(".date")) for e in entries] == ["2019-12-30", "2020-01-13", "2020-01-20", "2020-02-10"]
    logflare = entries[0]
    assert links(logflare, "a.episode") == [("Logflare Is a Log Management and Event Analytics Platform",
                                             f"/episodes/{LOGFLARE_EPISODE}")]
    assert "4:11 Currently there’s support in Elixir for the Logflare library" in [text(li) for li in logflare.css(".topics li")]


def test_technology_graph_data(service):
    tree = page(service, "/technologies/elixir")
    graph = json.loads(tree.css_first("script#graph-data").text())
    assert graph["centre"] == "elixir"
    assert graph["nodes"][0] == {"id": "elixir", "name": "Elixir", "category": "language", "shared": None}
    assert {"id": "phoenix", "name": "Phoenix", "category": "framework", "shared": 4} in graph["nodes"]
    assert {"a": "elixir", "b": "phoenix", "shared": 4} in graph["edges"]
    scripts = [s.attributes.get("src") for s in tree.css("script[src]")]
    assert scripts == ["/static/vis-network/vis-network.min.js", "/static/cooccurrence.js"]


def test_company_page_logflare(service):
    tree = page(service, "/companies/Logflare")  # a display name resolves as in the CLI
    assert text(tree.css_first("h1")) == "Logflare company"
    stack = {row[0]: row[1] for row in rows(tree, "table.stack")}
    assert stack == {"cdn": "Cloudflare", "cloud-service": "BigQuery", "container": "Docker", "database": "PostgreSQL",
                     "framework": "Phoenix", "hosting": "Google Cloud", "language": "Elixir", "logging": "Logflare",
                     "practice": "Open source"}
    facts = " ".join(text(p) for p in tree.css("p.facts"))
    assert "Hosted on: Google Cloud" in facts
    assert ("Chase Granberry", "/people/chase-granberry") in links(tree.css_first("main"), "p.facts a")
    assert ("Logflare Is a Log Management and Event Analytics Platform", f"/episodes/{LOGFLARE_EPISODE}") in \
        links(tree.css_first("main"), "p.facts a")
    similar = rows(tree, "table.similar")
    assert [row[:3] for row in similar[:2]] == [
        ["Remote.com", "0.238", "Cloudflare, Docker, Elixir, Phoenix, PostgreSQL"],
        ["ScrollKeeper", "0.200", "Docker, Elixir, Phoenix, PostgreSQL"]]
    assert links(tree.css_first("table.similar"), "tbody td:first-child a")[0] == ("Remote.com", "/companies/remote-com")
    recommendations = rows(tree, "table.recommendations")
    assert [row[:3] for row in recommendations[:2]] == [["AWS", "hosting", "0.553"], ["Stripe", "payments", "0.553"]]
    assert recommendations[0][3] == "Remote.com, ScrollKeeper, Nova ADC"


def test_episode_page_logflare(service):
    tree = page(service, f"/episodes/{LOGFLARE_EPISODE}")
    assert text(tree.css_first("h1")) == "Logflare Is a Log Management and Event Analytics Platform episode"
    topics = tree.css("ol.topics > li")
    assert len(topics) == 38
    assert text(topics[0]).startswith("2:16 Over 7 billion log events are being handled per month")
    assert ("Elixir", "/technologies/elixir") in links(topics[4])  # 5:13 – Elixir and Phoenix is powering…
    references = links(tree.css_first("ul.references"))
    assert len(references) == 4 and ("https://martinfowler.com/bliki/CanaryRelease.html",
                                     "https://martinfowler.com/bliki/CanaryRelease.html") in references
    assert links(tree.css_first("ul.libraries")) == [("cowboy", "https://github.com/ninenines/cowboy")]
    assert len(rows(tree, "table.stack")) == 9
    assert ("Chase Granberry", "/people/chase-granberry") in links(tree.css_first("p.facts"))


def test_person_page(service):
    tree = page(service, "/people/chase-granberry")
    assert ("Logflare", "/companies/logflare") in links(tree.css_first("main"))
    assert ("Logflare Is a Log Management and Event Analytics Platform", f"/episodes/{LOGFLARE_EPISODE}") in \
        links(tree.css_first("main"))


def test_search_finds_names_and_what_was_said(service):
    tree = page(service, "/search?q=elixir")
    assert ("Elixir", "/technologies/elixir") in links(tree.css_first("ul.names"))
    said = [text(li) for li in tree.css("ol.hits > li")]
    assert any("4:11 Currently there’s support in Elixir for the Logflare library" in hit for hit in said)
    assert page(service, "/search?q=%22%22").css_first(".problem") is not None  # no word to look for


@pytest.mark.parametrize("path, kind, suggestion", [
    ("/technologies/elixr", "technology", ("Elixir", "/technologies/Elixir")),
    ("/companies/logflar", "company", ("Logflare", "/companies/Logflare")),
])
def test_unknown_name_is_a_404_page_with_the_closest_matches(service, path, kind, suggestion):
    tree = page(service, path, status=404)
    assert text(tree.css_first(".problem")).startswith(f"no {kind} named")
    assert suggestion in links(tree.css_first("ul.suggestions"))


def test_path_page(service):
    tree = page(service, "/path?from=Elixir&to=Google+Cloud")
    chains = [text(li) for li in tree.css("ol.paths > li")]
    assert chains == ["Elixir <-USES- Logflare -HOSTED_ON-> Google Cloud", "Elixir <-USES- Logflare -USES-> Google Cloud"]
    assert links(tree.css_first("ol.paths > li"))[1] == ("Logflare", "/go?name=Logflare")
    redirect = service.client.get("/go?name=Logflare")
    assert (redirect.status_code, redirect.headers["location"]) == (303, "/companies/logflare")


def console(service: Service, query: str, params: str = "", status: int = 200) -> HTMLParser:
    response = service.client.get("/cypher", params={"query": query, "params": params})
    assert response.status_code == status, response.text[:500]
    return HTMLParser(response.text)


def test_cypher_console_reads_and_refuses_writes(service):
    tree = console(service, "MATCH (c:Company)-[:USES]->(:Technology {id: $id}) RETURN c.name AS company ORDER BY company",
                   '{"id": "elixir"}')
    assert [text(th) for th in tree.css("table.results th")] == ["company"]
    assert rows(tree, "table.results") == [["Logflare"], ["Remote.com"], ["ScrollKeeper"], ["Smart Music"]]
    refused = console(service, "CREATE (:Company {id: $id})", '{"id": "written-by-the-console"}', status=403)
    assert "read-only" in text(refused.css_first(".problem"))
    left = console(service, "MATCH (c:Company {id: $id}) RETURN count(c) AS n", '{"id": "written-by-the-console"}')
    assert rows(left, "table.results") == [["0"]]
    assert "the query failed" in text(console(service, "MATCH (n RETURN n", status=400).css_first(".problem"))
    assert "JSON object" in text(console(service, "RETURN 1", "[1]", status=422).css_first(".problem"))


def test_cypher_console_stops_a_query_at_the_time_limit(service):
    started = time.monotonic()
    slow = console(service, "UNWIND range(1, 100000) AS x UNWIND range(1, 100000) AS y RETURN count(*) AS n", status=504)
    assert "time limit of 5 s" in text(slow.css_first(".problem"))  # ServiceSettings.cypher_timeout
    assert time.monotonic() - started < 30


def test_viz_pages(service):
    response = service.client.get("/viz/ego?around=Logflare")
    assert response.status_code == 200
    # As `stackgraph viz --kind ego --around Logflare` draws it: the 13 nodes and 14 edges of
    # tests/test_viz_browser.py, and the decisions Logflare made: Elixir and Phoenix (5:35), GCP
    # (16:24), each MADE by it and CHOSE one of its stack: 16 nodes, 20 edges.
    assert "<title>Around Logflare (1 hop)</title>" in response.text and "16 nodes, 20 edges" in response.text
    assert not re.search(r"<script[^>]+src=[\"']?https?:", response.text)
    assert page(service, "/viz/nope", status=404).css_first(".problem") is not None
    assert page(service, "/viz/ego?around=Logflar", status=404).css_first("ul.suggestions") is not None


def test_no_asset_from_elsewhere(service):
    for path in ("/", "/technologies/elixir", "/companies/logflare", "/docs"):
        html = service.client.get(path).text
        external = re.findall(r"<(?:script|link)\b[^>]*(?:src|href)=[\"']?(?:https?:)?//[^>]*>", html)
        assert external == [], path
    docs = service.client.get("/docs").text
    for asset in ("/static/swagger-ui/swagger-ui-bundle.js", "/static/swagger-ui/swagger-ui.css", "/static/favicon.svg"):
        assert asset in docs
        assert service.client.get(asset).status_code == 200
    vis = service.client.get("/static/vis-network/vis-network.min.js")
    assert vis.status_code == 200 and "javascript" in vis.headers["content-type"]
    assert service.client.get("/openapi.json").json()["openapi"].startswith("3.1")


def test_pages_forbid_inline_scripts(service):
    policy = service.client.get("/technologies/elixir").headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]


def test_markup_in_the_data_stays_text(service_hostile):
    episode = "2020-02-03-acme-script-alert-1-script-is-a-rocket-shop"
    for path in (f"/episodes/{episode}", "/technologies/elixir", "/companies/acme", "/search?q=rocket", "/"):
        html = service_hostile.client.get(path).text
        assert "<script>alert(1)" not in html and "<script>window.__sgPwned" not in html, path
        assert "<img src=x" not in html, path
    tree = page(service_hostile, f"/episodes/{episode}")
    assert text(tree.css_first("h1")) == "Acme <script>alert(1)</script> Is a Rocket Shop episode"
    assert text(tree.css_first("ol.topics li")).startswith("1:02 Why </script><script>window.__sgPwned=1</script> runs")
    graph_json = page(service_hostile, "/technologies/elixir").css_first("script#graph-data").html or ""
    assert "</script><img" not in graph_json and "\\u003c/script\\u003e\\u003cimg" in graph_json


def test_templates_and_static_files_are_package_data():
    import fnmatch
    import tomllib

    setuptools = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    for folder in ("templates", "static"):
        package = f"service.{folder}"
        assert package in setuptools["packages"]
        patterns = setuptools["package-data"][package]
        files = [path.name for path in (REPO / "service" / folder).iterdir() if path.is_file()]
        assert files and [name for name in files if not any(fnmatch.fnmatch(name, p) for p in patterns)] == []


def test_viz_pages_are_bounded_before_the_graph_is_read(loaded_store_copy):
    from fastapi.testclient import TestClient

    from service.app import create_app
    from service.settings import ServiceSettings

    settings = ServiceSettings(store_path=str(loaded_store_copy), viz_max_nodes=5, viz_max_read_nodes=100)
    with TestClient(create_app(settings)) as client:
        # The bundled listing's 864 nodes: 562 topics, 130 technologies, 83 links, 29 decisions, 28 libraries,
        # 11 people, 10 companies, 10 episodes and the podcast.
        for kind in ("graph", "cooccurrence", "similar"):
            response = client.get(f"/viz/{kind}")
            assert response.status_code == 422
            problem = HTMLParser(response.text).css_first(".problem")
            assert f"the {kind} page reads the whole graph, which has 864 nodes, more than 100" in text(problem)
        # Logflare's neighbourhood is read alone, and has more than 5 nodes.
        response = client.get("/viz/ego", params={"around": "Logflare"})
        assert response.status_code == 422
        assert "more than 5" in text(HTMLParser(response.text).css_first(".problem"))


def test_a_bad_parameter_of_a_page_is_a_page_saying_which(service_falkordb):
    response = service_falkordb.client.get("/viz/ego", params={"around": "Logflare", "depth": 9})
    assert (response.status_code, response.headers["content-type"].split(";")[0]) == (422, "text/html")
    assert "query parameter 'depth'" in text(HTMLParser(response.text).css_first(".problem"))

"""export, analyze and sparql end to end on the embedded store (in this process, on the session's loaded
store); expected numbers worked out from the listing."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import networkx as nx
import pytest
import rdflib
from click.testing import Result

from cli_helpers import invoke

SCHEMA = rdflib.Namespace("https://schema.org/")
SG = rdflib.Namespace("https://stackgraph.dev/vocab#")


def run(*args: str, store: Path | None = None, check: bool = True) -> Result:
    return invoke(*args, store=store, check=check)


@pytest.fixture(scope="module")
def loaded(loaded_store: Path) -> tuple[Path, dict[str, dict[str, int]]]:
    counts = json.loads(run("stats", "--format", "json", store=loaded_store).stdout)
    return loaded_store, counts


def count_of(graph: rdflib.Graph, cls) -> int:
    return len(set(graph.subjects(rdflib.RDF.type, cls)))


@pytest.mark.parametrize("fmt,parser", [("turtle", "turtle"), ("jsonld", "json-ld"), ("nt", "nt")])
def test_rdf_round_trip_keeps_the_counts(loaded, tmp_path, fmt, parser):
    store, counts = loaded
    path = tmp_path / f"graph.{fmt}"
    run("export", "--format", fmt, "--output", str(path), store=store)
    graph = rdflib.Graph().parse(path, format=parser)
    # From the listing: 10 episodes, 10 guests + the host, 10 companies, 163 stack entries.
    assert count_of(graph, SCHEMA.PodcastEpisode) == 10
    assert count_of(graph, SCHEMA.Person) == 11
    assert count_of(graph, SCHEMA.Organization) == 10
    assert count_of(graph, SCHEMA.PodcastSeries) == 1
    assert len(list(graph.triples((None, SG.uses, None)))) == 163
    assert count_of(graph, SCHEMA.SoftwareApplication) == counts["nodes"]["Technology"]
    assert count_of(graph, SG.HostingProvider) == 3
    postgres = rdflib.URIRef("https://stackgraph.dev/id/Technology/postgres")
    assert (postgres, SCHEMA.name, rdflib.Literal("PostgreSQL")) in graph


def test_rdf_iris_are_stable_and_quoted(loaded):
    store, _ = loaded
    first = run("export", "--format", "nt", store=store).stdout
    second = run("export", "--format", "nt", store=store).stdout
    assert sorted(first.splitlines()) == sorted(second.splitlines())
    # Link keys are URLs: quoted into one path segment.
    assert "<https://stackgraph.dev/id/Link/https%3A%2F%2Fcloud.google.com%2F>" in first


def test_sparql_over_an_export(loaded, tmp_path):
    store, _ = loaded
    path = tmp_path / "graph.ttl"
    run("export", "--format", "turtle", "-o", str(path), store=store)
    query = ("SELECT ?company WHERE { ?c a schema:Organization ; sg:uses/schema:name 'Elixir' ; "
             "schema:name ?company } ORDER BY ?company")
    result = run("sparql", query, "--data", str(path), "--format", "csv")
    assert list(csv.reader(io.StringIO(result.stdout))) == [
        ["company"], ["Logflare"], ["Remote.com"], ["ScrollKeeper"], ["Smart Music"]
    ]
    dates = json.loads(run("sparql", "SELECT (MIN(?d) AS ?first) WHERE { ?e schema:datePublished ?d }",
                           "--data", str(path), "--format", "json").stdout)
    assert dates == [{"first": "2019-12-16"}]
    bad = run("sparql", "SELEKT nothing", "--data", str(path), check=False)
    assert bad.exit_code == 1 and bad.stderr.startswith("stackgraph: error: bad SPARQL query")


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json"])
def test_networkx_formats_read_back_with_every_node_and_edge(loaded, tmp_path, fmt):
    store, counts = loaded
    path = tmp_path / f"graph.{fmt}"
    run("export", "--format", fmt, "--output", str(path), store=store)
    if fmt == "graphml":
        graph = nx.read_graphml(path)
    elif fmt == "gexf":
        graph = nx.read_gexf(path)
    else:
        graph = nx.node_link_graph(json.loads(path.read_text()), edges="links")
    nodes = sum(n for label, n in counts["nodes"].items() if label != "HostingProvider")
    # 1 podcast + 10 episodes + 11 people + 10 companies + 562 topics + 83 links + 28 libraries
    # + 130 technologies (81 stack tags, 49 only mentioned in topics, as the catalog matches them)
    # + 29 decisions (tests/listing_counts.py)
    assert graph.number_of_nodes() == nodes == 864
    # 896 relationships summed by hand (see test_load) + 465 MENTIONS found by the catalog
    # + 98 decision relationships (29 MADE, 29 STATES, 28 CHOSE, 10 OVER, 2 WEIGHED)
    assert graph.number_of_edges() == sum(counts["relationships"].values()) == 1459
    aws = graph.nodes["Technology:aws"]
    labels = aws["labels"] if fmt == "json" else json.loads(aws["labels"])
    assert labels == ["HostingProvider", "Technology"]


def test_export_to_stdout_is_the_document(loaded):
    store, _ = loaded
    result = run("export", "--format", "graphml", store=store)
    assert result.stdout.startswith("<?xml")
    assert result.stderr.splitlines() == [f"Reading the graph from {store}…", "Writing it as graphml…"]


def test_analyze_finds_the_stack_families(loaded):
    store, _ = loaded
    rows = json.loads(run("analyze", "--format", "json", store=store).stdout)
    by_slug = {row["technology"]: row for row in rows}
    # Phoenix and Elixir always come together (4 companies), so do Rails and Ruby (3).
    assert by_slug["phoenix"]["community"] == by_slug["elixir"]["community"]
    assert by_slug["rails"]["community"] == by_slug["ruby"]["community"]
    assert by_slug["postgres"]["companies"] == 9
    assert by_slug["elixir"]["companies"] == 4
    # PostgreSQL is in 9 of 10 stacks: the most central technology.
    assert rows[0]["technology"] == "postgres"
    again = json.loads(run("analyze", "--format", "json", store=store).stdout)
    assert again == rows  # seeded: the same communities every run
    table = run("analyze", store=store).stdout.splitlines()
    assert table[0].split() == ["technology", "name", "category", "companies", "degree", "betweenness", "community"]

"""The networkx side of viz on each backend, and the viz CLI's errors; no browser needed.

Numbers worked out by hand from the listing (see test_viz_browser.py for the reasoning).
"""

from __future__ import annotations

import re

from cli_helpers import invoke
from conftest import LISTING
from loaders.pipeline import load_listings
from visualizations.neighbourhood import neighbourhood
from visualizations.networkx_export import (
    cooccurrence_graph,
    ego_graph,
    find_node,
    similar_companies_graph,
    store_graph,
)
from visualizations.pages import build_page, external_resources, page_graph


def test_store_graph_on_each_backend(store):
    load_listings([str(LISTING)], store)
    graph = store_graph(store)
    # as in test_export: 864 nodes and 896 + 465 MENTIONS + 98 decision relationships
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (864, 1459)
    assert graph.nodes["Technology:aws"]["labels"] == ["HostingProvider", "Technology"]
    assert graph.nodes["Company:logflare"]["name"] == "Logflare"
    assert graph.has_edge("Company:logflare", "Technology:gcp", key="HOSTED_ON")

    together = cooccurrence_graph(graph, min_count=5)
    assert sorted(together.nodes) == [f"Technology:{s}" for s in ("aws", "docker", "postgres", "redis", "s3", "stripe")]
    assert together.number_of_edges() == 5
    assert together["Technology:postgres"]["Technology:redis"]["weight"] == 6

    similar = similar_companies_graph(graph)
    assert (similar.number_of_nodes(), similar.number_of_edges()) == (10, 44)

    center = find_node(graph, "logflare")
    assert center == "Company:logflare"  # the company wins over the technology of the same name
    around = ego_graph(graph, center, 1)
    # and Logflare's 3 decisions (motivations for Elixir, Phoenix, GCP): 3 MADE, 3 CHOSE to its own stack
    assert (around.number_of_nodes(), around.number_of_edges()) == (13 + 3, 14 + 3 + 3)


def test_page_is_offline_and_escapes_data(falkordb_store):
    falkordb_store.clear()
    load_listings([str(LISTING)], falkordb_store)
    graph = store_graph(falkordb_store)
    hostile = '<img src=x onerror="window.__sgPwned=1"><a href=x>'
    graph.nodes["Company:logflare"]["name"] = hostile
    shown, heading, weighted = page_graph(graph, "ego", around="Company:logflare")
    page = build_page(shown, graph, heading, weighted)
    assert external_resources(page) == []
    assert not re.search(r"<(?:script|link)[^>]*\b(?:src|href)=", page)
    assert hostile not in page  # neither raw in HTML nor in the JSON (tojson escapes < and >)
    assert "\\u0026lt;img src=x" in page  # the tooltip markup carries the escaped text
    assert "popup.innerHTML" not in page  # "href" in the data did not switch pyvis to its own popup
    falkordb_store.clear()


def test_viz_cli_errors(loaded_store, tmp_path):
    missing = invoke("viz", "--kind", "ego", "--output", str(tmp_path / "x.html"), store=loaded_store)
    assert missing.exit_code == 2 and "--around" in missing.stderr
    unknown = invoke("viz", "--kind", "ego", "--around", "NoSuchThing", "--output", str(tmp_path / "x.html"),
                     store=loaded_store)
    assert unknown.exit_code == 1
    assert unknown.stderr.strip().splitlines() == ["stackgraph: error: no company, technology, person or episode "
                                                   "named 'NoSuchThing' in the store"]
    ok = invoke("viz", "--kind", "similar", "--output", str(tmp_path / "s.html"), store=loaded_store)
    assert ok.exit_code == 0 and ok.stderr.strip().endswith("10 nodes, 44 edges")


class CountingStore:
    """A real store, counting the rows its queries return."""

    def __init__(self, store):
        self.store, self.rows = store, 0

    def run(self, query, params=None, *, write=False):
        rows = self.store.run(query, params, write=write)
        self.rows += len(rows)
        return rows


def test_an_ego_page_reads_the_neighbourhood_only(graph):
    full = store_graph(graph)  # 864 nodes, 1459 relationships: 2323 rows read
    counting = CountingStore(graph)
    shown, context = neighbourhood(counting, "Company:logflare", 1, max_nodes=100)
    # As in test_viz: Logflare's 13 nodes and 14 edges, and its 3 decisions with their MADE and CHOSE.
    assert (shown.number_of_nodes(), shown.number_of_edges()) == (16, 20)
    assert counting.rows < 2323 / 4
    for depth in (1, 2, 3):  # what networkx's ego graph of the whole graph has, and every edge touching it
        shown, context = neighbourhood(graph, "Company:logflare", depth, max_nodes=2000)
        expected = ego_graph(full, "Company:logflare", depth)
        assert set(shown.edges(keys=True)) == set(expected.edges(keys=True)) and set(shown) == set(expected)
        assert set(context.edges(keys=True)) == {edge for edge in full.edges(keys=True) if shown.has_node(edge[0])
                                                 or shown.has_node(edge[1])}
        assert all(context.nodes[key] == full.nodes[key] for key in context)

"""The co-occurrence page's decision layer, on the bundled listing: eight arrows, worked out by hand.

From the decisions of tests/test_decisions.py that name a technology left and one taken: Google
Cloud -> AWS three times (Smart Music 22:44, ScholarPack 20:52, Remote.com 42:27), Heroku -> AWS and
Azure -> AWS (Remote.com 42:27), Apache -> nginx and nginx -> DigitalOcean
(Kernl), ECS -> Kubernetes (Remote.com, planned), Zope -> Flask and Flask-RESTPlus -> Connexion
(ScholarPack). Bootstrap vs Tailwind CSS names no winner and draws nothing.
"""

from __future__ import annotations

import json
import re

from cli_helpers import invoke
from visualizations.decision_layer import decision_edges, with_decisions
from visualizations.networkx_export import cooccurrence_graph, store_graph
from visualizations.pages import build_page, page_graph

ARROWS = {("gcp", "aws"): 3, ("heroku", "aws"): 1, ("azure", "aws"): 1, ("apache", "nginx"): 1, ("nginx", "digitalocean"): 1, ("ecs", "kubernetes"): 1,
          ("zope", "flask"): 1, ("flask-restplus", "connexion"): 1}


def _tech(key: str) -> str:
    return key.removeprefix("Technology:")


def test_decision_edges_on_each_backend(graph):
    full = store_graph(graph)
    assert {(_tech(a), _tech(b)): n for (a, b), n in decision_edges(full).items()} == ARROWS
    together = cooccurrence_graph(full, min_count=5)
    layered = with_decisions(together, full)
    # Apache, Zope's neighbours and the rest join the five-company pairs only through a decision
    assert {"Technology:apache", "Technology:connexion", "Technology:flask-restplus"} <= set(layered)
    assert layered.number_of_edges() == together.number_of_edges() + len(ARROWS)


def test_the_page_draws_an_arrow_per_way_decided(graph):
    full = store_graph(graph)
    shown, heading, weighted = page_graph(full, "cooccurrence", min_count=3, decisions=True)
    assert heading.endswith(", and the decisions between them") and weighted
    page = build_page(shown, full, heading, weighted)
    edges = json.loads(re.search(r"edges = new vis\.DataSet\((\[.*?\])\);", page, flags=re.S).group(1))
    arrows = {(_tech(e["from"]), _tech(e["to"])): e for e in edges if e.get("arrows") == "to"}
    assert set(arrows) == set(ARROWS)
    assert arrows[("gcp", "aws")]["width"] == 5.5  # 1 + 1.5 per decision
    assert arrows[("gcp", "aws")]["title"] == "3 decision(s): from Google Cloud to AWS"


def test_viz_decisions_flag(loaded_store, tmp_path):
    output = tmp_path / "decisions.html"
    result = invoke("viz", "--kind", "cooccurrence", "--decisions", "--output", str(output), store=loaded_store, check=True)
    assert "Wrote" in result.stderr and output.read_text(encoding="utf-8").count('"arrows": "to"') == len(ARROWS)
    assert invoke("viz", "--decisions", "--output", str(output), store=loaded_store).exit_code == 2


def test_decisions_on_a_page_read_as_what_was_decided(graph):
    full = store_graph(graph)
    shown, heading, weighted = page_graph(full, "ego", around="Kernl.us")
    page = build_page(shown, full, heading, weighted)
    nodes = json.loads(re.search(r"nodes = new vis\.DataSet\((\[.*?\])\);", page, flags=re.S).group(1))
    decisions = {node["label"]: node["title"] for node in nodes if node["type"] == "Decision"}
    # Kernl's five (tests/test_decisions.py): three motivations and two moves
    assert set(decisions) == {"why express", "why node", "why angular", "nginx → digitalocean", "apache → nginx"}
    assert "Switching from Apache to nginx in the middle of a 10 hour car ride" in decisions["apache → nginx"]
    assert "<b>made by:</b> Kernl.us" in decisions["apache → nginx"]

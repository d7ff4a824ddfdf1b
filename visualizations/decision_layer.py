"""Decision edges between technologies: from the rejected or previous one to the chosen one.

An optional layer over the co-occurrence graph: where a company chose one technology over
another, or moved from one to another, an arrow goes from the one left to the one taken, its
weight the number of decisions. Comparisons without a winner and motivations name no two
technologies with a direction, so they draw nothing.

>>> from loaders.pipeline import load_listings
>>> from visualizations.networkx_export import store_graph
>>> listing = tmp_path / "moves.txt"
>>> _ = listing.write_text("Feb 3, 2020 • 47min\\nAcme Is a Rocket Shop\\n"
...     "In this episode of Running in Production, Ann Lee goes over building Acme.\\n"
...     "Topics Include\\n1:05 – Switching from Apache to nginx\\n2:10 – Motivation for using Redis\\n", encoding="utf-8")
>>> with open_store("falkordb", path=tmp_path / "layer-example") as acme:
...     _ = load_listings([listing], acme)
...     full = store_graph(acme)
>>> decision_edges(full)
{('Technology:apache', 'Technology:nginx'): 1}
"""

from __future__ import annotations

from collections import Counter

import networkx as nx


def decision_edges(graph: nx.MultiDiGraph) -> dict[tuple[str, str], int]:
    """(rejected or previous technology, chosen technology) -> how many decisions went that way, by key."""
    counts: Counter[tuple[str, str]] = Counter()
    for key, data in graph.nodes(data=True):
        if data.get("label") != "Decision":
            continue
        ends: dict[str, list[str]] = {"CHOSE": [], "OVER": []}
        for _, technology, rel_type in graph.out_edges(key, keys=True):
            if rel_type in ends:
                ends[rel_type].append(technology)
        counts.update((left, taken) for left in ends["OVER"] for taken in ends["CHOSE"])
    return dict(sorted(counts.items()))


def with_decisions(together: nx.Graph, full: nx.MultiDiGraph) -> nx.MultiGraph:
    """``together`` (technologies and their co-occurrence edges) with the decision edges added, and the
    technologies only a decision names; a decision edge carries ``decisions``, ``left`` and ``taken``."""
    layered = nx.MultiGraph(together)
    for (left, taken), count in decision_edges(full).items():
        for technology in (left, taken):
            if technology not in layered:
                layered.add_node(technology, **full.nodes[technology])
        layered.add_edge(left, taken, key="DECIDED", decisions=count, left=left, taken=taken)
    return layered

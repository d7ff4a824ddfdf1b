"""Interactive graph pages (pyvis / vis-network), one self-contained HTML file each.

Four kinds:

- ``graph``: every node and relationship of the store;
- ``ego``: the nodes within N hops of one entity, read from the store alone (visualizations.neighbourhood);
- ``cooccurrence``: technologies, an edge where companies use both (width = how many); optionally
  with the decisions between them, arrows from the rejected or previous one to the chosen one;
- ``similar``: companies, an edge where stacks overlap (width = Jaccard of the stacks).

Colour by node type (technologies by category) with a legend, size by degree,
tooltips with a node's key facts. The page works offline: vis-network, its CSS
and tom-select are inlined, and pyvis's Bootstrap CDN tags are dropped. Text
from the data is HTML-escaped before it reaches a tooltip, and the template is
rendered with autoescaping, so a title such as ``<img src=x onerror=...>``
shows as text and runs nothing.

A page is drawn for a person to look at: one that would show more nodes than a limit is
refused (TooManyNodes) rather than drawn for minutes into a file a browser cannot open.
"""

from __future__ import annotations

import colorsys
import html
import json
import math
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import networkx as nx
from jinja2 import Environment, FileSystemLoader
from pyvis.network import Network

from domain.schema import SCHEMA
from graph import GraphStore
from graph.dialect import quoted
from visualizations.decision_layer import with_decisions
from visualizations.neighbourhood import TooManyNodes, neighbourhood
from visualizations.networkx_export import (
    cooccurrence_graph,
    ego_graph,
    find_node,
    similar_companies_graph,
    store_graph,
)

KINDS = ("graph", "ego", "cooccurrence", "similar")

LABEL_COLOURS = {
    "Podcast": "#6a3d9a",
    "Episode": "#1f78b4",
    "Person": "#33a02c",
    "Company": "#e31a1c",
    "Library": "#b15928",
    "Topic": "#a6cee3",
    "Link": "#bdbdbd",
    "Decision": "#ff7f00",
}
DECISION_COLOUR = "#d62728"
# How a decision reads, from its key's technologies (chosen, then the other one).
_DECISION_DISPLAY = {"chose_over": "{0} over {1}", "moved_from": "{1} → {0}", "compared": "{0} vs {1}",
                     "motivation": "why {0}"}


# Kenneth Kelly's colours of maximum contrast (less white and black): the first twenty
# categories on a page get colours nobody confuses; more get golden-angle hues.
KELLY_COLOURS = [
    "#F3C300", "#875692", "#F38400", "#A1CAF1", "#BE0032", "#C2B280", "#848482", "#008856", "#E68FAC", "#0067A5",
    "#F99379", "#604E97", "#F6A600", "#B3446C", "#DCD300", "#882D17", "#8DB600", "#654522", "#E25822", "#2B3D26",
]


def distinct_colours(count: int) -> list[str]:
    """``count`` colours that differ from each other, however many categories a page has.

    >>> colours = distinct_colours(40)
    >>> len(set(colours)), colours[:2]
    (40, ['#F3C300', '#875692'])
    """
    golden = 0.618033988749895
    colours = KELLY_COLOURS[:count]
    for index in range(count - len(colours)):
        red, green, blue = colorsys.hls_to_rgb((0.05 + index * golden) % 1.0, 0.68 if index % 2 == 0 else 0.55, 0.6)
        colours.append(f"#{round(red * 255):02x}{round(green * 255):02x}{round(blue * 255):02x}")
    return colours


HOSTING_CATEGORY = "hosting"
HOSTING_COLOUR = "#00B5AD"  # teal: no Kelly colour is near it, so hosting providers stand out

PHYSICS_OPTIONS = {
    "physics": {
        "solver": "forceAtlas2Based",
        "forceAtlas2Based": {
            "gravitationalConstant": -60,
            "centralGravity": 0.01,
            "springLength": 90,
            "springConstant": 0.08,
            "avoidOverlap": 0.3,
        },
        "minVelocity": 1,
        "stabilization": {"enabled": True, "iterations": 400, "updateInterval": 50, "fit": True},
    },
    "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": True},
    "edges": {"smooth": False, "color": {"inherit": False, "color": "#9e9e9e"}},
    "nodes": {"font": {"size": 12}},
}

_CDN_TAG = re.compile(r"<(script|link)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//[^>]*>(?:\s*</script>)?", re.I | re.S)
_TEMPLATE_COMMENT = re.compile(r"<!--\s*<link[^>]*node_modules.*?-->", re.S)
# pyvis's node search: an option per node, showing its key; then a reset button of its own beside it.
_NODE_OPTION = re.compile(r'<option value="([^"]*)">\s*\1\s*</option>')
_SEARCH_RESET = re.compile(
    r'<div class="col-10 pb-2">(\s*<select[^>]*id="select-node".*?</select>\s*)</div>\s*'
    r'<div class="col-2 pb-2">\s*<button[^>]*neighbourhoodHighlight\(\{nodes: \[\]\}\);"[^>]*>Reset Selection</button>\s*</div>',
    re.S,
)
_EMPTY_HEADING = re.compile(r"(?:<center>\s*)?<h1>\s*</h1>(?:\s*</center>)?")
_NETWORK_LINE = "network = new vis.Network(container, data, options);"

# Tooltips arrive as escaped HTML strings; vis-network 9 shows a string title as plain text,
# so turn each into an element (the markup is ours, every data value in it is escaped).
_BEFORE_NETWORK = """
                  (function () {
                      function htmlTitle(markup) {
                          var element = document.createElement("div");
                          element.className = "sg-tooltip";
                          element.innerHTML = markup;
                          return element;
                      }
                      var updates = [];
                      nodes.forEach(function (node) {
                          if (typeof node.title === "string") { updates.push({id: node.id, title: htmlTitle(node.title)}); }
                      });
                      nodes.update(updates);
                      var edgeUpdates = [];
                      edges.forEach(function (edge) {
                          if (typeof edge.title === "string") { edgeUpdates.push({id: edge.id, title: htmlTitle(edge.title)}); }
                      });
                      edges.update(edgeUpdates);
                  })();
"""
# A few hundred nodes settle during stabilization; then physics goes off so the layout stays put.
_AFTER_NETWORK = """
                  window.stackgraphStable = nodes.length === 0;  // an empty network never stabilizes
                  network.once("stabilizationIterationsDone", function () {
                      network.setOptions({physics: {enabled: false}});
                      var bar = document.getElementById("loadingBar");
                      if (bar) { bar.style.display = "none"; }
                      window.stackgraphStable = true;
                  });
"""
_STYLE = """
<style>
  body { margin: 0; font-family: sans-serif; }
  .sg-legend { position: fixed; bottom: 10px; left: 10px; z-index: 10; background: rgba(255,255,255,0.92);
               border: 1px solid #ccc; border-radius: 4px; padding: 6px 10px; font: 12px sans-serif;
               max-height: 60vh; overflow: auto; }
  .sg-legend summary { font-weight: bold; font-size: 14px; cursor: pointer; }
  .sg-legend .sg-swatch { display: inline-block; width: 11px; height: 11px; border-radius: 50%; margin-right: 5px; vertical-align: middle; }
  .sg-tooltip { font: 12px sans-serif; max-width: 420px; white-space: normal; }
  /* pyvis's menus expect Bootstrap, which would come from a CDN: a few rules instead */
  .card-header { padding: 4px 8px; background: #f7f7f7; border-bottom: 1px solid #ddd; }
  .card-header .row { display: flex; gap: 8px; align-items: flex-start; }
  .col-1 { flex: 1; } .col-2 { flex: 2; } .col-3 { flex: 3; } .col-10 { flex: 10; }
  .btn { width: 100%; padding: 6px; border: 1px solid #1f78b4; border-radius: 4px; background: #1f78b4; color: #fff; cursor: pointer; }
  #mynetwork { border: none !important; }
</style>
"""


def _esc(value: Any) -> str:
    # pyvis swaps in its own popup (which assumes string titles) when any title contains "href";
    # spell the data's "href" with an entity so the page keeps vis-network's tooltips.
    return html.escape("" if value is None else str(value), quote=True).replace("href", "hre&#102;")


def _display(key: str, data: dict[str, Any]) -> str:
    label = data.get("label", "")
    if label == "Topic":
        text = str(data.get("text") or "")
        return text if len(text) <= 40 else text[:39] + "…"
    if label == "Link":
        return str(data.get("domain") or data.get("url") or key)
    if label == "Decision":
        # The key ends in kind/chosen[/other] (loaders/decisions.py); the kind is also a property.
        kind = str(data.get("kind"))
        technologies = key.split(f"/{kind}/", 1)[-1].split("/")
        return _DECISION_DISPLAY.get(kind, "{0}").format(*technologies, "")
    return str(data.get("name") or data.get("title") or key.partition(":")[2])


class _Facts:
    """The key facts of each node, from the whole graph, for tooltips."""

    def __init__(self, graph: nx.MultiDiGraph):
        self.graph = graph
        self.out: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.into: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for source, target, rel_type in graph.edges(keys=True):
            self.out[source][rel_type].append(target)
            self.into[target][rel_type].append(source)

    def names(self, keys: list[str]) -> list[str]:
        return sorted({_display(k, self.graph.nodes[k]) for k in keys}, key=str.casefold)

    def tooltip(self, key: str) -> str:
        data = self.graph.nodes[key]
        label = data.get("label", "")
        lines = [f"<b>{_esc(_display(key, data))}</b> <i>({_esc(label)})</i>"]

        def add(name: str, value: Any) -> None:
            if value not in (None, "", []):
                text = ", ".join(value) if isinstance(value, list) else str(value)
                lines.append(f"<b>{_esc(name)}:</b> {_esc(text)}")

        out, into = self.out[key], self.into[key]
        if label == "Company":
            add("website", data.get("website"))
            add("episode", self.names(into.get("FEATURES", [])))
            add("guests", self.names(into.get("WORKS_ON", [])))
            add("hosted on", self.names(out.get("HOSTED_ON", [])))
            add(f"stack ({len(out.get('USES', []))})", self.names(out.get("USES", [])))
        elif label == "Technology":
            add("category", data.get("category"))
            add(f"used by ({len(into.get('USES', []))})", self.names(into.get("USES", [])))
            add("hosts", self.names(into.get("HOSTED_ON", [])))
            add("mentioned in topics", len(into.get("MENTIONS", [])) or None)
        elif label == "Episode":
            add("date", data.get("date"))
            add("guests", self.names(into.get("APPEARED_ON", [])))
            add("company", self.names(out.get("FEATURES", [])))
            add("topics", len(out.get("HAS_TOPIC", [])) or None)
        elif label == "Person":
            add("hosts", self.names(out.get("HOSTS", [])))
            add("appeared on", self.names(out.get("APPEARED_ON", [])))
            add("works on", self.names(out.get("WORKS_ON", [])))
        elif label == "Topic":
            offset = data.get("offset_s")
            if isinstance(offset, int):
                add("at", f"{offset // 3600}:{offset // 60 % 60:02d}:{offset % 60:02d}" if offset >= 3600 else f"{offset // 60}:{offset % 60:02d}")
            add("text", data.get("text"))
            add("mentions", self.names(out.get("MENTIONS", [])))
        elif label == "Library":
            add("url", data.get("url"))
            add("used by", self.names(into.get("USES_LIBRARY", [])))
        elif label == "Link":
            add("url", data.get("url"))
            add("note", data.get("note"))
        elif label == "Decision":
            add("kind", str(data.get("kind", "")).replace("_", " ") + (" (planned)" if data.get("planned") else ""))
            add("made by", self.names(into.get("MADE", [])))
            add("chose", self.names(out.get("CHOSE", [])))
            add("over", self.names(out.get("OVER", [])))
            add("weighed", self.names(out.get("WEIGHED", [])))
            add("said", [str(self.graph.nodes[k].get("text") or "") for k in into.get("STATES", [])
                         if self.graph.nodes[k].get("label") == "Topic"])
        elif label == "Podcast":
            add("author", data.get("author"))
            add("episodes", len(out.get("HAS_EPISODE", [])) or None)
        return "<br>".join(lines)


def _colour(data: dict[str, Any], categories: dict[str, str]) -> tuple[str, str]:
    """(colour, legend entry) of a node."""
    label = data.get("label", "")
    if label == "Technology":
        category = str(data.get("category") or "other")
        # A technology of the catalog's hosting category and one a company is hosted on are one entry.
        if category == HOSTING_CATEGORY or "HostingProvider" in data.get("labels", []):
            return HOSTING_COLOUR, "Technology: hosting provider"
        return categories[category], f"Technology: {category}"
    return LABEL_COLOURS.get(label, "#999999"), label


def build_page(shown: nx.Graph, full: nx.MultiDiGraph, heading: str, weighted: bool) -> str:
    """The HTML of one page showing ``shown`` (a subgraph or derived graph of ``full``).

    >>> from visualizations.networkx_export import store_graph
    >>> graph = store_graph(store)
    >>> page = build_page(graph, graph, "Tiny", weighted=False)
    >>> "<title>Tiny</title>" in page, "16 nodes, 19 edges" in page, external_resources(page)
    (True, True, [])
    """
    # A layer of decision arrows over an undirected graph: the network is directed (pyvis would merge
    # an arrow into a co-occurrence edge between the same two technologies), its other edges arrowless.
    arrowless = not shown.is_directed() and any("decisions" in data for *_, data in shown.edges(data=True))
    net = Network(height="92vh", width="100%", directed=shown.is_directed() or arrowless, cdn_resources="in_line",
                  select_menu=True, filter_menu=True, heading="")
    # Autoescape: the template puts node ids and the heading into HTML (the select menu).
    net.templateEnv = Environment(loader=FileSystemLoader(net.template_dir), autoescape=True)
    facts = _Facts(full)
    # Colours go to the categories this page shows, in name order, so that they stay distinct.
    shown_data = (full.nodes[key] if key in full else shown.nodes[key] for key in shown.nodes)
    names = sorted({str(d.get("category") or "other") for d in shown_data if d.get("label") == "Technology"}
                   - {HOSTING_CATEGORY})
    categories = dict(zip(names, distinct_colours(len(names))))
    legend: dict[str, str] = {}
    degrees = dict(shown.degree(weight=None))
    for key in sorted(shown.nodes, key=lambda k: (str(shown.nodes[k].get("label")), k)):
        data = full.nodes[key] if key in full else shown.nodes[key]
        colour, entry = _colour(data, categories)
        legend[entry] = colour
        net.add_node(
            key,
            label=_display(key, data),
            title=facts.tooltip(key) if key in full else _esc(key),
            color=colour,
            size=round(8 + 5 * math.sqrt(degrees.get(key, 0)), 1),
            shape="dot",
            type=data.get("label", ""),
            category=str(data.get("category") or ""),
        )
    if shown.is_multigraph():
        edges = shown.edges(keys=True, data=True)
    else:
        edges = ((a, b, None, d) for a, b, d in shown.edges(data=True))
    for source, target, rel_type, data in edges:
        options: dict[str, Any] = {}
        if "decisions" in data:
            source, target = data["left"], data["taken"]  # the multigraph keeps no direction
            legend["→ decided: from the one left to the one chosen"] = DECISION_COLOUR
            options.update(arrows="to", color=DECISION_COLOUR, width=round(1 + 1.5 * data["decisions"], 2),
                           title=_esc(f"{data['decisions']} decision(s): from {_display(source, full.nodes[source])} "
                                      f"to {_display(target, full.nodes[target])}"))
        elif weighted:
            weight = data.get("weight", 1)
            options["width"] = round(1 + (4 * weight if weight <= 1 else 1.5 * weight), 2)
            shared = data.get("shared")
            options["title"] = _esc(f"{weight:.2f} (shares {shared})" if shared else f"{weight} companies use both")
            options["weight"] = weight
        else:
            options["title"] = _esc(rel_type or data.get("type", ""))
            options["type"] = rel_type or data.get("type", "")
        if arrowless and "arrows" not in options:
            options["arrows"] = {"to": {"enabled": False}}
        net.add_edge(source, target, **options)
    net.set_options(json.dumps(PHYSICS_OPTIONS))
    page = net.generate_html()
    return _finish(page, heading, legend, shown, _search_names(shown, full))


def _search_names(shown: nx.Graph, full: nx.MultiDiGraph) -> dict[str, str]:
    """What the node search lists for each node: its display name, and its kind when two share it
    (Logflare the company and Logflare the technology)."""
    names = {key: _display(key, full.nodes[key] if key in full else shown.nodes[key]) for key in shown.nodes}
    counts = Counter(names.values())
    return {key: f"{name} ({key.partition(':')[0].lower()})" if counts[name] > 1 else name
            for key, name in names.items()}


def _searchable(page: str, names: dict[str, str]) -> str:
    """The node search lists display names (its option values stay the node keys), and one reset
    button clears both the search's highlight and the filter."""
    shown = {html.escape(key): html.escape(name) for key, name in names.items()}
    page = _NODE_OPTION.sub(lambda m: f'<option value="{m[1]}">{shown.get(m[1], m[1])}</option>', page)
    page = page.replace("Select a Node by ID", "Search a node by name")
    filter_reset = 'onclick="clearFilter(true)"'
    if filter_reset in page:
        page = _SEARCH_RESET.sub('<div class="col-12 pb-2">\\1</div>', page, count=1)
        page = page.replace(filter_reset, 'onclick="neighbourhoodHighlight({nodes: []}); clearFilter(true)"', 1)
    return page


def _finish(page: str, heading: str, legend: dict[str, str], shown: nx.Graph, names: dict[str, str]) -> str:
    page = _searchable(page, names)
    page = _CDN_TAG.sub("", page)
    page = _TEMPLATE_COMMENT.sub("", page)
    page = _EMPTY_HEADING.sub("", page)  # the heading is in the legend box
    if _NETWORK_LINE not in page:
        raise RuntimeError("pyvis template changed: cannot find where the network is created")
    page = page.replace(_NETWORK_LINE, _BEFORE_NETWORK + "                  " + _NETWORK_LINE + _AFTER_NETWORK, 1)
    items = "".join(
        f'<div><span class="sg-swatch" style="background:{_esc(colour)}"></span>{_esc(entry)}</div>'
        for entry, colour in sorted(legend.items())
    )
    box = (
        f'<details class="sg-legend" id="sg-legend" open><summary>{_esc(heading)}</summary>'
        f"<div>{shown.number_of_nodes()} nodes, {shown.number_of_edges()} edges</div>{items}</details>"
    )
    page = page.replace("</head>", f"<title>{_esc(heading)}</title>" + _STYLE + "</head>", 1)
    page = re.sub(r"<body>", lambda _: "<body>\n" + box, page, count=1)
    remaining = external_resources(page)
    if remaining:
        raise RuntimeError(f"the page still loads from the network: {remaining[:3]}")
    return page


def external_resources(page: str) -> list[str]:
    """Script or stylesheet tags that load from the network (the page must have none).

    >>> external_resources('<script src="https://cdn.example/vis.js"></script><script>var a;</script>')
    ['<script src="https://cdn.example/vis.js"></script>']
    """
    return [match.group(0)[:120] for match in _CDN_TAG.finditer(page)]


def page_graph(full: nx.MultiDiGraph, kind: str = "graph", around: str | None = None, depth: int = 1,
               min_count: int = 1, decisions: bool = False) -> tuple[nx.Graph, str, bool]:
    """(graph to show, heading, weighted edges?) for a page kind, from a graph in memory.

    >>> from visualizations.networkx_export import store_graph
    >>> shown, heading, weighted = page_graph(store_graph(store), "similar", min_count=2)
    >>> [sorted(edge) for edge in shown.edges], heading, weighted
    ([['Company:acme', 'Company:bolt']], 'Similar companies (sharing at least 2 technologies)', True)
    """
    if kind == "graph":
        return full, "StackGraph: the whole graph", False
    if kind == "ego":
        if not around:
            raise ValueError("--kind ego needs --around NAME")
        center = find_node(full, around)
        if center is None:
            raise LookupError(f"no node named {around!r} (try a company, technology, person or episode name)")
        return ego_graph(full, center, depth), _ego_heading(center, full, depth), False
    if kind == "cooccurrence":
        heading = f"Technologies used together (at least {min_count} companies)"
        together = cooccurrence_graph(full, min_count)
        if decisions:
            return with_decisions(together, full), heading + ", and the decisions between them", True
        return together, heading, True
    if kind == "similar":
        return similar_companies_graph(full, min_count), f"Similar companies (sharing at least {min_count} technologies)", True
    raise ValueError(f"unknown kind {kind!r}; choose one of: {', '.join(KINDS)}")


def _ego_heading(center: str, graph: nx.MultiDiGraph, depth: int) -> str:
    return f"Around {_display(center, graph.nodes[center])} ({'1 hop' if depth == 1 else f'{depth} hops'})"


def _count(store: GraphStore, label: str | None = None) -> int:
    """How many nodes (of ``label``): a count both stores keep, no scan."""
    pattern = f"(n:{quoted(label)})" if label else "(n)"
    return int(store.run(f"MATCH {pattern} RETURN count(n) AS nodes")[0]["nodes"])


def _check_size(nodes: int, max_nodes: int, what: str) -> None:
    if nodes > max_nodes:
        raise TooManyNodes(f"{what} has {nodes} nodes, more than {max_nodes}")


def whole_graph_nodes(store: GraphStore) -> int:
    """The nodes a page reading the whole graph reads (derived data, the co-occurrence index, left out),
    from the counts both stores keep.

    >>> whole_graph_nodes(store)
    16
    """
    return _count(store) - sum(_count(store, label) for label in SCHEMA.derived_labels)


def draw_page(store: GraphStore, kind: str = "graph", around: str | None = None, depth: int = 1,
              min_count: int = 1, decisions: bool = False, *, max_nodes: int) -> tuple[str, nx.Graph]:
    """One page of the store, as HTML, and the graph it shows.

    ``around`` is the ego page's centre, a node key (``Company:bolt``): the page reads only its
    neighbourhood. A page that would show more than ``max_nodes`` nodes raises TooManyNodes, before
    the graph is read where the store's counts tell (the whole graph, similar companies).

    >>> page, shown = draw_page(store, kind="ego", around="Company:bolt", max_nodes=100)
    >>> shown.number_of_nodes(), "Around Bolt (1 hop)" in page
    (5, True)
    >>> draw_page(store, max_nodes=10)
    Traceback (most recent call last):
    ...
    visualizations.neighbourhood.TooManyNodes: the whole graph has 16 nodes, more than 10
    """
    if kind == "ego":
        if not around:
            raise ValueError("--kind ego needs --around NAME")
        shown, context = neighbourhood(store, around, depth, max_nodes)
        return build_page(shown, context, _ego_heading(around, context, depth), weighted=False), shown
    if kind == "graph":
        _check_size(whole_graph_nodes(store), max_nodes, "the whole graph")
    elif kind == "similar":  # every company is a node of it
        _check_size(_count(store, "Company"), max_nodes, "the page of similar companies")
    full = store_graph(store)
    shown, heading, weighted = page_graph(full, kind, None, depth, min_count, decisions)
    _check_size(shown.number_of_nodes(), max_nodes, f"the {kind} page")
    return build_page(shown, full, heading, weighted), shown


def write_page(store: GraphStore, output: str | Path, kind: str = "graph", around: str | None = None,
               depth: int = 1, min_count: int = 1, decisions: bool = False, *, max_nodes: int) -> nx.Graph:
    """Write :func:`draw_page`'s page to ``output``; returns the graph it shows.

    >>> write_page(store, tmp_path / "ego.html", kind="ego", around="Company:bolt", max_nodes=100).number_of_nodes()
    5
    """
    page, shown = draw_page(store, kind, around, depth, min_count, decisions, max_nodes=max_nodes)
    Path(output).write_text(page, encoding="utf-8")
    return shown

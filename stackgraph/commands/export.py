"""export, analyze and sparql: the graph in open formats and what networkx and SPARQL say about it."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from stackgraph.app import (
    EXIT_INVALID, App, fail, format_option, handle_errors, limit_option, pass_app, require_folder_of,
)
from stackgraph.output import escape_controls, render
from stackgraph.progress import step

# visualizations.networkx_export.EXPORT_FORMATS and the keys of visualizations.rdf_export.RDF_FORMATS,
# spelled out: those modules import networkx and rdflib (a test checks they agree).
EXPORT_FORMATS = ("graphml", "gexf", "json")
RDF_FORMATS = ("turtle", "jsonld", "nt")


def _emit(text: str, output: str | None) -> None:
    """The document to ``output``, or to stdout: exact to a pipe, its control characters escaped on a terminal."""
    if output:
        Path(output).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        click.echo(f"Wrote {output}", err=True)
    else:
        text = text.rstrip("\n")
        click.echo(escape_controls(text, keep="\n\t") if sys.stdout.isatty() else text)


@click.command()
@click.option("--format", "fmt", type=click.Choice(list(EXPORT_FORMATS) + list(RDF_FORMATS)), required=True,
              help="graphml, gexf, json (networkx node-link), or RDF: turtle, jsonld, nt.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write here instead of stdout.")
@pass_app
@handle_errors
def export(app: App, fmt: str, output: str | None) -> None:
    """Export the whole graph as GraphML, GEXF, node-link JSON or RDF.

    GraphML and GEXF hold list properties as JSON strings; XML 1.0 cannot hold
    control characters but tab and line ends, so each other one is written as
    its escape (\\x1b). JSON writes a float that is not a number as null. RDF uses schema.org
    (PodcastSeries, PodcastEpisode, Person, Organization, SoftwareApplication)
    and https://stackgraph.dev/vocab# for the rest; node IRIs are
    https://stackgraph.dev/id/<Label>/<key>.

    \b
    Examples:
      stackgraph export --format graphml --output graph.graphml
      stackgraph export --format turtle > graph.ttl
    """
    if output:
        require_folder_of(output)
    from visualizations.networkx_export import export_text, store_graph

    with step(f"Reading the graph from {app.store.describe()}"):
        graph = store_graph(app.store)
    with step(f"Writing it as {fmt}"):
        if fmt in EXPORT_FORMATS:
            text = export_text(graph, fmt)
        else:
            from visualizations.rdf_export import export_rdf, networkx_to_rdf

            text = export_rdf(networkx_to_rdf(graph), fmt)
    _emit(text, output)


@click.command()
@format_option
@limit_option
@click.option("--seed", type=int, default=42, show_default=True, help="Seed of the Louvain community search.")
@pass_app
@handle_errors
def analyze(app: App, fmt: str, limit: int | None, seed: int) -> None:
    """Centrality and communities of technologies.

    Columns: technology (slug), name, category, companies (how many use it),
    degree, betweenness and community. degree and betweenness: on the company-technology graph (a technology
    used by many otherwise unrelated stacks scores high). community: Louvain
    communities of the co-occurrence graph (weight = companies using both),
    numbered largest first; the stack families such as Elixir/Phoenix.

    \b
    Examples:
      stackgraph analyze
      stackgraph analyze --format json
    """
    from visualizations.networkx_export import store_graph, technology_analysis

    with step(f"Reading the graph from {app.store.describe()}"):
        graph = store_graph(app.store)
    with step("Ranking technologies and finding communities"):
        rows = technology_analysis(graph, seed=seed)[:limit]
    columns = ["technology", "name", "category", "companies", "degree", "betweenness", "community"]
    click.echo(render(rows, fmt, columns))


@click.command()
@click.argument("query")
@click.option("--data", "data_path", type=click.Path(exists=True, dir_okay=False), required=True,
              help="An RDF file from `stackgraph export` (format from the extension: .ttl, .jsonld, .nt).")
@format_option
@limit_option
@handle_errors
def sparql(query: str, data_path: str, fmt: str, limit: int | None) -> None:
    """Run a SPARQL SELECT (or ASK) over an RDF export; no store needed.

    Prefixes schema: (https://schema.org/) and sg: (https://stackgraph.dev/vocab#) are predefined.

    \b
    Example:
      stackgraph export --format turtle -o graph.ttl
      stackgraph sparql "SELECT ?name WHERE { ?c a schema:Organization ; sg:uses/schema:name 'Elixir' ; schema:name ?name }" --data graph.ttl
    """
    from rdflib import Graph

    from visualizations.rdf_export import guess_format, sparql_rows

    graph = Graph()
    try:
        graph.parse(data_path, format=guess_format(data_path))
    except Exception as error:  # rdflib raises many parser-specific types
        fail(f"{data_path}: cannot read as RDF: {error}", EXIT_INVALID)
    graph.bind("schema", "https://schema.org/")
    graph.bind("sg", "https://stackgraph.dev/vocab#")
    try:
        rows = sparql_rows(graph, query)
    except Exception as error:  # pyparsing and rdflib errors
        fail(f"bad SPARQL query: {str(error).splitlines()[0] if str(error) else type(error).__name__}", EXIT_INVALID)
    click.echo(render(rows[:limit], fmt))


COMMANDS = [export, analyze, sparql]

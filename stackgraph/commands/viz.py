"""viz: interactive graph pages, one self-contained HTML file that works offline."""

from __future__ import annotations

import click

from stackgraph.app import EXIT_INVALID, App, fail, handle_errors, pass_app

# visualizations.pages.KINDS, spelled out: that module imports networkx, pyvis and jinja2 (a test checks they agree).
KINDS = ("graph", "ego", "cooccurrence", "similar")


@click.command()
@click.option("--kind", type=click.Choice(KINDS), default="graph", show_default=True,
              help="graph: everything; ego: around one entity; cooccurrence: technologies used together; "
                   "similar: companies with overlapping stacks.")
@click.option("--around", metavar="NAME", help="ego: the entity in the middle (a company, technology, person, episode).")
@click.option("--depth", type=click.IntRange(1, 5), default=1, show_default=True, help="ego: how many hops.")
@click.option("--min-count", type=click.IntRange(1), default=1, show_default=True,
              help="cooccurrence: companies using both; similar: technologies shared.")
@click.option("--decisions", is_flag=True,
              help="cooccurrence: also arrows from the rejected or previous technology to the chosen one.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), required=True, help="The HTML file to write.")
@pass_app
@handle_errors
def viz(app: App, kind: str, around: str | None, depth: int, min_count: int, decisions: bool, output: str) -> None:
    """Write an interactive graph page (self-contained HTML, works offline).

    Colours by node type (technologies by category), size by degree, edge
    width by weight; hover a node for its key facts; search and filter menus
    on top.

    \b
    Examples:
      stackgraph viz --output graph.html
      stackgraph viz --kind ego --around Logflare --depth 2 --output logflare.html
      stackgraph viz --kind cooccurrence --min-count 3 --output together.html
      stackgraph viz --kind cooccurrence --decisions --output decisions.html
      stackgraph viz --kind similar --output similar.html
    """
    if kind == "ego" and not around:
        raise click.UsageError("--kind ego needs --around NAME")
    if decisions and kind != "cooccurrence":
        raise click.UsageError("--decisions goes with --kind cooccurrence")
    from visualizations.networkx_export import store_graph
    from visualizations.pages import write_page

    try:
        shown = write_page(store_graph(app.store), output, kind, around, depth, min_count, decisions)
    except LookupError as error:
        fail(str(error), EXIT_INVALID)
    click.echo(f"Wrote {output}: {shown.number_of_nodes()} nodes, {shown.number_of_edges()} edges", err=True)


COMMANDS = [viz]

"""viz: interactive graph pages, one self-contained HTML file that works offline."""

from __future__ import annotations

import click

from stackgraph.app import EXIT_INVALID, App, fail, handle_errors, pass_app, require_folder_of
from stackgraph.progress import step

# visualizations.pages.KINDS, spelled out: that module imports networkx, pyvis and jinja2 (a test checks they agree).
KINDS = ("graph", "ego", "cooccurrence", "similar")


@click.command()
@click.option("--kind", type=click.Choice(KINDS),
              help="graph: everything; ego: around one entity; cooccurrence: technologies used together; "
                   "similar: companies with overlapping stacks. [default: ego with --around, else graph]")
@click.option("--around", metavar="NAME", help="ego: the entity in the middle (a company, technology, person, episode).")
@click.option("--depth", type=click.IntRange(1, 5), help="ego: how many hops. [default: 1]")
@click.option("--min-count", type=click.IntRange(1), default=1, show_default=True,
              help="cooccurrence: companies using both; similar: technologies shared.")
@click.option("--decisions", is_flag=True,
              help="cooccurrence: also arrows from the rejected or previous technology to the chosen one.")
@click.option("--max-nodes", type=click.IntRange(1), default=2000, show_default=True,
              help="Refuse to draw a page of more nodes than this (a browser struggles past a few thousand).")
@click.option("--output", "-o", type=click.Path(dir_okay=False), required=True, help="The HTML file to write.")
@pass_app
@handle_errors
def viz(app: App, kind: str | None, around: str | None, depth: int | None, min_count: int, decisions: bool,
        max_nodes: int, output: str) -> None:
    """Write an interactive graph page (self-contained HTML, works offline).

    Colours by node type (technologies by category), size by degree, edge
    width by weight; hover a node for its key facts; search and filter menus
    on top. An ego page reads only the neighbourhood it draws.

    \b
    Examples:
      stackgraph viz --output graph.html
      stackgraph viz --kind ego --around Logflare --depth 2 --output logflare.html
      stackgraph viz --kind cooccurrence --min-count 3 --output together.html
      stackgraph viz --kind cooccurrence --decisions --output decisions.html
      stackgraph viz --kind similar --output similar.html
    """
    kind = kind or ("ego" if around else "graph")
    if kind == "ego" and not around:
        raise click.UsageError("--kind ego needs --around NAME")
    if kind != "ego" and (around or depth):
        raise click.UsageError(f"--around and --depth draw an ego page; --kind {kind} draws no centre")
    if decisions and kind != "cooccurrence":
        raise click.UsageError("--decisions goes with --kind cooccurrence")
    require_folder_of(output)
    from queries.names import resolve_entity
    from visualizations.pages import TooManyNodes, write_page

    # Resolved as every command resolves a name (aliases, suggestions), before the graph is read.
    centre = resolve_entity(app.store, around) if around else None
    centre_key = f"{centre.label}:{centre.id}" if centre else None  # the node's key in the page's graph
    try:
        with step(f"Drawing the {kind} page from {app.store.describe()}"):
            shown = write_page(app.store, output, kind, centre_key, depth or 1, min_count, decisions,
                               max_nodes=max_nodes)
    except TooManyNodes as error:
        fail(f"{error} (--max-nodes): {_SMALLER[kind]}, or raise --max-nodes", EXIT_INVALID)
    click.echo(f"Wrote {output}: {shown.number_of_nodes()} nodes, {shown.number_of_edges()} edges", err=True)


# How to ask for a smaller page of each kind.
_SMALLER = {
    "graph": "draw a part of it, e.g. --kind ego --around NAME or --kind cooccurrence --min-count 3",
    "ego": "lower --depth",
    "cooccurrence": "raise --min-count",
    "similar": "draw --kind cooccurrence, or --kind ego --around a company",
}

COMMANDS = [viz]

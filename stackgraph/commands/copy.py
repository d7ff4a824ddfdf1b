"""copy: move a graph between backends without re-parsing the listings."""

from __future__ import annotations

import click

from stackgraph.app import BACKENDS, App, handle_errors, pass_app


@click.command()
@click.option("--from", "source", type=click.Choice(BACKENDS), required=True, help="The backend to read.")
@click.option("--to", "target", type=click.Choice(BACKENDS), required=True, help="The backend to write.")
@pass_app
@handle_errors
def copy(app: App, source: str, target: str) -> None:
    """Copy the whole graph from one backend to the other.

    Both sides take the global options: --store for the embedded store, --uri,
    --username, --password, --database (or NEO4J_*) for Neo4j. The target is
    MERGEd into, so copying twice changes nothing.

    \b
    Example (start embedded, move to Neo4j):
      stackgraph --store .store --uri bolt://localhost:7687 copy --from falkordb --to neo4j
    """
    if source == target:
        raise click.UsageError("--from and --to name the same backend")
    from loaders.copy import copy_graph

    with app.open(source) as from_store, app.open(target) as to_store:
        document = copy_graph(from_store, to_store, progress=lambda message: click.echo(message, err=True))
        click.echo(
            f"Copied {len(document.nodes)} nodes and {len(document.relationships)} relationships "
            f"from {from_store.describe()} to {to_store.describe()}",
            err=True,
        )


COMMANDS = [copy]

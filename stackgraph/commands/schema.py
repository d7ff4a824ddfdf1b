"""schema: the labels, keys, properties and relationships of the graph, for writing Cypher."""

from __future__ import annotations

from dataclasses import asdict

import click

from stackgraph.app import App, format_option, handle_errors, limit_option, pass_app
from stackgraph.output import render


@click.command()
@format_option
@limit_option
@pass_app
@handle_errors
def schema(app: App, fmt: str, limit: int | None) -> None:
    """The graph's labels, keys and relationship types, with the properties the store holds.

    Columns: kind (node, label or relationship), name, key (the property a node
    is found by: MATCH (t:Technology {id: 'elixir'})), properties, connects (a
    relationship's start and end labels) and note. Properties and ends are read
    from the store, so an empty store lists none.

    \b
    Example:
      stackgraph schema
      stackgraph schema --format json
    """
    from queries.schema import describe_schema

    rows = [asdict(entry) for entry in describe_schema(app.store)][:limit]
    click.echo(render(rows, fmt, ["kind", "name", "key", "properties", "connects", "note"]))


COMMANDS = [schema]

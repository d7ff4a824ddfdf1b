"""reindex: recount the co-occurrence index, the derived counts behind `cooccurring`."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from stackgraph.app import App, handle_errors, pass_app


@click.command()
@pass_app
@handle_errors
def reindex(app: App) -> None:
    """Recount the co-occurrence index from the companies' stacks.

    The store keeps, for each pair of technologies, how many companies use
    both (and per technology, how many use it), so that `cooccurring` answers
    without walking every stack. `load` keeps these counts up to date by
    itself. They go stale when stacks change outside a load (`cypher --write`)
    or a load is interrupted; until the next load or this command,
    `cooccurring` still gives the right answer, only slower, from the stacks
    themselves. Running it when nothing is stale changes nothing.

    Prints a JSON summary: the index's state before ("fresh", "stale" or
    "absent"), the companies and USES relationships counted, and the rows
    written (technologies: users per technology; pairs: companies per pair).

    \b
    Example:
      stackgraph reindex
    """
    from domain.cooccurrence import CooccurrenceIndex, read_state

    before = read_state(app.store).status
    click.echo(f"Recounting the co-occurrence index of {app.store.describe()} (it was {before})…", err=True)
    update = CooccurrenceIndex(app.store).rebuild()
    click.echo(f"Counted {update.pairs} pairs of {update.technologies} technologies over {update.companies} companies", err=True)
    click.echo(json.dumps({"before": before, **asdict(update)}, indent=2))


COMMANDS = [reindex]

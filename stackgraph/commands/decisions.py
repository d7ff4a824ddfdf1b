"""Why they chose it: the decisions companies made between technologies, and what was said.

The logic lives in queries/alternatives.py, why.py and search.py; this module only formats.
"""

from __future__ import annotations

from dataclasses import asdict

import click

from stackgraph.app import EXIT_INVALID, App, fail
from stackgraph.commands.queries import echo, query_command
from stackgraph.output import render

EVIDENCE_COLUMNS = ["company_name", "company", "episode", "date", "at", "text", "planned"]


@query_command()
@click.argument("technology")
def alternatives(app: App, technology: str, fmt: str, limit: int | None) -> None:
    """What companies weighed against a technology, and which way they went.

    Grouped by the other technology and the way, from TECHNOLOGY's side: chose_over (chose it over
    the other), lost_to, moved_from (moved from the other to it), moved_to, compared. --limit
    counts groups; table and CSV print one line per statement, JSON one object per group with its
    evidence.

    \b
    Example:
      stackgraph alternatives AWS
    """
    from queries.alternatives import alternatives as weighed

    groups = weighed(app.store, technology, limit=limit)
    if fmt == "json":
        click.echo(render([asdict(group) for group in groups], fmt))
        return
    rows = [{"name": group.name, "technology": group.technology, "way": group.way, **asdict(evidence)}
            for group in groups for evidence in group.evidence]
    click.echo(render(rows, fmt, ["name", "technology", "way", *EVIDENCE_COLUMNS]))


@query_command()
@click.argument("technology")
def why(app: App, technology: str, fmt: str, limit: int | None) -> None:
    """The motivations and decisions that explain choosing a technology, oldest first.

    \b
    Example:
      stackgraph why Elixir
    """
    from queries.why import why as reasons

    echo(reasons(app.store, technology, limit=limit), fmt, ["kind", "over_name", "over", *EVIDENCE_COLUMNS, "audio_url"])


@query_command()
@click.argument("text")
def search(app: App, text: str, fmt: str, limit: int | None) -> None:
    """Full-text search of topic lines, episode titles and descriptions, best match first.

    Every word is required, "quoted words" are a phrase, case does not matter.

    \b
    Example:
      stackgraph search migrations
    """
    from queries.search import search as find

    try:
        hits = find(app.store, text, limit=limit)
    except ValueError as error:
        fail(str(error), EXIT_INVALID)
    echo(hits, fmt, ["kind", "score", "company_name", "company", "episode", "date", "at", "text", "audio_url"])


COMMANDS = [alternatives, why, search]

"""load, stats, cypher and catalog: getting data in and looking at it raw."""

from __future__ import annotations

import contextlib
import json
import math
import re
import sys
from typing import TYPE_CHECKING, Any, NoReturn

import click

from loaders.limits import MOST_TECHNOLOGIES
from stackgraph.app import (
    EXIT_INVALID, App, fail, format_option, handle_errors, interrupted_exit_code, limit_option, pass_app,
)
from stackgraph.output import changes_summary, json_text, render

if TYPE_CHECKING:
    from loaders.pipeline import CheckedListing

# A day: longer than any query worth waiting for, within what every backend accepts.
MAX_TIMEOUT_S = 86400.0


@click.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH_OR_URL...", type=click.Path())
@click.option("--skip-invalid", is_flag=True, help="Load the valid episodes and report the invalid ones.")
@click.option("--max-technologies", type=click.IntRange(min=1), default=MOST_TECHNOLOGIES, show_default=True,
              help="An episode whose stack lists more technologies is invalid (each pair of a stack is counted).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"], case_sensitive=False), default="text",
              show_default=True, help="text: the summary on stderr; json: as an object on stdout.")
@pass_app
@handle_errors
def load(app: App, paths: tuple[str, ...], skip_invalid: bool, max_technologies: int, quiet: bool, fmt: str) -> None:
    """Load podcast listings and RSS/Atom feeds, from files or http(s) URLs, into the store.

    A file is a listing or a feed by its content, whatever its name. A URL is
    fetched conditionally: a feed unchanged since its last load is not read
    again, and nothing is written for it.

    By default nothing is written when any episode is invalid (the error names
    the file and line). Every load merges into the graph: loading the same
    listing again changes nothing, and re-running an interrupted load
    completes it. The summary counts episodes listed more than once (the same
    id) as repeated: they are loaded once, the last listing winning.

    \b
    Example:
      stackgraph load data/running-in-production.txt
    """
    from loaders.pipeline import load_listings

    with contextlib.ExitStack() as cleanup:
        total = written = 0
        bar: Any = None

        def on_checked(checked: CheckedListing) -> None:
            nonlocal total
            total = checked.episodes

        def progress(episodes: int) -> None:
            nonlocal bar, written
            written += episodes
            if quiet:
                return
            if bar is None:  # from the first batch written: an invalid listing says only why
                bar = cleanup.enter_context(
                    click.progressbar(length=total, label="Loading episodes", file=sys.stderr)
                )
            bar.update(episodes)

        if not quiet and sys.stderr.isatty():  # progress is for people, not for logs
            click.echo(f"Reading {len(paths)} listing file(s)…", err=True)
        try:
            report = load_listings(
                paths, app.store, skip_invalid=skip_invalid, most_technologies=max_technologies,
                on_checked=on_checked, progress=progress
            )
        except KeyboardInterrupt as interrupt:
            if total:
                fail(f"interrupted after {written} of {total} episodes were written; "
                     "run the same load again to complete it", interrupted_exit_code(interrupt))
            raise
    for error in report.skipped:
        click.echo(f"skipped: {error}", err=True)
    for url in report.unchanged:
        click.echo(f"{url}: not modified since its last load", err=True)
    added = report.added()
    distinct = report.episodes - report.repeated
    if fmt == "json":
        click.echo(json_text({"store": app.store.describe(), "files": report.files, "episodes": distinct,
                              "listed": report.episodes, "repeated": report.repeated,
                              "skipped": [str(error) for error in report.skipped], "added": added}))
        return
    summary = ", ".join(f"{n:+d} {name}" for name, n in {**added["nodes"], **added["relationships"]}.items())
    click.echo(
        f"Loaded {distinct} episode(s) from {report.files} file(s) into {app.store.describe()}"
        + (f" ({report.episodes} listed, {report.repeated} repeated)" if report.repeated else "")
        + (f", skipped {len(report.skipped)} invalid" if report.skipped else "")
        + f": {summary or 'nothing new'}",
        err=True,
    )


@click.command()
@format_option
@limit_option
@pass_app
@handle_errors
def stats(app: App, fmt: str, limit: int | None) -> None:
    """Count nodes per label and relationships per type.

    Columns: kind (node or relationship), name (its label or type), count. JSON is
    one object, {"nodes": {label: count}, "relationships": {type: count}}.

    \b
    Example:
      stackgraph stats --format json
    """
    counts = app.store.counts()
    rows = [{"kind": "node", "name": k, "count": v} for k, v in counts["nodes"].items()]
    rows += [{"kind": "relationship", "name": k, "count": v} for k, v in counts["relationships"].items()]
    rows = rows[:limit]  # --limit is never negative: None keeps all
    if fmt == "json":
        click.echo(json_text({
            "nodes": {r["name"]: r["count"] for r in rows if r["kind"] == "node"},
            "relationships": {r["name"]: r["count"] for r in rows if r["kind"] == "relationship"},
        }))
        return
    click.echo(render(rows, fmt, ["kind", "name", "count"]))


# Lists and maps in a --param nest at most this deep (graph.falkordb_params.MAX_DEPTH, on both backends).
MAX_PARAM_DEPTH = 32


def _nesting(value: Any) -> int:
    """How deep lists and maps nest in ``value`` (0 for a scalar), without recursion."""
    deepest, pending = 0, [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, (list, dict)):
            deepest = max(deepest, depth + 1)
            pending.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def _parse_param(text: str) -> tuple[str, Any]:
    """A --param's name and value: JSON when it parses, else the text.

    >>> _parse_param("ids=[1, 2]"), _parse_param("name=Logflare")
    (('ids', [1, 2]), ('name', 'Logflare'))
    """
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise click.BadParameter(f"{text!r} is not name=value", param_hint="--param")
    name = name.strip()
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError:
        return name, value
    except RecursionError:  # the parser's own limit, near a thousand levels
        _too_deep(name)
    if _nesting(parsed) > MAX_PARAM_DEPTH:
        _too_deep(name)
    return name, parsed


def _too_deep(name: str) -> NoReturn:
    fail(f"--param {name}: lists and maps nest more than {MAX_PARAM_DEPTH} deep; flatten the value", EXIT_INVALID)


def _a_number(value: float | None) -> float | None:
    """NaN passes click's range check: refused here."""
    if value is not None and math.isnan(value):
        raise click.BadParameter("nan is not a number of seconds")
    return value


def _missing_parameters(query: str, parameters: dict[str, Any]) -> list[str]:
    """The $names the query uses that no --param gives, in order of use."""
    used = re.findall(r"\$(?:`([^`]+)`|([A-Za-z_][A-Za-z0-9_]*))", query)
    return [name for name in dict.fromkeys(quoted or bare for quoted, bare in used) if name not in parameters]


@click.command()
@click.argument("query")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="A query parameter ($NAME). VALUE is read as JSON when it parses (5, true, [1,2]), else as text.")
@format_option
@limit_option
@click.option("--write", is_flag=True,
              help="Allow the query to change the graph (read-only without it). The co-occurrence counts are then "
                   "distrusted until the next load or `stackgraph reindex`.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True, max=MAX_TIMEOUT_S), metavar="SECONDS",
              callback=lambda ctx, param, value: _a_number(value),
              help="Stop the query after this long (a write is undone). [default: STACKGRAPH_QUERY_TIMEOUT, or 60]")
@pass_app
@handle_errors
def cypher(app: App, query: str, params: tuple[str, ...], fmt: str, limit: int | None, write: bool,
           timeout: float | None) -> None:
    """Run a Cypher query; read-only unless --write (which reports what changed).

    Pass user values as parameters, not pasted into the query text. Columns: the
    query's RETURN columns. A query runs for at most --timeout seconds, --write
    or not.

    \b
    Examples:
      stackgraph cypher "MATCH (t:Technology {id: \\$id})<-[:USES]-(c) RETURN c.name AS company" -p id=elixir
      stackgraph cypher "MATCH (e:Episode) RETURN e.title AS title, e.date AS date" --format csv
    """
    if not query.strip():
        fail("the query is empty; give a Cypher statement, e.g. \"MATCH (n) RETURN count(n) AS nodes\"", EXIT_INVALID)
    from domain.cooccurrence import untracked_write
    from graph import QueryError, ReadOnlyRefusal
    from graph.errors import QueryTimeout

    parameters = dict(_parse_param(p) for p in params)
    try:
        with untracked_write(app.store) if write else contextlib.nullcontext():
            outcome = app.store.run_counted(query, parameters, write=write, timeout=timeout or app.store.read_timeout)
        if write:
            app.store.sync()  # reported only once on disk
    except QueryTimeout as error:
        fail(f"{error}{' and was undone' if write else ''}; give it longer with --timeout SECONDS", EXIT_INVALID)
    except ReadOnlyRefusal:
        fail("this statement writes, and the query runs read-only: add --write to let it change the graph",
             EXIT_INVALID)
    except QueryError:
        if missing := _missing_parameters(query, parameters):
            fail(f"no value for {', '.join('$' + name for name in missing)}: give it with "
                 f"--param {missing[0]}=VALUE", EXIT_INVALID)
        raise
    click.echo(render(outcome.rows[:limit], fmt))
    if write:
        click.echo(changes_summary(outcome.changes).capitalize(), err=True)


@click.command()
@click.option("--unknown", is_flag=True,
              help="List the technologies in the store that the catalog does not know, with the category guessed for each.")
@format_option
@limit_option
@pass_app
@handle_errors
def catalog(app: App, unknown: bool, fmt: str, limit: int | None) -> None:
    """Show the technology catalog, or (--unknown) the store's slugs it lacks.

    Columns: technology (the slug), name, category, hosting (yes for a hosting
    provider), aliases (other spellings that name it); with --unknown
    technology and name only.

    \b
    Examples:
      stackgraph catalog --format csv
      stackgraph catalog --unknown
    """
    from domain.catalog import Catalog

    known = Catalog.default()
    if unknown:
        rows = app.store.run("MATCH (t:Technology) RETURN t.id AS technology, t.name AS name, t.category AS category "
                             "ORDER BY technology")
        missing = set(known.unknown(row["technology"] for row in rows))
        click.echo(render([row for row in rows if row["technology"] in missing][:limit], fmt,
                          ["technology", "name", "category"]))
        return
    rows = [
        {"technology": e.slug, "name": e.name, "category": e.category, "hosting": e.hosting, "aliases": list(e.aliases)}
        for e in known.entries
    ]
    click.echo(render(rows[:limit], fmt))


COMMANDS = [load, stats, cypher, catalog]

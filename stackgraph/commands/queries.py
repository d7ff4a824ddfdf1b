"""The questions people bring: who uses what, what goes together, who is alike, how things connect.

Every command takes --format table|json|csv and --limit N (0 prints no rows, only
the header in table/csv and [] in JSON). The logic lives in queries/; this module
only formats.
"""

from __future__ import annotations

import shlex
from dataclasses import asdict
from typing import Any, Callable, Iterable

import click

from stackgraph.app import App, format_option, handle_errors, limit_option, pass_app
from stackgraph.output import render

# queries.similar.RANKINGS, spelled out: queries.similar imports numpy (a test checks they agree).
RANKINGS = ("jaccard", "cosine")

ranking_option = click.option(
    "--by", type=click.Choice(RANKINGS), default="jaccard", show_default=True,
    help="Rank by Jaccard of the technology sets or by IDF-weighted cosine.",
)


def query_command(name: str | None = None) -> Callable[[Callable[..., Any]], click.Command]:
    """A click command with the shared options: the store, --format, --limit and error handling."""

    def decorate(function: Callable[..., Any]) -> click.Command:
        return click.command(name)(format_option(limit_option(pass_app(handle_errors(function)))))

    return decorate


def echo(items: Iterable[Any], fmt: str, columns: list[str] | None = None) -> None:
    """The items (dataclasses) as rows; ``columns`` are the table and CSV columns, JSON has every field."""
    click.echo(render([asdict(item) for item in items], fmt, columns))


@query_command()
@click.argument("company")
def stack(app: App, company: str, fmt: str, limit: int | None) -> None:
    """A company's technologies by category, hosting providers first.

    COMPANY is its name or slug, in any case. Columns: category, name,
    technology (its slug), hosting (yes for a hosting provider).

    \b
    Example:
      stackgraph stack gorails
    """
    from queries.profiles import take
    from queries.stack import company_stack

    echo(take(company_stack(app.store, company), limit), fmt, ["category", "name", "technology", "hosting"])


@query_command("who-uses")
@click.argument("technology")
def who_uses_command(app: App, technology: str, fmt: str, limit: int | None) -> None:
    """The companies that use a technology, with episode, date and guests.

    TECHNOLOGY is a name, slug or alias in any case (PostgreSQL, postgres).
    Columns: name, company (its slug), episode (title), date, guests.

    \b
    Example:
      stackgraph who-uses PostgreSQL --format json
    """
    from queries.profiles import take
    from queries.timeline import timeline
    from queries.who_uses import who_uses

    usages = who_uses(app.store, technology)
    if not usages and (mentions := timeline(app.store, technology)):
        click.echo(f"{technology!r} is in no company's stack; {len(mentions)} episode(s) mention it: "
                   f"stackgraph timeline {shlex.quote(technology)}", err=True)
    echo(take(usages, limit), fmt, ["name", "company", "episode", "date", "guests"])


@query_command("cooccurring")
@click.argument("technology", required=False)
@click.option("--all", "all_pairs", is_flag=True, help="The strongest pairs in the whole graph, by lift.")
@click.option("--category", help="Keep only technologies of this category (e.g. database).")
@click.option("--min-count", type=click.IntRange(min=1), default=None,
              help="Least number of companies a pair must share. [default: 1, or 2 with --all]")
def cooccurring_command(app: App, technology: str | None, all_pairs: bool, category: str | None,
                        min_count: int | None, fmt: str, limit: int | None) -> None:
    """Technologies used by the same companies as TECHNOLOGY, or the strongest pairs (--all).

    Columns: name, technology (its slug), category, shared (companies using
    both), support (shared / all companies), confidence P(other | TECHNOLOGY),
    lift and Jaccard. With --all: a_name, b_name, a and b (slugs) instead.

    \b
    Examples:
      stackgraph cooccurring postgres --category cache
      stackgraph cooccurring --all --min-count 3 --limit 10
    """
    from queries.cooccurring import cooccurring, cooccurring_pairs

    if all_pairs and technology is None:
        if category:
            raise click.UsageError("--category works with a TECHNOLOGY, not with --all")
        pairs = cooccurring_pairs(app.store, min_count=min_count or 2, limit=limit)
        echo(pairs, fmt, ["a_name", "b_name", "a", "b", "shared", "support", "confidence", "lift", "jaccard"])
    elif technology is not None and not all_pairs:
        rows = cooccurring(app.store, technology, category=category, min_count=min_count or 1, limit=limit)
        echo(rows, fmt, ["name", "technology", "category", "shared", "support", "confidence", "lift", "jaccard"])
    else:
        raise click.UsageError("give either a TECHNOLOGY or --all")


SIMILARITY_COLUMNS = ["name", "company", "jaccard", "cosine", "shared_count", "shared", "only_here", "only_there"]


@query_command("similar")
@click.argument("company", required=False)
@click.option("--stack", "stack_", help="A comma-separated stack to compare instead of a company: rails,postgres,redis")
@ranking_option
def similar_command(app: App, company: str | None, stack_: str | None, by: str, fmt: str, limit: int | None) -> None:
    """Companies whose stacks resemble COMPANY's (or a --stack), with what they share and what differs.

    Only companies sharing at least one technology are listed. Columns: name,
    company (its slug), jaccard, cosine, shared_count, shared (the technologies
    in both), only_here (only in COMPANY or the stack), only_there.

    \b
    Examples:
      stackgraph similar Remote.com
      stackgraph similar --stack rails,postgres,redis --by cosine
    """
    from queries.similar import similar, similar_to_stack

    if stack_ is not None and company is None:
        if not stack_.replace(",", "").strip():
            raise click.UsageError("--stack names no technology; give a comma-separated list such as rails,postgres")
        rows = similar_to_stack(app.store, stack_.split(","), by=by, limit=limit)
    elif company is not None and stack_ is None:
        rows = similar(app.store, company, by=by, limit=limit)
    else:
        raise click.UsageError("give either a COMPANY or --stack")
    echo(rows, fmt, SIMILARITY_COLUMNS)


@query_command("recommend")
@click.argument("company")
@click.option("--neighbours", type=click.IntRange(min=1), default=3, show_default=True,
              help="How many of the most similar companies to draw from.")
@ranking_option
def recommend_command(app: App, company: str, neighbours: int, by: str, fmt: str, limit: int | None) -> None:
    """Technologies the most similar companies use and COMPANY does not, scored by their similarity.

    Columns: name, technology (its slug), category, score (the summed
    similarity of the companies behind it), companies (how many) and
    company_names.

    \b
    Example:
      stackgraph recommend ScrollKeeper --limit 5
    """
    from queries.recommend import recommend

    rows = recommend(app.store, company, neighbours=neighbours, by=by, limit=limit)
    echo(rows, fmt, ["name", "technology", "category", "score", "companies", "company_names"])


@query_command("hosting")
@click.argument("technology")
def hosting_command(app: App, technology: str, fmt: str, limit: int | None) -> None:
    """The hosting providers the companies using TECHNOLOGY run on, counted.

    Columns: name, provider (its slug), companies (how many) and company_names.

    \b
    Example:
      stackgraph hosting elixir
    """
    from queries.hosting import hosting

    echo(hosting(app.store, technology, limit=limit), fmt, ["name", "provider", "companies", "company_names"])


@query_command("path")
@click.argument("start")
@click.argument("end")
@click.option("--through-podcast", is_flag=True,
              help="Let paths pass through the podcast itself, which links every episode and host.")
def path_command(app: App, start: str, end: str, through_podcast: bool, fmt: str, limit: int | None) -> None:
    """The shortest paths (up to 6 hops) between two named things.

    START and END are companies, technologies, people or episodes (tried in that
    order); prefix the kind to choose, e.g. technology:logflare.

    Columns: hops, chain (a -TYPE-> b <-TYPE- c). JSON adds the nodes and
    relationships of each chain as lists.

    \b
    Example:
      stackgraph path Elixir "Google Cloud"
    """
    from queries.path import path

    echo(path(app.store, start, end, limit=limit, through_podcast=through_podcast), fmt, ["hops", "chain"])


@query_command("related")
@click.argument("technology")
def related_command(app: App, technology: str, fmt: str, limit: int | None) -> None:
    """What TECHNOLOGY touches: companies using or hosted on it, technologies named with it in a topic.

    Columns: relationship, category (of the neighbour), neighbour, and for a
    topic its episode, date, at (timestamp) and text.

    \b
    Example:
      stackgraph related influxdb
    """
    from queries.related import related

    echo(related(app.store, technology, limit=limit), fmt,
         ["relationship", "category", "neighbour", "episode", "date", "at", "text", "listen"])


@query_command("timeline")
@click.argument("technology")
def timeline_command(app: App, technology: str, fmt: str, limit: int | None) -> None:
    """The episodes that bring up TECHNOLOGY (in the stack or in a topic), oldest first, with topic timestamps.

    Columns: date, episode (title), company_name and company (its slug) of the
    featured company, in_stack (yes when the company uses it), timestamps (of the
    topics that mention it).

    \b
    Example:
      stackgraph timeline redis
    """
    from queries.timeline import timeline

    echo(timeline(app.store, technology, limit=limit), fmt,
         ["date", "episode", "company_name", "company", "in_stack", "timestamps", "listen"])


COMMANDS = [stack, who_uses_command, cooccurring_command, similar_command, recommend_command, hosting_command,
            path_command, related_command, timeline_command]

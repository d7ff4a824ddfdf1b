"""The questions people bring: who uses what, and what a company runs."""

from __future__ import annotations

from dataclasses import asdict

import click

from queries.stack import company_stack
from queries.who_uses import who_uses
from stackgraph.app import App, format_option, handle_errors, pass_app
from stackgraph.output import render


@click.command()
@click.argument("company")
@format_option
@pass_app
@handle_errors
def stack(app: App, company: str, fmt: str) -> None:
    """A company's technologies by category, hosting providers first.

    COMPANY is its name or slug, in any case.

    \b
    Example:
      stackgraph stack gorails
    """
    click.echo(render([asdict(item) for item in company_stack(app.store, company)], fmt))


@click.command("who-uses")
@click.argument("technology")
@format_option
@pass_app
@handle_errors
def who_uses_command(app: App, technology: str, fmt: str) -> None:
    """The companies that use a technology, with episode, date and guests.

    TECHNOLOGY is a name, slug or alias in any case (PostgreSQL, postgres).

    \b
    Example:
      stackgraph who-uses PostgreSQL --format json
    """
    click.echo(render([asdict(usage) for usage in who_uses(app.store, technology)], fmt))


COMMANDS = [stack, who_uses_command]

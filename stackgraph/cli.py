"""The ``stackgraph`` command line: a thin layer over the Python API.

Each command makes one call into loaders/ or queries/ and formats what comes
back; JSON and tables go to stdout, messages to stderr. Building the group imports
click and the command modules only, so ``--help`` answers at once.
"""

from __future__ import annotations

import importlib
import pkgutil

import click

import stackgraph.commands
from stackgraph.app import BACKENDS, App, exit_cleanly_on_sigterm


class OptionsAnywhereGroup(click.Group):
    """A group whose options may also follow the command: ``stackgraph stats --store DIR`` works as
    ``stackgraph --store DIR stats`` does, unless the command has an option of that name itself."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, self._hoisted(args))

    def _hoisted(self, args: list[str]) -> list[str]:
        valued = {name for param in self.params if isinstance(param, click.Option) and not param.is_flag
                  for name in param.opts}
        position = 0  # of the command's name, past the group's options and their values
        while position < len(args) and args[position] not in self.commands:
            position += 2 if args[position] in valued else 1
        if position >= len(args):
            return args
        own = {name for param in self.commands[args[position]].params for name in getattr(param, "opts", [])}
        group_options: list[str] = []
        command_args: list[str] = []
        rest = iter(args[position + 1:])
        for arg in rest:
            name = arg.split("=", 1)[0]
            if arg == "--":
                command_args += [arg, *rest]
            elif name in valued and name not in own:
                group_options += [arg] if "=" in arg else [arg, next(rest, "")]
            else:
                command_args.append(arg)
        return args[:position] + group_options + [args[position]] + command_args


# color=True: click.echo writes text as given, where it would strip ANSI sequences from what goes to a
# pipe, and so change CSV data; output.py and fail() escape the data's control characters for terminals.
@click.group(cls=OptionsAnywhereGroup,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100, "color": True})
@click.option(
    "--backend",
    type=click.Choice(BACKENDS),
    default="falkordb",
    show_default=True,
    envvar="STACKGRAPH_BACKEND",
    help="falkordb: the embedded store, nothing to install. neo4j: a Neo4j 5 server over Bolt. [env: STACKGRAPH_BACKEND]",
)
@click.option(
    "--store",
    "store_path",
    type=click.Path(file_okay=False),
    envvar="STACKGRAPH_STORE",
    help="Directory of the embedded store (default: your user data directory). [env: STACKGRAPH_STORE]",
)
@click.option("--uri", envvar="NEO4J_URI", help="Neo4j Bolt URI, e.g. bolt://localhost:7687. [env: NEO4J_URI]")
@click.option("--username", envvar="NEO4J_USERNAME", help="Neo4j user. [env: NEO4J_USERNAME]")
@click.option("--password", envvar="NEO4J_PASSWORD", help="Neo4j password. [env: NEO4J_PASSWORD]")
@click.option("--database", envvar="NEO4J_DATABASE", help="Neo4j database name. [env: NEO4J_DATABASE]")
@click.version_option(package_name="stackgraph")
@click.pass_context
def cli(
    ctx: click.Context,
    backend: str,
    store_path: str | None,
    uri: str | None,
    username: str | None,
    password: str | None,
    database: str | None,
) -> None:
    """StackGraph: how real companies run their software in production, as a knowledge graph.

    These options may also follow the command: stackgraph stats --store DIR.

    \b
    Start with:
      stackgraph load data/running-in-production.txt
      stackgraph stats
      stackgraph who-uses elixir
      stackgraph stack GoRails
      stackgraph cypher "MATCH (c:Company)-[:HOSTED_ON]->(h) RETURN h.name AS host, count(c) AS companies"
    """
    app = App(backend, store_path, uri, username, password, database)
    ctx.obj = app
    ctx.call_on_close(app.close)


# Each module in stackgraph/commands/ lists its click commands in COMMANDS.
for module_info in pkgutil.iter_modules(stackgraph.commands.__path__):
    module = importlib.import_module(f"stackgraph.commands.{module_info.name}")
    for command in module.COMMANDS:
        cli.add_command(command)


def main() -> None:
    exit_cleanly_on_sigterm()
    cli(prog_name="stackgraph")

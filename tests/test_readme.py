"""Every example in README.md works as written, like a user pasting it in.

The curl examples of "The service" run through bash against the real server
(with a token, so that the upload runs too) over a copy of a store holding the
bundled listing. The command examples of "Using it" run in a scratch directory against a
store holding the bundled listing: in this process (click's CliRunner) when
the line is plain words, through bash when it needs the shell (a glob, a
redirection, an escaped $). The Python example runs as it stands. The Neo4j
and docker compose examples need a server at localhost:7687 and are checked
by the backend tests instead.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cli_helpers import environment_without_settings, invoke
from conftest import LISTING, REPO
from service.settings import TOKEN_ENV
from service_helpers import running_service

FEED = REPO / "data" / "running-in-production-feed.xml"

# Quoted text as bash reads it: '...' as it stands, "..." with \" inside.
QUOTED = re.compile(r"'[^']*'" + r'|"(?:[^"\\]|\\.)*"')
# What bash does more with than split words and drop quotes: outside quotes, inside double quotes.
SHELL_SYNTAX_UNQUOTED = re.compile(r"[*?\[\]{}()~|<>;&`$\\]")
SHELL_SYNTAX_IN_DOUBLE_QUOTES = re.compile(r"[$`\\]")


def needs_the_shell(command: str) -> bool:
    """Whether bash would run ``command`` differently from ``stackgraph`` given its words split as shlex splits."""
    unquoted = QUOTED.sub(" ", command)
    double_quoted = [quoted for quoted in QUOTED.findall(command) if quoted.startswith('"')]
    return bool(SHELL_SYNTAX_UNQUOTED.search(unquoted)) or any(
        SHELL_SYNTAX_IN_DOUBLE_QUOTES.search(quoted) for quoted in double_quoted
    )


README = (REPO / "README.md").read_text(encoding="utf-8")


def _section(start: str, end: str) -> str:
    return README[README.index(start) : README.index(end)]


def _code_blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)


# The real podcast's feed cannot be fetched here (no network): the README shows it, and the URL
# path is tested against a feed server on 127.0.0.1 instead (tests/test_fetch.py).
REAL_FEED = "stackgraph load https://runninginproduction.com/podcast/feed.xml"
COMMANDS = [
    line
    for block in _code_blocks(_section("## Using it", "## Where the data lives"), "sh")
    for line in block.splitlines()
    if line.startswith("stackgraph ") and line != REAL_FEED
]


def test_the_readme_shows_how_to_load_the_whole_podcast():
    assert f"```sh\n{REAL_FEED}\n```" in README


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    """A user's directory as a clone has it: the bundled listing and feed (and, once loaded, a store)."""
    work = tmp_path_factory.mktemp("readme")
    (work / "data").mkdir()
    shutil.copy(LISTING, work / "data" / LISTING.name)
    shutil.copy(FEED, work / "data" / FEED.name)
    return work


def _run_in_bash(command: str, cwd: Path, store: Path) -> subprocess.CompletedProcess[str]:
    env = environment_without_settings()
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    env["STACKGRAPH_STORE"] = str(store)
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def _run(command: str, cwd: Path, store: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    """Run a README command line in ``cwd`` with STACKGRAPH_STORE set: its exit code, stdout and stderr."""
    if needs_the_shell(command):
        finished = _run_in_bash(command, cwd, store)
        return finished.returncode, finished.stdout, finished.stderr
    words = shlex.split(command)
    assert words[0] == "stackgraph"
    monkeypatch.chdir(cwd)
    result = invoke(*words[1:], env={"STACKGRAPH_STORE": str(store)})
    return result.exit_code, result.stdout, result.stderr


def test_the_readme_has_examples_for_every_command():
    documented = {line.split()[1] for line in COMMANDS}
    listed = invoke("--help", check=True).stdout
    commands = set(re.findall(r"^  ([a-z][a-z-]+)\s", listed.split("Commands:")[1], flags=re.M))
    assert commands - {"copy", "serve"} <= documented  # copy is shown in the Neo4j section, serve in The service
    assert len(COMMANDS) >= 30


def test_the_lines_that_need_the_shell_are_told_apart():
    assert needs_the_shell("stackgraph load data/*.txt --skip-invalid")
    assert needs_the_shell("stackgraph export --format turtle > graph.ttl")
    assert needs_the_shell('stackgraph cypher "MATCH (t {id: \\$tech}) RETURN t" --param tech=elixir')
    assert not needs_the_shell('stackgraph cypher "MATCH (c)-[:USES]->(t) RETURN c.name AS name" --format csv')
    assert not needs_the_shell("stackgraph cypher \"MATCH (t {id: 'quuxdb'}) DETACH DELETE t\" --write")
    assert not needs_the_shell("stackgraph sparql \"SELECT ?name WHERE { ?c schema:name ?name }\" --data graph.ttl")
    assert not needs_the_shell('stackgraph path Elixir "Google Cloud"')


@pytest.mark.parametrize("command", COMMANDS)
def test_command_example(workdir, command, monkeypatch):
    store = workdir / "store"
    if not store.exists():
        code, _, errors = _run(f"stackgraph load -q data/{LISTING.name}", workdir, store, monkeypatch)
        assert code == 0, errors
    code, output, errors = _run(command, workdir, store, monkeypatch)
    assert code == 0, f"{command}\n{errors}"
    assert "Traceback" not in errors
    writes_elsewhere = any(word in command.split() for word in ("load", "--output", "--write", ">"))
    if not writes_elsewhere:
        assert output.strip(), f"{command} printed nothing"


def test_python_example(tmp_path, monkeypatch, capsys):
    [example] = _code_blocks(_section("## From Python", "## Layout"), "python")
    (tmp_path / "data").mkdir()
    shutil.copy(LISTING, tmp_path / "data" / LISTING.name)
    for name in os.environ:
        if name.startswith(("STACKGRAPH_", "NEO4J_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    exec(compile(example, "README.md (From Python)", "exec"), {"__name__": "__main__"})
    assert capsys.readouterr().out.splitlines()[0] == "Smart Music 2020-02-10 ['Julien Blanchard']"


README_URL = "http://127.0.0.1:8000"
CURLS = [line for block in _code_blocks(_section("## The service", "## Using it"), "sh")
         for line in block.splitlines() if line.startswith("curl ")]


def test_the_readme_has_a_curl_example_for_every_endpoint():
    from service.app import create_app
    from service.settings import ServiceSettings

    paths = create_app(ServiceSettings(token="any")).openapi()["paths"]
    shown = {re.sub(r"\?.*", "", line.split(README_URL)[1].split()[0].strip("'")) for line in CURLS}
    for path in paths:
        pattern = re.sub(r"\{[^}]+\}", "[^/]+", path)
        assert any(re.fullmatch(pattern, url) for url in shown), f"no curl example of {path}"


@pytest.fixture(scope="module")
def served(workdir, loaded_store):
    store = Path(shutil.copytree(loaded_store, workdir / "served-store"))
    with running_service(store=store, env={TOKEN_ENV: "readme-token"}) as service:
        yield service


@pytest.mark.parametrize("command", CURLS)
def test_curl_example(workdir, served, command):
    env = environment_without_settings()
    env[TOKEN_ENV] = "readme-token"
    finished = subprocess.run(["bash", "-c", command.replace(README_URL, served.base_url)], cwd=workdir, env=env,
                              capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, f"{command}\n{finished.stderr}"
    if "-OJ" in command:
        assert (workdir / "stackgraph.graphml").read_text().startswith("<?xml")
    else:
        assert json.loads(finished.stdout), f"{command} answered nothing"

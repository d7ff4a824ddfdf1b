"""Every example in README.md works as written, like a user pasting it in.

The command examples of "Using it" run in a scratch directory against a
store holding the bundled listing; the Python example runs as it stands.
The Neo4j and docker compose examples need a server at localhost:7687 and
are checked by the backend tests instead.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import LISTING, REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def _section(start: str, end: str) -> str:
    return README[README.index(start) : README.index(end)]


def _code_blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)


COMMANDS = [
    line
    for block in _code_blocks(_section("## Using it", "## Where the data lives"), "sh")
    for line in block.splitlines()
    if line.startswith("stackgraph ")
]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    """A user's directory: the bundled data, a listings/ folder, and a loaded store."""
    work = tmp_path_factory.mktemp("readme")
    (work / "data").mkdir()
    shutil.copy(LISTING, work / "data" / LISTING.name)
    (work / "listings").mkdir()
    shutil.copy(LISTING, work / "listings" / LISTING.name)
    return work


def _run(command: str, cwd: Path, store: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STACKGRAPH_", "NEO4J_"))}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    env["STACKGRAPH_STORE"] = str(store)
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_the_readme_has_examples_for_every_command():
    documented = {line.split()[1] for line in COMMANDS}
    listed = _run("stackgraph --help", REPO, REPO / ".unused").stdout
    commands = set(re.findall(r"^  ([a-z][a-z-]+)\s", listed.split("Commands:")[1], flags=re.M))
    assert commands - {"copy"} <= documented  # copy is shown in the Neo4j section
    assert len(COMMANDS) >= 30


@pytest.mark.parametrize("command", COMMANDS)
def test_command_example(workdir, command):
    store = workdir / "store"
    if not store.exists():
        loaded = _run(f"stackgraph load -q data/{LISTING.name}", workdir, store)
        assert loaded.returncode == 0, loaded.stderr
    result = _run(command, workdir, store)
    assert result.returncode == 0, f"{command}\n{result.stderr}"
    assert "Traceback" not in result.stderr
    writes_elsewhere = any(word in command.split() for word in ("load", "--output", "--write", ">"))
    if not writes_elsewhere:
        assert result.stdout.strip(), f"{command} printed nothing"


def test_python_example(tmp_path):
    [example] = _code_blocks(_section("## From Python", "## Layout"), "python")
    (tmp_path / "data").mkdir()
    shutil.copy(LISTING, tmp_path / "data" / LISTING.name)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STACKGRAPH_", "NEO4J_"))}
    result = subprocess.run([sys.executable, "-c", example], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "Smart Music 2020-02-10 ['Julien Blanchard']"

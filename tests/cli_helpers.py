"""Running the CLI from a test: in this process with click's CliRunner, or as a real process.

In this process is the default: no interpreter to start and no imports to repeat, and the same
store, output and exit codes. A real process is for what only a process shows: signals, the exit
status of a real process, two processes on one store, the shell around a README example.

Both run as a user without STACKGRAPH_* or NEO4J_* settings, so only the options a test gives count.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Mapping, Protocol

import pytest
from click.testing import CliRunner, Result

from stackgraph.cli import cli

SETTINGS_PREFIXES = ("STACKGRAPH_", "NEO4J_")


class HasStderr(Protocol):
    @property
    def stderr(self) -> str: ...


def environment_without_settings() -> dict[str, str]:
    """This process's environment less the STACKGRAPH_* and NEO4J_* variables, for a child process."""
    return {name: value for name, value in os.environ.items() if not name.startswith(SETTINGS_PREFIXES)}


def invoke(*args: str, store: Path | str | None = None, check: bool = False,
           env: Mapping[str, str] | None = None) -> Result:
    """``stackgraph [--store STORE] ARGS`` in this process: stdout, stderr and the exit code as a user sees them.

    ``env`` sets environment variables for the run (STACKGRAPH_STORE, say). An exception the CLI does not
    turn into a message propagates, failing the test with its traceback.
    """
    command = (["--store", str(store)] if store is not None else []) + list(args)
    environment: dict[str, str | None] = {name: None for name in os.environ if name.startswith(SETTINGS_PREFIXES)}
    environment.update(env or {})
    result = CliRunner().invoke(cli, command, env=environment, catch_exceptions=False, prog_name="stackgraph")
    if check:
        assert result.exit_code == 0, result.stderr
    return result


def stackgraph(*args: str, store: Path | str | None = None, check: bool = False,
               timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the CLI as a real process; one that hangs past ``timeout`` fails the test with every thread's stack
    in it (SIGABRT, which PYTHONFAULTHANDLER answers with the stacks) and the end of the store's server log."""
    command = [sys.executable, "-m", "stackgraph"]
    if store is not None:
        command += ["--store", str(store)]
    command += list(args)
    env = environment_without_settings()
    env["PYTHONFAULTHANDLER"] = "1"
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) as child:
        try:
            stdout, stderr = child.communicate(timeout=timeout)
            hung = False
        except subprocess.TimeoutExpired:
            child.send_signal(signal.SIGABRT)
            stdout, stderr = child.communicate()
            hung = True
    if hung:
        server_log = Path(store) / "falkordb.log" if store is not None else None
        log = server_log.read_text(errors="replace")[-3000:] if server_log and server_log.exists() else "(none)"
        pytest.fail(f"stackgraph {' '.join(args)} hung for {timeout:g} s; its stacks:\n{stderr[-6000:]}\n"
                    f"end of the server log:\n{log}")
    result = subprocess.CompletedProcess(command, child.returncode, stdout, stderr)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def one_line_error(result: HasStderr) -> str:
    """The one line a failing command prints, checked to be that: no traceback, the CLI's prefix."""
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("stackgraph: error: ")
    return lines[0]

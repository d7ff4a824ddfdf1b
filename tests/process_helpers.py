"""Processes in tests: a Python child with the repository importable, and whether a pid still runs."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def python(script: str, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """A Python child process running ``script`` with the repository importable."""
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes() != b""  # a zombie has no command line
    except FileNotFoundError:
        return False


def wait_until_gone(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.05)
    return False


def server_pid(store_dir: Path) -> int:
    """The pid of the redis-server serving an embedded store, from its pid file."""
    return int((store_dir / "falkordb.pid").read_text())


def children_of(pid: int) -> list[int]:
    """The pids of the live processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue  # gone meanwhile
            if f"\nPPid:\t{pid}\n" in status and alive(int(entry.name)):
                found.append(int(entry.name))
    return found

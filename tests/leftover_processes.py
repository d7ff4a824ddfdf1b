"""Servers a test leaves running: the redis-server or Java processes it started that outlived it.

Left behind is a child of this pytest process that serves no store open in it, and an orphan
of the session: a server whose owner died is re-parented (to PID 1, or to a subreaper) but keeps
its command line, which names the session's temporary directory (where every test store lives).
Servers of other sessions on the machine are neither. Reading /proc for the process names costs
a few milliseconds, so it is done once after every test.
"""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

_SERVER_NAMES = (b"redis-server", b"java")
PROC = Path("/proc")
# A server whose owner was killed gets SIGTERM (PR_SET_PDEATHSIG) and saves before it exits.
GRACE_S = 5.0


@dataclass(frozen=True)
class Server:
    pid: int
    ppid: int
    command: str

    def __str__(self) -> str:
        return f"pid {self.pid} (parent {self.ppid}): {self.command[:300]}"


def _stat(pid: int) -> tuple[str, int] | None:
    """A process's name and parent pid, or None once it is gone."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    name, _, rest = stat.partition("(")[2].rpartition(")")
    fields = rest.split()
    return (name, int(fields[1])) if fields and fields[0] != "Z" else None  # a zombie has ended


def servers() -> set[int]:
    """The pids of every redis-server and Java process on the machine."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/comm", "rb") as comm:
                    name = comm.read().strip()
            except OSError:
                continue
            if name in _SERVER_NAMES:
                found.add(int(entry))
    return found


def _descends_from(pid: int, ancestor: int) -> bool:
    while pid > 1:
        stat = _stat(pid)
        if stat is None:
            return False
        pid = stat[1]
        if pid == ancestor:
            return True
    return False


def _describe(pid: int) -> Server | None:
    stat = _stat(pid)
    try:
        command = (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return None
    return None if stat is None else Server(pid, stat[1], command)


class Watch:
    """The servers seen at the end of the last test, to tell which ones the next test started."""

    def __init__(self) -> None:
        self.known = servers()

    def left_behind(self, session_directory: Path, open_stores: set[Path]) -> list[Server]:
        """The session's servers started since the last look that still run after a grace period; not
        those serving a store still open in this process (a fixture's, stopped when the fixture ends)."""

        def suspects() -> list[Server]:
            running = servers()
            self.known = running
            found = []
            for pid in running - before:
                server = _describe(pid)
                if server is None or any(f"{store}/" in server.command for store in open_stores):
                    continue
                # A child of this process that no open store owns, or an orphan of this session.
                # One whose parent is another live process of the session (a fixture's service, say) is
                # that process's to stop.
                if server.ppid == os.getpid() or (
                    str(session_directory) in server.command and not _descends_from(pid, os.getpid())
                ):
                    found.append(server)
            return found

        before = self.known
        deadline = time.monotonic() + GRACE_S
        found = suspects()
        while found and time.monotonic() < deadline:
            time.sleep(0.1)
            found = suspects()
        return found


def kill(servers_left: list[Server]) -> None:
    for server in servers_left:
        try:
            os.kill(server.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

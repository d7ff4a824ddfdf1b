"""A store directory's lock, granted in order of arrival, with a word to each waiter on what it waits for.

One ``flock`` on ``stackgraph.lock`` says who has the store; the holder writes its pid and
command line into that file. A process that finds it taken queues up: it draws a ticket (a
counter under its own ``flock``) and holds a ``flock`` on a ticket file in ``stackgraph.queue/``
while it waits. The lock goes to the waiter with the lowest ticket, and a newcomer that finds it
free while others wait joins the queue behind them. A ticket file whose ``flock`` is free belongs
to a process that died waiting: the waiters behind it remove it, so the queue never sticks.

>>> lock = StoreLock(tmp_path, timeout=1.0)
>>> lock.acquire()
True
>>> holder(tmp_path).pid == os.getpid()
True
>>> lock.release()
"""

from __future__ import annotations

import fcntl
import os
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from graph.errors import StoreError

LOCK_FILE = "stackgraph.lock"
QUEUE_DIR = "stackgraph.queue"
COUNTER_FILE = "next"
LOCK_TIMEOUT_ENV = "STACKGRAPH_LOCK_TIMEOUT"
POLL_SECONDS = 0.05
# A holder's command line, cut to what fits on a line.
COMMAND_CHARACTERS = 120


@dataclass(frozen=True)
class Holder:
    """Who holds a store's lock: its pid and command line, as it wrote them."""

    pid: int
    command: str

    def __str__(self) -> str:
        return f"pid {self.pid}: {self.command}" if self.command else f"pid {self.pid}"


def holder(directory: Path) -> Holder | None:
    """The process that last took the lock of ``directory``, as it wrote itself down (None before any)."""
    try:
        lines = (directory / LOCK_FILE).read_text(errors="replace").split("\n")
        return Holder(int(lines[0]), lines[1] if len(lines) > 1 else "")
    except (OSError, ValueError):
        return None


def _this_command() -> str:
    """This process's command line as its user typed it: ``stackgraph load …``, ``python -c …``."""
    program = sys.argv[0] if sys.argv else ""
    if program == "-c" or not program:
        program = f"python {program}".strip()
    elif os.path.basename(program) == "__main__.py":  # python -m stackgraph
        program = os.path.basename(os.path.dirname(program))
    else:
        program = os.path.basename(program)
    # One line of printable text: it goes into a file of lines and to other processes' terminals.
    command = "".join(c if c.isprintable() else " " for c in " ".join([program, *sys.argv[1:]]))
    return command if len(command) <= COMMAND_CHARACTERS else command[: COMMAND_CHARACTERS - 1] + "…"


def _cause(error: OSError) -> str:
    return error.strerror or str(error)


def _try_flock(fd: int, mode: int = fcntl.LOCK_EX) -> bool:
    try:
        fcntl.flock(fd, mode | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


class StoreLock:
    """The lock of one store directory (see the module docstring)."""

    def __init__(self, directory: Path, *, timeout: float, on_wait: Callable[[str], None] = lambda message: None):
        self.directory = directory
        self.queue = directory / QUEUE_DIR
        self.timeout = timeout
        self._on_wait = on_wait
        self._fd: int | None = None

    def acquire(self, give_up: Callable[[], bool] = lambda: False) -> bool:
        """Take the lock, waiting in turn for up to ``timeout`` seconds (then StoreError).

        ``give_up`` is asked while waiting; once it says yes, this returns False without the lock.
        """
        fd = self._open(self.directory / LOCK_FILE, os.O_RDWR | os.O_CREAT)
        try:
            if _try_flock(fd) and not self._waiters_before(None):
                self._hold(fd)
                return True
            fcntl.flock(fd, fcntl.LOCK_UN)  # others were queued first: after them
            if self._wait_in_turn(fd, give_up):
                self._hold(fd)
                return True
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
        return False

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the flock
            self._fd = None

    # -- internals -------------------------------------------------------------

    def _hold(self, fd: int) -> None:
        # Written over the last holder's, then cut to length: a waiter reading meanwhile sees either.
        written = os.pwrite(fd, f"{os.getpid()}\n{_this_command()}\n".encode(), 0)
        os.ftruncate(fd, written)
        self._fd = fd

    def _open(self, path: Path, flags: int) -> int:
        try:
            return os.open(path, flags, 0o644)
        except OSError as error:
            raise StoreError(f"cannot use {self.directory} as a store: {_cause(error)}") from None

    def _wait_in_turn(self, fd: int, give_up: Callable[[], bool]) -> bool:
        ticket, ticket_fd = self._draw_ticket()
        deadline = time.monotonic() + self.timeout
        told: Holder | None = None
        try:
            while True:
                ahead = self._waiters_before(ticket)
                if not ahead and _try_flock(fd):
                    return True
                if give_up():
                    return False
                current = holder(self.directory)
                if told is None or (current is not None and current.pid != told.pid):
                    told = current or Holder(0, "")
                    self._on_wait(self._waiting_message(current, ahead))
                if time.monotonic() >= deadline:
                    raise StoreError(
                        f"{self.directory} is still in use by another stackgraph process after "
                        f"{self.timeout:g} s; try again when it is done, or raise {LOCK_TIMEOUT_ENV}"
                    )
                time.sleep(POLL_SECONDS)
        finally:
            (self.queue / ticket).unlink(missing_ok=True)
            os.close(ticket_fd)

    def _waiting_message(self, current: Holder | None, ahead: int) -> str:
        by = f" ({current})" if current is not None else ""
        queued = f"; {ahead} more queued before this one" if ahead else ""
        return f"waiting for another stackgraph process{by} to release {self.directory}{queued} …"

    def _draw_ticket(self) -> tuple[str, int]:
        """The next ticket's file name, and a descriptor holding the ticket file's flock."""
        try:
            self.queue.mkdir(exist_ok=True)
        except OSError as error:
            raise StoreError(f"cannot use {self.directory} as a store: {_cause(error)}") from None
        counter = self._open(self.queue / COUNTER_FILE, os.O_RDWR | os.O_CREAT)
        try:
            fcntl.flock(counter, fcntl.LOCK_EX)
            number = int(os.pread(counter, 32, 0) or b"0")
            os.ftruncate(counter, 0)
            os.pwrite(counter, str(number + 1).encode(), 0)
        finally:
            os.close(counter)
        # Locked before it has its name, so that no waiter ever sees the ticket unlocked and removes it.
        draft = self.queue / f".draft-{uuid.uuid4().hex}"
        ticket_fd = self._open(draft, os.O_RDWR | os.O_CREAT | os.O_EXCL)
        fcntl.flock(ticket_fd, fcntl.LOCK_EX)
        ticket = f"{number:016d}.{os.getpid()}"
        os.rename(draft, self.queue / ticket)
        return ticket, ticket_fd

    def _waiters_before(self, ticket: str | None) -> int:
        """How many live waiters hold a ticket before ``ticket`` (None: any ticket); removes dead ones'."""
        try:
            names = sorted(name for name in os.listdir(self.queue) if name[:1].isdigit())
        except FileNotFoundError:
            return 0
        except OSError as error:
            raise StoreError(f"cannot use {self.directory} as a store: {_cause(error)}") from None
        live = 0
        for name in names:
            if ticket is not None and name >= ticket:
                break
            try:
                fd = os.open(self.queue / name, os.O_RDONLY)
            except FileNotFoundError:
                continue  # its waiter has just taken the lock
            try:
                if _try_flock(fd):  # nobody holds it: its waiter died, or has just taken the lock
                    (self.queue / name).unlink(missing_ok=True)
                else:
                    live += 1
            finally:
                os.close(fd)
        return live

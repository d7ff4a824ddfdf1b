"""Producers that run ahead of the load: in a thread, or in a child process."""

from __future__ import annotations

import gc
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import LISTING, REPO
from loaders.listing import ListingError
from loaders import prefetch
from loaders.prefetch import in_process, in_thread


def numbers(count: int):
    yield from range(count)


def numbers_then_a_bad_line(count: int):
    yield from range(count)
    raise ListingError("listing.txt", 7, "bad timestamp '1:7x'")


class Cycle:
    def __init__(self):
        self.itself = self  # freed only by the cyclic garbage collector


def cycles_left_behind(count: int):
    """Leaves one unreachable cycle per item; each item says how many are still in memory."""
    for _ in range(count):
        Cycle()
        yield sum(isinstance(thing, Cycle) for thing in gc.get_objects())


def endless():
    n = 0
    while True:
        yield n
        n += 1


@pytest.mark.parametrize("ahead", [lambda f, *a: in_thread(f(*a)), in_process], ids=["thread", "process"])
def test_items_arrive_in_order(ahead):
    assert list(ahead(numbers, 500)) == list(range(500))


@pytest.mark.parametrize("ahead", [lambda f, *a: in_thread(f(*a)), in_process], ids=["thread", "process"])
def test_an_error_in_the_producer_is_raised_in_the_consumer_whole(ahead):
    received = []
    with pytest.raises(ListingError) as raised:
        for item in ahead(numbers_then_a_bad_line, 3):
            received.append(item)
    assert received == [0, 1, 2]
    assert str(raised.value) == "listing.txt:7: bad timestamp '1:7x'"
    assert (raised.value.source, raised.value.line) == ("listing.txt", 7)


def test_the_child_process_frees_what_items_left_in_cycles_every_few_items():
    every = prefetch.COLLECT_EVERY
    assert list(in_process(cycles_left_behind, 2 * every + 3)) == [*range(1, every + 1)] * 2 + [1, 2, 3]


def test_a_consumer_that_stops_early_stops_the_child_process():
    items = in_process(endless)
    assert [next(items) for _ in range(3)] == [0, 1, 2]
    items.close()  # what a loop left by an exception does
    deadline = time.monotonic() + 10
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert multiprocessing.active_children() == []


LOADER = """
import multiprocessing, sys
from graph import open_store
from loaders.pipeline import load_listings

def told(episodes):
    print(*(child.pid for child in multiprocessing.active_children()), flush=True)

with open_store("falkordb", path=sys.argv[1]) as store:
    load_listings([sys.argv[2]], store, in_child_process=True, batch_episodes=1, progress=told)
"""


def test_the_producer_process_ends_when_its_loader_is_killed(tmp_path):
    listing = tmp_path / "long.txt"
    text = LISTING.read_text(encoding="utf-8")
    listing.write_text("".join(text.replace(", 2020 •", f", {2100 + n} •").replace(", 2019 •", f", {2300 + n} •") + "\n"
                               for n in range(100)), encoding="utf-8")
    loader = subprocess.Popen([sys.executable, "-c", LOADER, str(tmp_path / "store"), str(listing)],
                              cwd=REPO, stdout=subprocess.PIPE, text=True)
    producer = int(loader.stdout.readline().split()[0])
    loader.kill()
    loader.wait()
    deadline = time.monotonic() + 10
    while _alive(producer) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(producer)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "\nState:\tZ" in status.read_text())

"""The producer that runs ahead of the load, in a thread."""

from __future__ import annotations

import threading

import pytest

from loaders.listing import ListingError
from loaders.prefetch import in_thread


def numbers(count: int):
    yield from range(count)


def numbers_then_a_bad_line(count: int):
    yield from range(count)
    raise ListingError("listing.txt", 7, "bad timestamp '1:7x'")


def test_items_arrive_in_order():
    assert list(in_thread(numbers(50))) == list(range(50))


def test_an_error_in_the_producer_is_raised_in_the_consumer_whole():
    items = in_thread(numbers_then_a_bad_line(3))
    assert [next(items) for _ in range(3)] == [0, 1, 2]
    with pytest.raises(ListingError) as raised:
        next(items)
    assert str(raised.value) == "listing.txt:7: bad timestamp '1:7x'"


def test_a_consumer_that_stops_early_stops_the_producer():
    def endless():
        number = 0
        while True:
            yield number
            number += 1

    items = in_thread(endless())
    assert next(items) == 0
    items.close()
    assert not any(thread.name == "stackgraph-prefetch" for thread in threading.enumerate())

"""A compact map from 64-bit key hashes to small rows of integers, looked up a batch at a time.

A first load into a new graph numbers every node it creates and remembers which relationships
it has written: about three million keys at 100k episodes. As a dict of Python ints that is
~100 bytes a key; here it is 8 bytes for the hash and 8 per value, in sorted numpy arrays,
with the latest additions (at most MERGE_FROM) in a dict of ints until they are merged in. Nothing
here is a container the garbage collector walks: a dict of tuples, walked at every collection in
the loader's producer, cost it 0.14 -> 0.26 ms an episode over a 100k load.

Keys are 64-bit hashes, not the keys themselves: two keys hashing alike would be taken for one
(for three million keys, a chance of about 1 in 4 million).

>>> keys = HashedKeys(width=2)
>>> keys.add(hash("acme"), (7, 0))
>>> keys.get_many([hash("acme"), hash("other")])
[(7, 0), None]
"""

from __future__ import annotations

from array import array
from typing import Sequence

import numpy as np

MERGE_FROM = 1 << 16


class HashedKeys:
    """Hash → a tuple of ``width`` int64 values; a hash is added once, its values may be set again."""

    def __init__(self, width: int = 1):
        self.width = width
        self._hashes = np.empty(0, dtype=np.int64)
        self._values = np.empty((0, width), dtype=np.int64)
        self._recent: dict[int, int] = {}  # hash -> its row in _recent_values
        self._recent_values = array("q")  # rows of ``width`` values, one after the other

    def __len__(self) -> int:
        return len(self._hashes) + len(self._recent)

    def get_many(self, hashes: Sequence[int]) -> list[tuple[int, ...] | None]:
        """The values of each hash, None for a hash not added."""
        found: list[tuple[int, ...] | None] = [None if (row := self._recent.get(h)) is None else self._recent_row(row)
                                               for h in hashes]
        if len(self._hashes):
            wanted = np.fromiter(hashes, dtype=np.int64, count=len(hashes))
            positions = np.minimum(np.searchsorted(self._hashes, wanted), len(self._hashes) - 1)
            for i in np.flatnonzero(self._hashes[positions] == wanted).tolist():
                found[i] = tuple(self._values[positions[i]].tolist())
        return found

    def add(self, hash_: int, values: tuple[int, ...]) -> None:
        """Add a hash not added before (the caller has looked it up)."""
        self._recent[hash_] = len(self._recent_values) // self.width
        self._recent_values.extend(values)
        if len(self._recent) >= MERGE_FROM:
            self._merge()

    def add_many(self, hashes: Sequence[int], values: Sequence[int]) -> None:
        """Add hashes not added before, with their values one row after the other in ``values``."""
        first_row = len(self._recent_values) // self.width
        self._recent.update(zip(hashes, range(first_row, first_row + len(hashes))))
        self._recent_values.extend(values)
        if len(self._recent) >= MERGE_FROM:
            self._merge()

    def set(self, hash_: int, values: tuple[int, ...]) -> None:
        """New values for a hash already added."""
        row = self._recent.get(hash_)
        if row is not None:
            self._recent_values[row * self.width : (row + 1) * self.width] = array("q", values)
            return
        position = int(np.searchsorted(self._hashes, hash_))
        if position == len(self._hashes) or self._hashes[position] != hash_:
            raise KeyError(hash_)
        self._values[position] = values

    def _recent_row(self, row: int) -> tuple[int, ...]:
        return tuple(self._recent_values[row * self.width : (row + 1) * self.width])

    def _merge(self) -> None:
        """The recent additions into the sorted arrays: sorted among themselves, then inserted where
        they belong (a copy of the arrays, not a sort of all of them)."""
        hashes = np.fromiter(self._recent, dtype=np.int64, count=len(self._recent))
        rows = np.fromiter(self._recent.values(), dtype=np.int64, count=len(self._recent))
        order = np.argsort(hashes)
        hashes, rows = hashes[order], rows[order]
        values = np.frombuffer(self._recent_values, dtype=np.int64).reshape(-1, self.width)[rows]
        positions = np.searchsorted(self._hashes, hashes)
        self._hashes = np.insert(self._hashes, positions, hashes)
        self._values = np.insert(self._values, positions, values, axis=0)
        self._recent.clear()
        self._recent_values = array("q")

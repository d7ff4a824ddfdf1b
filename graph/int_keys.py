"""A compact map from 64-bit keys to small rows of integers, looked up a batch at a time.

A first load into a new graph numbers every node it creates and remembers which relationships
it has written: about three million keys at 100k episodes. As a dict of Python ints that is
~100 bytes a key; here it is 8 bytes for the key and 8 per value, in sorted numpy arrays,
with the latest additions (at most MERGE_FROM) in a dict of ints until they are merged in. Nothing
here is a container the garbage collector walks: a dict of tuples, walked at every collection in
the loader's producer, cost it 0.14 -> 0.26 ms an episode over a 100k load.

A key is an int64: a hash of a longer key (two keys hashing alike are then one key here, which the
caller must tell apart) or a key packed into 64 bits.

>>> keys = IntKeys(width=2)
>>> keys.add(hash("acme"), (7, 0))
>>> keys.get_many([hash("acme"), hash("other")])
[(7, 0), None]
"""

from __future__ import annotations

from array import array
from typing import Sequence

import numpy as np

MERGE_FROM = 1 << 16


class IntKeys:
    """Key → a tuple of ``width`` int64 values; a key is added once, its values may be set again."""

    def __init__(self, width: int = 1):
        self.width = width
        self._keys = np.empty(0, dtype=np.int64)
        self._values = np.empty((0, width), dtype=np.int64)
        self._recent: dict[int, int] = {}  # key -> its row in _recent_values
        self._recent_values = array("q")  # rows of ``width`` values, one after the other

    def __len__(self) -> int:
        return len(self._keys) + len(self._recent)

    def get_many(self, keys: Sequence[int]) -> list[tuple[int, ...] | None]:
        """The values of each key, None for a key not added."""
        found: list[tuple[int, ...] | None] = [None if (row := self._recent.get(k)) is None else self._recent_row(row)
                                               for k in keys]
        if len(self._keys):
            wanted = np.fromiter(keys, dtype=np.int64, count=len(keys))
            positions = np.minimum(np.searchsorted(self._keys, wanted), len(self._keys) - 1)
            for i in np.flatnonzero(self._keys[positions] == wanted).tolist():
                found[i] = tuple(self._values[positions[i]].tolist())
        return found

    def add(self, key: int, values: tuple[int, ...]) -> None:
        """Add a key not added before (the caller has looked it up)."""
        self._recent[key] = len(self._recent_values) // self.width
        self._recent_values.extend(values)
        if len(self._recent) >= MERGE_FROM:
            self._merge()

    def add_many(self, keys: Sequence[int], values: Sequence[int]) -> None:
        """Add keys not added before, with their values one row after the other in ``values``."""
        first_row = len(self._recent_values) // self.width
        self._recent.update(zip(keys, range(first_row, first_row + len(keys))))
        self._recent_values.extend(values)
        if len(self._recent) >= MERGE_FROM:
            self._merge()

    def set(self, key: int, values: tuple[int, ...]) -> None:
        """New values for a key already added."""
        row = self._recent.get(key)
        if row is not None:
            self._recent_values[row * self.width : (row + 1) * self.width] = array("q", values)
            return
        position = int(np.searchsorted(self._keys, key))
        if position == len(self._keys) or self._keys[position] != key:
            raise KeyError(key)
        self._values[position] = values

    def _recent_row(self, row: int) -> tuple[int, ...]:
        return tuple(self._recent_values[row * self.width : (row + 1) * self.width])

    def _merge(self) -> None:
        """The recent additions into the sorted arrays: sorted among themselves, then inserted where
        they belong (a copy of the arrays, not a sort of all of them)."""
        keys = np.fromiter(self._recent, dtype=np.int64, count=len(self._recent))
        rows = np.fromiter(self._recent.values(), dtype=np.int64, count=len(self._recent))
        order = np.argsort(keys)
        keys, rows = keys[order], rows[order]
        values = np.frombuffer(self._recent_values, dtype=np.int64).reshape(-1, self.width)[rows]
        positions = np.searchsorted(self._keys, keys)
        self._keys = np.insert(self._keys, positions, keys)
        self._values = np.insert(self._values, positions, values, axis=0)
        self._recent.clear()
        self._recent_values = array("q")

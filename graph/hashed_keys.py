"""A compact map from 64-bit key hashes to small rows of integers, looked up a batch at a time.

A first load into a new graph numbers every node it creates and remembers which relationships
it has written: about three million keys at 100k episodes. As a dict of Python ints that is
~100 bytes a key; here it is 8 bytes for the hash and 8 per value, in sorted numpy arrays,
with the latest additions in a small dict until there are enough of them to merge.

Keys are 64-bit hashes, not the keys themselves: two keys hashing alike would be taken for one
(for three million keys, a chance of about 1 in 4 million).

>>> keys = HashedKeys(width=2)
>>> keys.add(hash("acme"), (7, 0))
>>> keys.get_many([hash("acme"), hash("other")])
[(7, 0), None]
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

MERGE_FROM = 1 << 16


class HashedKeys:
    """Hash → a tuple of ``width`` int64 values; a hash is added once, its values may be set again."""

    def __init__(self, width: int = 1):
        self.width = width
        self._hashes = np.empty(0, dtype=np.int64)
        self._values = np.empty((0, width), dtype=np.int64)
        self._recent: dict[int, tuple[int, ...]] = {}

    def __len__(self) -> int:
        return len(self._hashes) + len(self._recent)

    def get_many(self, hashes: Sequence[int]) -> list[tuple[int, ...] | None]:
        """The values of each hash, None for a hash not added."""
        found: list[tuple[int, ...] | None] = [self._recent.get(h) for h in hashes]
        if len(self._hashes):
            wanted = np.fromiter(hashes, dtype=np.int64, count=len(hashes))
            positions = np.minimum(np.searchsorted(self._hashes, wanted), len(self._hashes) - 1)
            for i in np.flatnonzero(self._hashes[positions] == wanted).tolist():
                found[i] = tuple(self._values[positions[i]].tolist())
        return found

    def add(self, hash_: int, values: tuple[int, ...]) -> None:
        """Add a hash not added before (the caller has looked it up)."""
        self._recent[hash_] = values
        if len(self._recent) >= max(MERGE_FROM, len(self._hashes) // 4):
            self._merge()

    def set(self, hash_: int, values: tuple[int, ...]) -> None:
        """New values for a hash already added."""
        if hash_ in self._recent:
            self._recent[hash_] = values
            return
        position = int(np.searchsorted(self._hashes, hash_))
        if position == len(self._hashes) or self._hashes[position] != hash_:
            raise KeyError(hash_)
        self._values[position] = values

    def _merge(self) -> None:
        hashes = np.concatenate([self._hashes, np.fromiter(self._recent, dtype=np.int64, count=len(self._recent))])
        values = np.concatenate([self._values, np.array(list(self._recent.values()), dtype=np.int64).reshape(-1, self.width)])
        order = np.argsort(hashes)
        self._hashes, self._values = hashes[order], values[order]
        self._recent.clear()

"""Every stack in memory, for a long-lived process that asks "which companies resemble this stack" again and again.

Ranking companies exactly by Jaccard counts, for a stack S, the technologies each company shares
with it: one record per company and technology of S, the sum of S's technologies' users. A popular
technology makes that most of the graph (at 100k generated episodes ~400k records a question, the
most used technology being in 94 % of stacks), and a graph store spends hundreds of milliseconds
grouping them. Like a graph-algorithms library's in-memory projection, this holds the technology →
companies lists as integer arrays, read once in one statement, so that a question is a vectorised
count (a few milliseconds) and the store is asked only about the companies that made the cut.

The process that owns one (the HTTP service, the benchmark) reads it once and passes it to
``similar``, ``similar_to_stack`` or ``recommend`` as ``projection=``: they pick their candidates
with it and rank them as they do without it. Each question first calls :meth:`StackProjection.refresh`,
which reads the stacks again when the co-occurrence index's mark (set by every load and every
``cypher --write``) or the USES count says they may have changed. A write through the Python API
that swaps one USES for another leaves both as they were: run it inside
``domain.cooccurrence.untracked_write(store)``, as ``cypher --write`` does.

Threads may share one projection (the service's routes run in a thread pool): a question reads one
:class:`Stacks` reading and works on it alone, and a refresh swaps in a new reading whole.

>>> projection = StackProjection.read(store)
>>> sorted(projection.companies)                                 # Dune uses nothing
['acme', 'bolt', 'coil']
>>> projection.best_by_jaccard(frozenset({"postgres", "redis"}), exclude="bolt", limit=1)   # Acme 2/3, Coil 1/3
['acme']
>>> from queries.similar import similar
>>> [(s.name, s.shared_count) for s in similar(store, "Bolt", limit=1, projection=projection)]
[('Acme', 2)]
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np

from domain.cooccurrence import read_state
from graph.store import GraphStore

USERS_OF_EACH = """
MATCH (t:Technology)<-[:USES]-(c:Company)
RETURN t.id AS id, collect(c.id) AS users
"""


def stacks_version(store: GraphStore) -> tuple[object, ...] | None:
    """Changes whenever a load or a ``cypher --write`` may have changed a stack (three cheap reads).

    ``None`` on a graph without the co-occurrence index's mark, which no load has written: nothing
    there would tell a change.
    """
    state = read_state(store)
    return None if state.stale is None else (state.stale, state.recorded_uses, state.load, state.uses)


@dataclass(frozen=True)
class Stacks:
    """One reading of a store's USES incidence: one array of user indices per technology."""

    companies: list[str]  # slugs, by index
    users: dict[str, np.ndarray]  # technology id -> indices of the companies using it
    stack_sizes: np.ndarray  # by company index: technologies used
    company_index: dict[str, int] = field(repr=False)
    version: tuple[object, ...] | None = None  # stacks_version when read

    @classmethod
    def read(cls, store: GraphStore) -> Stacks:
        """Every company's stack, in one statement."""
        version = stacks_version(store)  # before the read: a write during it makes the next refresh read again
        company_index: dict[str, int] = {}
        users = {}
        for row in store.run(USERS_OF_EACH):
            slugs = row["users"]
            users[row["id"]] = np.fromiter(
                (company_index.setdefault(slug, len(company_index)) for slug in slugs), dtype=np.int64, count=len(slugs)
            )
        everyone = np.concatenate(list(users.values())) if users else np.zeros(0, dtype=np.int64)
        sizes = np.bincount(everyone, minlength=len(company_index))
        return cls(list(company_index), users, sizes, company_index, version)


class StackProjection:
    """The stacks of one store, kept for the questions of a long-lived process, from several threads at once.

    A question reads :attr:`stacks` once and works on that reading; :meth:`refresh` swaps in a new
    reading whole, so a question never sees half of one and half of another.
    """

    def __init__(self, stacks: Stacks):
        self.stacks = stacks
        self._rereading = threading.Lock()  # one thread reads the stacks again; the others wait for its reading

    @classmethod
    def read(cls, store: GraphStore) -> StackProjection:
        """Every company's stack, in one statement."""
        return cls(Stacks.read(store))

    @property
    def companies(self) -> list[str]:
        return self.stacks.companies

    @property
    def stack_sizes(self) -> np.ndarray:
        return self.stacks.stack_sizes

    def refresh(self, store: GraphStore) -> bool:
        """Read ``store``'s stacks again if they may have changed since; whether this now holds them
        (false when no index mark tells a change: the caller asks Cypher instead)."""
        version = stacks_version(store)
        if version is None:
            return False
        if version != self.stacks.version:
            with self._rereading:
                if version != self.stacks.version:  # no other thread has read them meanwhile
                    self.stacks = Stacks.read(store)
        return True

    def users_of(self, technologies: Iterable[str]) -> dict[str, int]:
        """Companies using each of ``technologies`` (absent: none), as profiles.users counts them."""
        users = self.stacks.users
        return {t: len(users[t]) for t in technologies if t in users}

    def best_by_jaccard(self, stack: frozenset[str], exclude: str | None, limit: int) -> list[str]:
        """Slugs of the ``limit`` companies with the highest Jaccard to ``stack`` and of any tied with the
        last of them (a tie within 1e-9 included: the caller ranks exactly), ``exclude`` left out.

        Jaccard is shared / (len(stack) + stack size - shared), as the Cypher ranking computes it.
        """
        stacks = self.stacks
        postings = [stacks.users[t] for t in stack if t in stacks.users]
        if not postings or limit <= 0:
            return []
        shared = np.bincount(np.concatenate(postings), minlength=len(stacks.companies))
        if exclude in stacks.company_index:
            shared[stacks.company_index[exclude]] = 0
        candidates = np.flatnonzero(shared)
        scores = shared[candidates] / (len(stack) + stacks.stack_sizes[candidates] - shared[candidates])
        if len(candidates) > limit:
            kept = scores >= np.partition(scores, -limit)[-limit] - 1e-9
            candidates, scores = candidates[kept], scores[kept]
        return [stacks.companies[i] for i in candidates[np.argsort(-scores, kind="stable")]]

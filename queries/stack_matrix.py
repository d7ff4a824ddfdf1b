"""Every stack in memory, for a session that asks "which companies resemble this stack" again and again.

Ranking companies exactly by Jaccard counts, for a stack S, the technologies each company shares
with it: one record per company and technology of S, the sum of S's technologies' users. A popular
technology makes that most of the graph (at 100k generated episodes ~400k records a question, the
most used technology being in 94 % of stacks), and a graph store spends hundreds of milliseconds
grouping them. Like a graph-algorithms library's in-memory projection, this holds the technology →
companies lists as integer arrays, read once in one statement, so that a question is a vectorised
count (a few milliseconds) and the store is asked only about the companies that made the cut.

The projection is kept per store object and used from a store's second question on: a one-shot
CLI call pays a Cypher query, not a read of every stack. It is read again whenever the graph's
stacks may have changed, which :func:`stacks_version` tells from the co-occurrence index's mark
(every load and every ``cypher --write`` sets it) and the USES count. A write through the Python
API that swaps one USES for another leaves both as they were: run it inside
``domain.cooccurrence.untracked_write(store)``, as ``cypher --write`` does.

>>> matrix = StackMatrix.read(store)                               # doctest: +SKIP
>>> matrix.best_by_jaccard(frozenset({"rails", "postgres"}), exclude=None, limit=1)  # doctest: +SKIP
['gorails']
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np

from domain.cooccurrence import read_state
from graph.store import GraphStore

# Technology ids with the slugs of their users; how the lists travel is the store's choice
# (GraphStore.text_list: FalkorDB joins each into one string, which it sends much faster).
USERS_OF_EACH = """
MATCH (t:Technology)<-[:USES]-(c:Company)
WITH t, collect(c.id) AS users
RETURN t.id AS id, users
"""


def stacks_version(store: GraphStore) -> tuple | None:
    """Changes whenever a load or a ``cypher --write`` may have changed a stack (three cheap reads).

    ``None`` on a graph without the co-occurrence index's mark, which no load has written: nothing
    there would tell a change.
    """
    state = read_state(store)
    return None if state.stale is None else (state.stale, state.recorded_uses, state.load, state.uses)


@dataclass
class StackMatrix:
    """The company × technology USES incidence as one array of user indices per technology."""

    companies: list[str]  # slugs, by index
    users: dict[str, np.ndarray]  # technology id -> indices of the companies using it
    stack_sizes: np.ndarray  # by company index: technologies used
    company_index: dict[str, int] = field(repr=False)

    @classmethod
    def read(cls, store: GraphStore) -> StackMatrix:
        """Every company's stack, in one statement."""
        company_index: dict[str, int] = {}
        users = {}
        for row in store.run(USERS_OF_EACH):
            slugs = row["users"]
            users[row["id"]] = np.fromiter(
                (company_index.setdefault(slug, len(company_index)) for slug in slugs), dtype=np.int64, count=len(slugs)
            )
        everyone = np.concatenate(list(users.values())) if users else np.zeros(0, dtype=np.int64)
        return cls(list(company_index), users, np.bincount(everyone, minlength=len(company_index)), company_index)

    def users_of(self, technologies: Iterable[str]) -> dict[str, int]:
        """Companies using each of ``technologies`` (absent: none), as profiles.users counts them."""
        return {t: len(self.users[t]) for t in technologies if t in self.users}

    def best_by_jaccard(self, stack: frozenset[str], exclude: str | None, limit: int) -> list[str]:
        """Slugs of the ``limit`` companies with the highest Jaccard to ``stack`` and of any tied with the
        last of them (a tie within 1e-9 included: the caller ranks exactly), ``exclude`` left out.

        Jaccard is shared / (len(stack) + stack size - shared), as the Cypher ranking computes it.
        """
        postings = [self.users[t] for t in stack if t in self.users]
        if not postings or limit <= 0:
            return []
        shared = np.bincount(np.concatenate(postings), minlength=len(self.companies))
        if exclude in self.company_index:
            shared[self.company_index[exclude]] = 0
        candidates = np.flatnonzero(shared)
        scores = shared[candidates] / (len(stack) + self.stack_sizes[candidates] - shared[candidates])
        if len(candidates) > limit:
            kept = scores >= np.partition(scores, -limit)[-limit] - 1e-9
            candidates, scores = candidates[kept], scores[kept]
        return [self.companies[i] for i in candidates[np.argsort(-scores, kind="stable")]]


@dataclass
class _Session:
    questions: int = 0
    version: tuple | None = None
    matrix: StackMatrix | None = None


_sessions: weakref.WeakKeyDictionary[GraphStore, _Session] = weakref.WeakKeyDictionary()


def for_repeated_questions(store: GraphStore) -> StackMatrix | None:
    """The projection of ``store``'s stacks, read again if they may have changed; ``None`` (Cypher
    answers alone) on a store's first question, or when a change could not be told."""
    session = _sessions.setdefault(store, _Session())
    session.questions += 1
    if session.questions == 1:
        return None
    version = stacks_version(store)
    if version is None:
        session.matrix = None
        return None
    if session.matrix is None or version != session.version:
        session.matrix, session.version = StackMatrix.read(store), version
    return session.matrix

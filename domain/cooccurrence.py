"""The co-occurrence index: how many companies use each pair of technologies, kept in the graph.

Counting the companies behind ``(a)<-[:USES]-(c:Company)-[:USES]->(b)`` on every question walks
every stack holding ``a``: seconds at 100k episodes. The loader keeps the counts in the graph
instead, as derived data (``graph.schema.DERIVED_LABELS`` and ``DERIVED_RELATIONSHIP_TYPES``):

* ``(a:Technology)-[:CO_OCCURS {companies: n}]->(b:Technology)``: n companies use both, stored
  once per pair (``a.id < b.id``);
* ``(t)-[:CO_OCCURS {companies: n}]->(t)``: the diagonal, n companies use ``t``;
* ``(:Index {name: "cooccurrence", stale, uses})``: whether the counts can be trusted, and how
  many USES relationships the graph held when they were last made right.

Every load and copy writes through ``loaders.pipeline.write``, the one place that keeps the index:
it calls :meth:`CooccurrenceIndex.begin` (marks the index stale), :meth:`~CooccurrenceIndex.add`
for each batch before writing it (reads the stacks the batch extends and adds up the new pairs),
and :meth:`~CooccurrenceIndex.commit` once the write is done (writes the sums, clears the mark). Loads only
add USES and are idempotent, so increments are exact; whenever they cannot be trusted (the index
was stale: an earlier load was interrupted, or another is running, or a ``cypher --write`` ran,
which :func:`untracked_write` marks; absent on a graph with stacks: a store from before the
index; the USES count moved under it: a write through the Python API; or another load or a
reindex began meanwhile), the commit rebuilds from every stack instead. Readers ask
:func:`is_fresh` and fall back to the traversal when it says no.

>>> CooccurrenceIndex(store).rebuild()
IndexUpdate(rebuilt=True, companies=3, technologies=4, pairs=4, uses=7)
>>> is_fresh(store)
True
"""

from __future__ import annotations

import uuid
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import combinations
from typing import Iterable, Iterator

from graph.errors import QueryError
from graph.model import GraphDocument
from graph.store import GraphStore
from graph.writer import UpsertStatement

NAME = "cooccurrence"
ROWS_PER_STATEMENT = 1000

# Neo4j warns (through the driver's log, on stderr) about a label, type or property key it has
# never seen: the queries below run only once the tokens they name exist, and the state node is
# read whole rather than by property.
TOKENS = """
CALL db.relationshipTypes() YIELD relationshipType
WITH collect(relationshipType) AS types
CALL db.labels() YIELD label
RETURN types, collect(label) AS labels
"""
STATE = "MATCH (i:Index {name: $name}) RETURN i"
USES_COUNT = "MATCH ()-[r:USES]->() RETURN count(r) AS n"

# Reads the mark and sets it in one statement: of two loads starting together, one finds the index
# stale. The load's token tells its commit whether another load (or a reindex) began since.
MARK_STALE = """
MERGE (i:Index {name: $name})
WITH i, properties(i) AS before
SET i.stale = true, i.load = $load
RETURN before
"""
MARK_FRESH = "UNWIND $rows AS row MERGE (i:Index {name: row.name}) SET i.stale = false, i.uses = row.uses"

STACKS_OF = """
UNWIND $ids AS id
MATCH (c:Company {id: id})-[:USES]->(t:Technology)
RETURN id, collect(DISTINCT t.id) AS technologies
"""
ALL_STACKS = """
MATCH (c:Company)-[:USES]->(t:Technology)
WITH c, collect(DISTINCT t.id) AS technologies
RETURN technologies
"""
DELETE_ALL = "MATCH ()-[r:CO_OCCURS]->() DELETE r"
_EACH_PAIR = """
UNWIND $rows AS row
MATCH (a:Technology {id: row.a})
MATCH (b:Technology {id: row.b})
MERGE (a)-[r:CO_OCCURS]->(b)
"""
ADD_COUNTS = _EACH_PAIR + "SET r.companies = coalesce(r.companies, 0) + row.n"
SET_COUNTS = _EACH_PAIR + "SET r.companies = row.n"


@dataclass(frozen=True)
class IndexState:
    """What the graph says about the index: ``stale`` None when there is no index at all."""

    stale: bool | None
    recorded_uses: int | None
    uses: int
    load: str | None = None  # the token of the last load, reindex or untracked write that marked it

    @property
    def fresh(self) -> bool:
        return self.stale is False and self.recorded_uses == self.uses

    @property
    def status(self) -> str:
        """``fresh``, ``stale`` (marked so, or the USES count moved since), or ``absent``."""
        return "absent" if self.stale is None else "fresh" if self.fresh else "stale"


@dataclass(frozen=True)
class IndexUpdate:
    """What a commit did: rebuilt or incremented, from how many company stacks, how many rows written."""

    rebuilt: bool
    companies: int
    technologies: int  # diagonal rows written: users per technology (those that changed, when incremented)
    pairs: int  # off-diagonal rows written
    uses: int  # USES relationships the index now accounts for


def _tokens(store: GraphStore) -> tuple[set[str], set[str]]:
    rows = store.run(TOKENS)
    return (set(rows[0]["types"]), set(rows[0]["labels"])) if rows else (set(), set())


def _uses(store: GraphStore, types: set[str]) -> int:
    return store.run(USES_COUNT)[0]["n"] if "USES" in types else 0


def read_state(store: GraphStore) -> IndexState:
    """The index's mark and the graph's USES count, in at most three cheap reads."""
    types, labels = _tokens(store)
    marks = store.run(STATE, {"name": NAME}) if "Index" in labels else []
    mark = marks[0]["i"] if marks else {}
    return IndexState(mark.get("stale"), mark.get("uses"), _uses(store, types), mark.get("load"))


def is_fresh(store: GraphStore) -> bool:
    """Whether the stored counts match the graph: not stale, and no USES added or removed since.

    A read: it never repairs the index (``stackgraph reindex`` or the next load does).
    """
    return read_state(store).fresh


def _mark_stale(store: GraphStore, load: str) -> dict:
    """Set the stale mark with the token ``load``; the mark's properties as they were."""
    return store.run(MARK_STALE, {"name": NAME, "load": load}, write=True)[0]["before"]


@contextmanager
def untracked_write(store: GraphStore) -> Iterator[None]:
    """Around a write whose effect on stacks the index cannot follow (``cypher --write``): the counts
    are marked stale after it, with a new token that tells readers the stacks may have changed.
    Also when it was interrupted, since it may have run all the same; not when the store refused it
    (a QueryError: nothing changed).
    """
    refused = False
    try:
        yield
    except QueryError:
        refused = True
        raise
    finally:
        if not refused:
            _mark_stale(store, uuid.uuid4().hex)


def uses_in(document: GraphDocument) -> list[tuple[str, str]]:
    """The (company, technology) keys of a document's USES relationships, which the index counts.

    >>> from graph.model import Relationship
    >>> doc = GraphDocument()
    >>> _ = doc.add_relationship(Relationship("USES", "Company", "acme", "Technology", "rails"))
    >>> uses_in(doc)
    [('acme', 'rails')]
    """
    return [
        (rel.start_key, rel.end_key)
        for rel in document.relationships
        if rel.type == "USES" and rel.start_label == "Company" and rel.end_label == "Technology"
    ]


def _pairs(stack: Iterable[str]) -> Iterator[tuple[str, str]]:
    ordered = sorted(stack)
    yield from ((t, t) for t in ordered)
    yield from combinations(ordered, 2)


def _new_pairs(old: set[str], new: set[str]) -> Iterator[tuple[str, str]]:
    """The pairs of ``old | new`` with at least one technology of ``new`` (which ``old`` does not hold),
    each once: as many as new x (old + new), not all the pairs of a stack that grew by one."""
    for technology in new:
        for other in old:
            yield (technology, other) if technology < other else (other, technology)
    yield from _pairs(new)


def _statements(counts: Counter[tuple[str, str]], uses: int, complete: bool, *, delete: bool) -> Iterator[UpsertStatement]:
    """The writes of a commit, rows made a statement at a time (a first load at 10k episodes has 136k)."""
    if delete:
        yield UpsertStatement(DELETE_ALL, [])
    pairs = sorted(counts)  # the same order in every commit: concurrent ones on Neo4j lock alike
    for start in range(0, len(pairs), ROWS_PER_STATEMENT):
        rows = [{"a": a, "b": b, "n": counts[a, b]} for a, b in pairs[start : start + ROWS_PER_STATEMENT]]
        yield UpsertStatement(SET_COUNTS if complete else ADD_COUNTS, rows)
    yield UpsertStatement(MARK_FRESH, [{"name": NAME, "uses": uses}])


class CooccurrenceIndex:
    """Keeps a store's co-occurrence counts right across one load; see the module docstring.

    The calls are ``begin()``, ``add(document)`` per batch before the batch is written, and
    ``commit()`` after the last one; ``rebuild()`` alone recounts everything.
    """

    def __init__(self, store: GraphStore):
        self.store = store
        self._load = ""
        self._rebuild = False
        self._from_zero = False
        self._uses_at_begin = 0
        self._added_uses = 0
        self._companies = 0
        self._increments: Counter[tuple[str, str]] = Counter()

    def begin(self, *, rebuild: bool = False) -> None:
        """Mark the index stale (a write) and decide: increments, or a rebuild at commit."""
        uses = _uses(self.store, _tokens(self.store)[0])
        self._load = uuid.uuid4().hex
        before = _mark_stale(self.store, self._load)
        state = IndexState(before.get("stale"), before.get("uses"), uses)
        # No index yet on a graph without stacks (a new store): counting up from zero is exact.
        self._from_zero = state.stale is None
        self._rebuild = rebuild or not (state.fresh or (self._from_zero and state.uses == 0))
        self._uses_at_begin = state.uses
        self._added_uses, self._companies = 0, 0
        self._increments.clear()

    def add(self, uses: Iterable[tuple[str, str]]) -> None:
        """Count what a document's USES (:func:`uses_in`) add to their companies' stacks; call it before
        writing the document."""
        if self._rebuild:
            return
        batch: dict[str, set[str]] = {}
        for company, technology in uses:
            batch.setdefault(company, set()).add(technology)
        if not batch:
            return
        stored: dict[str, set[str]] = {}
        if self._uses_at_begin or self._added_uses:  # an empty graph has no stacks to read
            rows = self.store.run(STACKS_OF, {"ids": sorted(batch)})
            stored = {row["id"]: set(row["technologies"]) for row in rows}
        for company, technologies in batch.items():
            old = stored.get(company, set())
            new = technologies - old
            if not new:
                continue
            self._companies += 1
            self._added_uses += len(new)
            self._increments.update(_new_pairs(old, new))  # old x old pairs are counted already

    def commit(self) -> IndexUpdate:
        """Write the counts and clear the stale mark; a rebuild when increments cannot be trusted."""
        types = _tokens(self.store)[0]
        uses = _uses(self.store, types)
        marks = self.store.run(STATE, {"name": NAME})
        # Increments hold only if no other load began since (it may have recounted already) and
        # nothing else added or removed USES meanwhile.
        alone = bool(marks) and marks[0]["i"].get("load") == self._load
        rebuilt = self._rebuild or not alone or uses != self._uses_at_begin + self._added_uses
        counts, companies = self._recount(uses) if rebuilt else (self._increments, self._companies)
        # Complete counts replace whatever CO_OCCURS there is (a hand-edited graph's, or a concurrent
        # recount's on Neo4j), so they are set, not added.
        complete = rebuilt or self._from_zero
        # One transaction on Neo4j; on FalkorDB statement by statement, the mark cleared last, so an
        # interruption leaves the index stale and the next load rebuilds it.
        self.store.write(_statements(counts, uses, complete, delete=complete and "CO_OCCURS" in types))
        diagonal = sum(1 for a, b in counts if a == b)
        return IndexUpdate(rebuilt, companies, diagonal, len(counts) - diagonal, uses)

    def rebuild(self) -> IndexUpdate:
        """Recount every pair from the companies' stacks, whatever the index says now."""
        self.begin(rebuild=True)
        return self.commit()

    def _recount(self, uses: int) -> tuple[Counter[tuple[str, str]], int]:
        counts: Counter[tuple[str, str]] = Counter()
        companies = 0
        for row in self.store.run(ALL_STACKS) if uses else []:
            counts.update(_pairs(row["technologies"]))
            companies += 1
        return counts, companies

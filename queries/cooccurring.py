"""Technologies used together: association measures over the companies' stacks.

For technologies A and B over N companies, with n(A), n(B) the companies using
each and n(AB) those using both: support = n(AB)/N, confidence = P(B|A) =
n(AB)/n(A), lift = n(AB)·N / (n(A)·n(B)), Jaccard = n(AB) / (n(A)+n(B)-n(AB)).
Cypher returns the counts: from the co-occurrence index the loader keeps
(domain/cooccurrence.py) while it is fresh, else from the companies' stacks, with
the same answers; the ratios are computed here.

>>> [(c.name, c.shared, round(c.lift, 2)) for c in cooccurring(store, "PostgreSQL")]   # N = 4, 3 use postgres
[('Redis', 2, 1.33), ('Elixir', 1, 1.33), ('Ruby on Rails', 1, 1.33)]
>>> [(p.a_name, p.b_name, p.shared, p.confidence) for p in cooccurring_pairs(store, min_count=2)]  # Acme and Bolt
[('Redis', 'PostgreSQL', 2, 1.0)]
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.cooccurrence import is_fresh
from graph.store import GraphStore, Row
from queries.names import resolve_category, resolve_technology
from queries.profiles import take, total_companies
from queries.profiles import users as technology_users

USERS = """
MATCH (c:Company)-[:USES]->(t:Technology)
RETURN t.id AS id, count(DISTINCT c) AS companies
"""

WITH_ONE = """
MATCH (a:Technology {id: $technology})<-[:USES]-(c:Company)-[:USES]->(b:Technology)
WHERE b.id <> a.id AND ($category IS NULL OR b.category = $category)
WITH b, count(DISTINCT c) AS shared
WHERE shared >= $min_count
RETURN b.id AS id, b.name AS name, b.category AS category, shared
ORDER BY shared DESC
"""

ALL_PAIRS = """
MATCH (a:Technology)<-[:USES]-(c:Company)-[:USES]->(b:Technology)
WHERE a.id < b.id
WITH a, b, count(DISTINCT c) AS shared
WHERE shared >= $min_count
RETURN a.id AS a_id, a.name AS a, b.id AS b_id, b.name AS b, shared
"""

INDEXED_ALL_USERS = """
MATCH (t:Technology)-[r:CO_OCCURS]->(t)
RETURN t.id AS id, r.companies AS companies
"""

INDEXED_WITH_ONE = """
MATCH (a:Technology {id: $technology})-[r:CO_OCCURS]-(b:Technology)
WHERE b.id <> a.id AND ($category IS NULL OR b.category = $category) AND r.companies >= $min_count
RETURN b.id AS id, b.name AS name, b.category AS category, r.companies AS shared
ORDER BY shared DESC
"""

# Lift as _measures computes it (exact integers, one rounding), so that Cypher can order and cut.
# The users come in as a parameter: matching each pair's diagonal edges would walk every edge of
# both technologies again, ten times slower.
INDEXED_PAIRS = """
MATCH (a:Technology)-[r:CO_OCCURS]->(b:Technology)
WHERE a.id < b.id AND r.companies >= $min_count
RETURN a.id AS a_id, a.name AS a, b.id AS b_id, b.name AS b, r.companies AS shared,
       toFloat(r.companies * $total) / ($users[a.id] * $users[b.id]) AS lift
ORDER BY lift DESC
"""


@dataclass(frozen=True)
class Cooccurrence:
    name: str
    technology: str  # its slug
    category: str
    shared: int
    support: float
    confidence: float
    lift: float
    jaccard: float


@dataclass(frozen=True)
class Pair:
    a_name: str
    b_name: str
    a: str  # slugs
    b: str
    shared: int
    support: float
    confidence: float  # P(b|a), a being the technology fewer companies use (or the first by name)
    lift: float
    jaccard: float


def _measures(shared: int, n_a: int, n_b: int, total: int) -> tuple[float, float, float, float]:
    return shared / total, shared / n_a, shared * total / (n_a * n_b), shared / (n_a + n_b - shared)


def _top(store: GraphStore, query: str, params: dict, limit: int | None, column: str) -> list[Row]:
    """The rows of ``query`` (ordered by ``column``, descending) that can be among the first ``limit``.

    Only the rows up to ``limit`` and those tying with the last of them on ``column`` can be (the
    caller breaks ties): Cypher orders and cuts, and reading goes on while the last row read ties.
    """
    if limit is None:
        return store.run(query, params)
    top = limit + 16
    while True:
        rows = store.run(query + " LIMIT $top", {**params, "top": top})
        if len(rows) < top or rows[-1][column] < rows[limit - 1][column]:
            break
        top *= 4
    if limit < len(rows):
        last = rows[limit - 1][column]
        rows = [row for row in rows if row[column] >= last]
    return rows


def cooccurring(
    store: GraphStore,
    technology: str,
    *,
    category: str | None = None,
    min_count: int = 1,
    limit: int | None = None,
) -> list[Cooccurrence]:
    """Technologies used by the companies that use ``technology``.

    Ordered by shared companies, then lift (both descending), then name.
    ``category`` keeps one category; ``min_count`` drops technologies sharing
    fewer companies; ``limit`` keeps the first rows (0 keeps none).
    """
    slug = resolve_technology(store, technology)
    take([], limit)  # a negative limit is an error before any query
    if limit == 0:
        return []
    indexed = is_fresh(store)
    params = {"technology": slug, "category": resolve_category(store, category) if category else None,
              "min_count": min_count}
    rows = _top(store, INDEXED_WITH_ONE if indexed else WITH_ONE, params, limit, "shared")
    if not rows:
        return []
    ids = [slug] + [row["id"] for row in rows]
    users = technology_users(store, ids, indexed=indexed)
    total = total_companies(store)
    result = [
        Cooccurrence(row["name"] or row["id"], row["id"], row["category"] or "other", row["shared"],
                     *_measures(row["shared"], users[slug], users[row["id"]], total))
        for row in rows
    ]
    result.sort(key=lambda c: (-c.shared, -c.lift, c.name.lower(), c.technology))
    return take(result, limit)


def cooccurring_pairs(store: GraphStore, *, min_count: int = 2, limit: int | None = None) -> list[Pair]:
    """The strongest pairs in the whole graph by lift, among pairs sharing ``min_count`` companies or more.

    Ordered by lift, then shared companies (both descending), then the names.
    """
    take([], limit)  # a negative limit is an error before any query
    if limit == 0:
        return []
    total = total_companies(store)
    if is_fresh(store):
        users = {row["id"]: row["companies"] for row in store.run(INDEXED_ALL_USERS)}
        rows = _top(store, INDEXED_PAIRS, {"min_count": min_count, "total": total, "users": users}, limit, "lift")
    else:
        users = {row["id"]: row["companies"] for row in store.run(USERS)}
        rows = store.run(ALL_PAIRS, {"min_count": min_count})
    result = []
    for row in rows:
        a, b = (row["a_id"], row["a"]), (row["b_id"], row["b"])
        if (users[b[0]], b[1] or b[0]) < (users[a[0]], a[1] or a[0]):
            a, b = b, a
        result.append(
            Pair(a[1] or a[0], b[1] or b[0], a[0], b[0], row["shared"],
                 *_measures(row["shared"], users[a[0]], users[b[0]], total))
        )
    result.sort(key=lambda p: (-p.lift, -p.shared, p.a_name.lower(), p.b_name.lower()))
    return take(result, limit)

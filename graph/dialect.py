"""What FalkorDB and Neo4j say differently: one dialect object per backend.

Query modules write Cypher both backends accept; the few statements where the two differ
(how a batch of nodes is upserted, how a key is indexed) come from the store's dialect,
never spliced into a query module's text.

>>> NEO4J.upsert_nodes("Person", "id", (), {"name"})
'UNWIND $rows AS row MERGE (n:Person {id: row.key}) SET n += row.props'
>>> FALKORDB.key_index("Person", "id")
'CREATE INDEX FOR (n:Person) ON (n.id)'
"""

from __future__ import annotations

from collections.abc import Set


def quoted(name: str) -> str:
    """A label, relationship type or property name as a Cypher identifier, whatever characters it holds.

    >>> quoted("Technology"), quoted("odd`name")
    ('`Technology`', '`odd``name`')
    """
    return "`" + name.replace("`", "``") + "`"


class Dialect:
    """Neo4j's forms, which are openCypher's; :class:`FalkorDBDialect` overrides where FalkorDB differs."""

    name = "neo4j"

    def upsert_nodes(self, label: str, key: str, extra_labels: tuple[str, ...], property_names: Set[str]) -> str:
        """The statement that upserts ``UNWIND $rows`` rows of ``{key, props}`` as ``label`` nodes.

        MERGE: where writes run concurrently, only MERGE keeps two loads from creating one node twice.
        ``label``, ``key`` and ``extra_labels`` are checked against the schema by the caller.
        """
        query = f"UNWIND $rows AS row MERGE (n:{label} {{{key}: row.key}}) SET n += row.props"
        return query + "".join(f" SET n:{extra}" for extra in extra_labels)

    def key_index(self, label: str, key: str) -> str:
        """The statement that makes ``key`` unique (and indexed) on ``label``; idempotent."""
        return (f"CREATE CONSTRAINT {label.lower()}_{key}_unique IF NOT EXISTS "
                f"FOR (n:{label}) REQUIRE n.{key} IS UNIQUE")

    def secondary_index(self, label: str, key: str) -> str:
        """The statement that indexes ``key`` on a secondary label; idempotent."""
        return f"CREATE INDEX {label.lower()}_{key} IF NOT EXISTS FOR (n:{label}) ON (n.{key})"


# Whether SET n += row.props would change n.
_CHANGED = "any(k IN keys(row.props) WHERE n[k] IS NULL OR n[k] <> row.props[k])"


class FalkorDBDialect(Dialect):
    name = "falkordb"

    def upsert_nodes(self, label: str, key: str, extra_labels: tuple[str, ...], property_names: Set[str]) -> str:
        """A node is looked up and, when absent, created with its properties; SET only what changed.

        FalkorDB runs one write at a time, so this cannot create a node twice. MERGE then SET
        makes it index a new node twice, and SET re-indexes a node even when nothing changed;
        the garbage that leaves in its indexes is collected by forking the server, more often
        and at a higher cost as the graph grows.
        """
        created = "{" + ", ".join(
            [f"{key}: row.key"] + [f"{quoted(name)}: row.props.{quoted(name)}" for name in sorted(property_names - {key})]
        ) + "}"
        labels = "".join(f":{extra}" for extra in extra_labels)
        query = (
            f"UNWIND $rows AS row OPTIONAL MATCH (n:{label} {{{key}: row.key}}) "
            f"FOREACH (_ IN CASE WHEN n IS NULL THEN [1] ELSE [] END | CREATE (:{label}{labels} {created})) "
            f"FOREACH (_ IN CASE WHEN n IS NOT NULL AND {_CHANGED} THEN [1] ELSE [] END | SET n += row.props)"
        )
        if extra_labels:
            query += f" FOREACH (_ IN CASE WHEN n IS NOT NULL AND NOT n{labels} THEN [1] ELSE [] END | SET n{labels})"
        return query

    def key_index(self, label: str, key: str) -> str:
        """A range index (FalkorDB 4 has no unique constraint in Cypher); the store ignores "already indexed"."""
        return f"CREATE INDEX FOR (n:{label}) ON (n.{key})"

    def secondary_index(self, label: str, key: str) -> str:
        return self.key_index(label, key)


NEO4J = Dialect()
FALKORDB = FalkorDBDialect()

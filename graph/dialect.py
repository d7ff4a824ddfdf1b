"""What FalkorDB and Neo4j say differently: one dialect object per backend.

Query modules write Cypher both backends accept; the few statements where the two differ
(how a batch of nodes is upserted, how a key is indexed) come from the store's dialect,
never spliced into a query module's text.

>>> NEO4J.upsert_nodes("Person", "id", (), {"name"})
'UNWIND $rows AS row MERGE (n:Person {id: row.key}) SET n += row.props'
>>> FALKORDB.key_index("Person", "id")
'CREATE INDEX FOR (n:Person) ON (n.id)'

Full-text search is where they differ most: the index, the procedure that queries it and the syntax
of its query text (Lucene for Neo4j, RediSearch for FalkorDB). A user's text becomes the
backend's query, every word required, quoted words a phrase, special characters harmless:

>>> NEO4J.fulltext_query('Database "point in time" C++ AND')
'database AND "point in time" AND c\\\\+\\\\+ AND and'
>>> FALKORDB.fulltext_query('Database "point in time" C++ node.js')
'database "point in time" c "node js"'
"""

from __future__ import annotations

import re
from collections.abc import Set

_QUOTED = re.compile(r'"([^"]*)"')
_LUCENE_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')
_WORD_CHARS = re.compile(r"\w+")


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

    def fulltext_index(self, label: str, properties: tuple[str, ...]) -> str:
        """The statement that creates the full-text index of ``properties`` on ``label``; idempotent."""
        return (f"CREATE FULLTEXT INDEX {label.lower()}_fulltext IF NOT EXISTS "
                f"FOR (n:{label}) ON EACH [{', '.join(f'n.{name}' for name in properties)}]")

    def fulltext_search(self, label: str) -> str:
        """The call that yields ``node, score`` for the nodes of ``label`` matching ``$query``
        (a :meth:`fulltext_query`), best first."""
        return f"CALL db.index.fulltext.queryNodes('{label.lower()}_fulltext', $query) YIELD node, score"

    def fulltext_query(self, text: str) -> str:
        """A user's search text as a Lucene query: every word and quoted phrase required, lowercased
        (so that AND, OR and NOT stay words), special characters escaped.

        Raises ValueError when the text has no word to look for.
        """
        terms = []
        for phrase in _phrases(text):
            words = [_LUCENE_SPECIAL.sub(r"\\\1", word.lower()) for word in phrase]
            terms.append(words[0] if len(words) == 1 else '"' + " ".join(words) + '"')
        return " AND ".join(terms)


def _phrases(text: str) -> list[list[str]]:
    """The words of a search text, grouped: a quoted phrase is one group, any other word its own;
    a "word" with no letter or digit (a lone dash) is left out.

    >>> _phrases('big "database migrations" - now')
    [['big'], ['database', 'migrations'], ['now']]
    """
    phrases: list[list[str]] = []
    for index, piece in enumerate(_QUOTED.split(text.replace("\u201c", '"').replace("\u201d", '"'))):
        words = [word for word in piece.split() if _WORD_CHARS.search(word)]
        if index % 2:  # inside quotes
            phrases.extend([words] if words else [])
        else:
            phrases.extend([word] for word in words)
    if not phrases:
        raise ValueError(f"nothing to search for in {text!r}: it has no words")
    return phrases


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

    def fulltext_index(self, label: str, properties: tuple[str, ...]) -> str:
        """The procedure that indexes ``properties``; the store ignores "already indexed"."""
        names = ", ".join(f"'{name}'" for name in properties)
        return f"CALL db.idx.fulltext.createNodeIndex('{label}', {names})"

    def fulltext_search(self, label: str) -> str:
        return f"CALL db.idx.fulltext.queryNodes('{label}', $query) YIELD node, score"

    def fulltext_query(self, text: str) -> str:
        """A user's search text as a RediSearch query: terms side by side are all required; a word
        the index would split (node.js) is a phrase of its pieces, so punctuation never reaches
        the query syntax.

        Raises ValueError when the text has no word to look for.
        """
        terms = []
        for phrase in _phrases(text):
            tokens = [token for word in phrase for token in _WORD_CHARS.findall(word.lower())]
            terms.append(tokens[0] if len(tokens) == 1 else '"' + " ".join(tokens) + '"')
        return " ".join(terms)


NEO4J = Dialect()
FALKORDB = FalkorDBDialect()

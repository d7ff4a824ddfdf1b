"""Neo4jStore against a real Neo4j 5 (``make test`` starts one; see tests/neo4j_server/).

Expected values are worked out by hand from the documents and Cypher below.
"""

from __future__ import annotations

import threading
import time

import pytest
from conftest import require_neo4j

from graph import GraphDocument, Node, QueryError, Relationship, StoreError, StoreUnavailable
from domain.schema import SCHEMA
from graph.neo4j_store import Neo4jStore
from graph.writer import UpsertStatement


@pytest.fixture
def neo4j(neo4j_store):
    """The session's Neo4j store, emptied before and after the test."""
    neo4j_store.clear()
    yield neo4j_store
    neo4j_store.clear()


def gorails() -> GraphDocument:
    doc = GraphDocument()
    doc.add_node(Node("Podcast", "rip", {"name": "Running in Production", "author": "Nick Janetakis"}))
    doc.add_node(Node("Episode", "2019-01-07-gorails", {"title": "GoRails", "date": "2019-01-07"}))
    doc.add_node(Node("Person", "chris-oliver", {"name": "Chris Oliver"}))
    doc.add_node(Node("Company", "gorails", {"name": "GoRails", "inferred": False}))
    doc.add_node(Node("Technology", "rails", {"name": "Rails", "category": "framework"}))
    doc.add_node(Node("Technology", "postgres", {"name": "PostgreSQL", "category": "database"}))
    doc.add_node(Node("Technology", "aws", {"name": "AWS", "category": "hosting"}, ("HostingProvider",)))
    for rel in [
        Relationship("HAS_EPISODE", "Podcast", "rip", "Episode", "2019-01-07-gorails"),
        Relationship("APPEARED_ON", "Person", "chris-oliver", "Episode", "2019-01-07-gorails"),
        Relationship("WORKS_ON", "Person", "chris-oliver", "Company", "gorails"),
        Relationship("FEATURES", "Episode", "2019-01-07-gorails", "Company", "gorails"),
        Relationship("USES", "Company", "gorails", "Technology", "rails", {"episode": "2019-01-07-gorails"}),
        Relationship("USES", "Company", "gorails", "Technology", "postgres", {"episode": "2019-01-07-gorails"}),
        Relationship("USES", "Company", "gorails", "Technology", "aws", {"episode": "2019-01-07-gorails"}),
        Relationship("HOSTED_ON", "Company", "gorails", "Technology", "aws"),
    ]:
        doc.add_relationship(rel)
    return doc


GORAILS_COUNTS = {
    "nodes": {"Company": 1, "Episode": 1, "HostingProvider": 1, "Person": 1, "Podcast": 1, "Technology": 3},
    "relationships": {"APPEARED_ON": 1, "FEATURES": 1, "HAS_EPISODE": 1, "HOSTED_ON": 1, "USES": 3, "WORKS_ON": 1},
}
EMPTY = {"nodes": {}, "relationships": {}}


def test_upserting_a_document_twice_gives_the_same_graph(neo4j):
    neo4j.upsert(gorails())
    assert neo4j.counts() == GORAILS_COUNTS
    neo4j.upsert(gorails())
    assert neo4j.counts() == GORAILS_COUNTS
    assert neo4j.run(
        "MATCH (c:Company {id: $id})-[u:USES]->(t:HostingProvider) RETURN c.name AS company, t.name AS host, "
        "u.episode AS episode, c.inferred AS inferred",
        {"id": "gorails"},
    ) == [{"company": "GoRails", "host": "AWS", "episode": "2019-01-07-gorails", "inferred": False}]


def test_upsert_updates_properties_in_place(neo4j):
    neo4j.upsert(gorails())
    update = GraphDocument()
    update.add_node(Node("Company", "gorails", {"website": "https://gorails.com"}))
    neo4j.upsert(update)
    assert neo4j.counts() == GORAILS_COUNTS
    assert neo4j.run("MATCH (c:Company) RETURN c") == [
        {"c": {"_labels": ["Company"], "id": "gorails", "inferred": False, "name": "GoRails", "website": "https://gorails.com"}}
    ]


def test_clear_empties_the_graph(neo4j):
    neo4j.upsert(gorails())
    neo4j.clear()
    assert neo4j.counts() == EMPTY


def test_read_only_run_refuses_create_and_changes_nothing(neo4j):
    neo4j.upsert(gorails())
    with pytest.raises(QueryError) as refused:
        neo4j.run("CREATE (:Company {id: 'intruder'})")
    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith("read-only run refused a write (Writing in read access mode not allowed")
    assert message.endswith("; pass write=True")
    with pytest.raises(QueryError):
        neo4j.run("MATCH (n) DETACH DELETE n")
    assert neo4j.counts() == GORAILS_COUNTS


def test_syntax_error_is_one_line_query_error(neo4j):
    with pytest.raises(QueryError) as rejected:
        neo4j.run("RETRUN 1")
    message = str(rejected.value)
    assert message.startswith("Invalid input 'RETRUN'")
    assert "\n" not in message


def test_parameter_neo4j_cannot_encode_is_query_error(neo4j):
    with pytest.raises(QueryError, match=r"^a parameter cannot be sent to Neo4j: Values of type <class 'set'>"):
        neo4j.run("RETURN $tags AS tags", {"tags": {"a", "b"}})
    # The driver's words differ between its Python and Rust codecs: "Integer ... out of range" or "... too large".
    with pytest.raises(QueryError, match=r"^a parameter cannot be sent to Neo4j: .*[Ii]nt.* (out of range|too large)"):
        neo4j.run("RETURN $n AS n", {"n": 2**64})


HOSTILE_STRINGS = [
    "O'Reilly said \"hi\"",
    "back\\slash \\n \\' \\\" stays",
    "Zürich — 日本語 — emoji 🚀",
    "two\nlines\r\nand a tab\t.",
    "<img src=x onerror=alert(1)>",
    "'}) MATCH (n) DETACH DELETE n //",
    "$rows `backticks` {braces}",
]


def test_parameters_arrive_unchanged(neo4j):
    rows = [{"key": f"p{i}", "props": {"name": text}} for i, text in enumerate(HOSTILE_STRINGS)]
    neo4j.write([UpsertStatement("UNWIND $rows AS row MERGE (p:Person {id: row.key}) SET p += row.props", rows)])
    stored = neo4j.run("MATCH (p:Person) RETURN p.id AS id, p.name AS name ORDER BY id")
    assert stored == [{"id": f"p{i}", "name": text} for i, text in enumerate(HOSTILE_STRINGS)]
    found = neo4j.run("MATCH (p:Person {name: $name}) RETURN p.id AS id", {"name": "'}) MATCH (n) DETACH DELETE n //"})
    assert found == [{"id": "p5"}]
    echoed = neo4j.run("RETURN $texts AS texts, $nested AS nested", {"texts": HOSTILE_STRINGS, "nested": {"k": HOSTILE_STRINGS[4]}})
    assert echoed == [{"texts": HOSTILE_STRINGS, "nested": {"k": "<img src=x onerror=alert(1)>"}}]
    assert neo4j.counts() == {"nodes": {"Person": 7}, "relationships": {}}


def test_nodes_relationships_paths_and_temporals_become_plain_values(neo4j):
    neo4j.run(
        "CREATE (:Company {id: 'gorails', name: 'GoRails'})-[:USES {episode: 'e1', since: date('2019-01-07')}]->"
        "(:Technology:HostingProvider {id: 'aws', name: 'AWS'})",
        write=True,
    )
    company = {"_labels": ["Company"], "id": "gorails", "name": "GoRails"}
    uses = {"_type": "USES", "episode": "e1", "since": "2019-01-07"}
    aws = {"_labels": ["HostingProvider", "Technology"], "id": "aws", "name": "AWS"}
    rows = neo4j.run("MATCH p = (c:Company)-[u:USES]->(t:Technology) RETURN c, u, t, p, [c, {rel: u}] AS nested")
    assert rows == [{"c": company, "u": uses, "t": aws, "p": [company, uses, aws], "nested": [company, {"rel": uses}]}]
    temporals = neo4j.run(
        "RETURN date('2024-02-29') AS d, datetime('2024-02-29T13:45:00Z') AS dt, "
        "localdatetime('2024-02-29T13:45:00') AS ldt, time('13:45:00+01:00') AS t, duration('P1DT2H') AS dur"
    )
    assert temporals == [
        {
            "d": "2024-02-29",
            "dt": "2024-02-29T13:45:00.000000000+00:00",
            "ldt": "2024-02-29T13:45:00.000000000",
            "t": "13:45:00.000000000+01:00",
            "dur": "P1DT2H",
        }
    ]


def test_ensure_schema_is_idempotent_and_constraints_hold(neo4j):
    neo4j.ensure_schema()
    neo4j.ensure_schema()
    constraints = neo4j.run(
        "SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties "
        "RETURN name, type, labelsOrTypes[0] AS label, properties[0] AS key ORDER BY name"
    )
    assert constraints == [
        {"name": "company_id_unique", "type": "UNIQUENESS", "label": "Company", "key": "id"},
        {"name": "decision_id_unique", "type": "UNIQUENESS", "label": "Decision", "key": "id"},
        {"name": "episode_id_unique", "type": "UNIQUENESS", "label": "Episode", "key": "id"},
        {"name": "feed_url_unique", "type": "UNIQUENESS", "label": "Feed", "key": "url"},
        {"name": "library_id_unique", "type": "UNIQUENESS", "label": "Library", "key": "id"},
        {"name": "link_url_unique", "type": "UNIQUENESS", "label": "Link", "key": "url"},
        {"name": "person_id_unique", "type": "UNIQUENESS", "label": "Person", "key": "id"},
        {"name": "podcast_id_unique", "type": "UNIQUENESS", "label": "Podcast", "key": "id"},
        {"name": "technology_id_unique", "type": "UNIQUENESS", "label": "Technology", "key": "id"},
        {"name": "topic_id_unique", "type": "UNIQUENESS", "label": "Topic", "key": "id"},
    ]
    assert len(constraints) == len(SCHEMA.node_keys)
    assert neo4j.run("SHOW INDEXES YIELD name, labelsOrTypes, properties WHERE name = 'hostingprovider_id' "
                     "RETURN labelsOrTypes AS labels, properties") == [{"labels": ["HostingProvider"], "properties": ["id"]}]
    assert neo4j.run("SHOW FULLTEXT INDEXES YIELD name, labelsOrTypes, properties, state "
                     "RETURN name, labelsOrTypes AS labels, properties, state ORDER BY name") == [
        {"name": "episode_fulltext", "labels": ["Episode"], "properties": ["title", "description"], "state": "ONLINE"},
        {"name": "topic_fulltext", "labels": ["Topic"], "properties": ["text"], "state": "ONLINE"},
    ]
    neo4j.run("CREATE (:Technology {id: 'rails'})", write=True)
    with pytest.raises(QueryError, match="already exists with label `Technology` and property `id` = 'rails'"):
        neo4j.run("CREATE (:Technology {id: 'rails'})", write=True)
    assert neo4j.counts() == {"nodes": {"Technology": 1}, "relationships": {}}


def test_write_is_all_or_nothing(neo4j):
    create = "UNWIND $rows AS row CREATE (:Technology {id: row.key})"
    statements = [
        UpsertStatement(create, [{"key": "rails"}, {"key": "postgres"}]),
        UpsertStatement(create, [{"key": "elixir"}, {"key": "rails"}]),  # breaks the unique constraint
    ]
    neo4j.write(statements)  # in the background: the next call says how it went
    with pytest.raises(QueryError, match="already exists"):
        neo4j.counts()
    assert neo4j.counts() == EMPTY


def big_document() -> GraphDocument:
    """One company using 40 technologies, 10 of them hosting providers, each with a topic mentioning it."""
    doc = GraphDocument()
    doc.add_node(Node("Company", "acme", {"name": "Acme"}))
    doc.add_node(Node("Episode", "e1", {"title": "Acme"}))
    doc.add_relationship(Relationship("FEATURES", "Episode", "e1", "Company", "acme"))
    for i in range(40):
        extra = ("HostingProvider",) if i % 4 == 0 else ()
        doc.add_node(Node("Technology", f"tech-{i}", {"name": f"Tech {i}"}, extra))
        doc.add_node(Node("Topic", f"e1-{i}", {"offset_s": i * 60, "text": f"about tech {i}"}))
        doc.add_relationship(Relationship("USES", "Company", "acme", "Technology", f"tech-{i}"))
        doc.add_relationship(Relationship("HAS_TOPIC", "Episode", "e1", "Topic", f"e1-{i}"))
        doc.add_relationship(Relationship("MENTIONS", "Topic", f"e1-{i}", "Technology", f"tech-{i}"))
    return doc


BIG_COUNTS = {
    "nodes": {"Company": 1, "Episode": 1, "HostingProvider": 10, "Technology": 40, "Topic": 40},
    "relationships": {"FEATURES": 1, "HAS_TOPIC": 40, "MENTIONS": 40, "USES": 40},
}


def test_concurrent_upserts_of_one_document_make_no_duplicates(neo4j):
    settings = require_neo4j()
    stores = [Neo4jStore(**settings, schema=SCHEMA), Neo4jStore(**settings, schema=SCHEMA)]
    errors: list[BaseException] = []
    try:
        for _ in range(3):
            neo4j.clear()
            start = threading.Barrier(len(stores))

            def load(store: Neo4jStore) -> None:
                try:
                    start.wait()
                    store.upsert(big_document(), batch_size=7)
                    store.counts()  # the write runs in the background: its next call confirms it
                except BaseException as error:  # reported by the assertion below
                    errors.append(error)

            threads = [threading.Thread(target=load, args=(store,)) for store in stores]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
            assert errors == []
            assert neo4j.counts() == BIG_COUNTS
    finally:
        for store in stores:
            store.close()


def test_unreachable_server_is_one_line_store_unavailable():
    started = time.monotonic()
    with pytest.raises(StoreUnavailable) as unreachable:
        Neo4jStore("bolt://127.0.0.1:1", "neo4j", "whatever-password", schema=SCHEMA)
    assert str(unreachable.value) == "cannot reach Neo4j at bolt://127.0.0.1:1: connection refused"
    assert time.monotonic() - started < 10


def test_wrong_password_is_one_line_store_unavailable():
    uri = require_neo4j()["uri"]
    with pytest.raises(StoreUnavailable) as refused:
        Neo4jStore(uri, "neo4j", "not-the-password", schema=SCHEMA)
    assert str(refused.value) == f"Neo4j at {uri}: authentication failed for user 'neo4j'"


def test_unknown_database_and_foreign_scheme_are_refused():
    settings = require_neo4j()
    with pytest.raises(StoreUnavailable) as missing:
        Neo4jStore(**settings, database="nosuchdb", schema=SCHEMA)
    assert str(missing.value) == f"Neo4j at {settings['uri']} (database nosuchdb): Graph not found: nosuchdb"
    with pytest.raises(StoreError) as foreign:
        Neo4jStore("http://127.0.0.1:7474", "neo4j", "whatever-password", schema=SCHEMA)
    assert str(foreign.value) == (
        "cannot use Neo4j URI 'http://127.0.0.1:7474': it must start with one of "
        "bolt, bolt+s, bolt+ssc, neo4j, neo4j+s, neo4j+ssc://"
    )


def test_describe_names_uri_and_database():
    settings = require_neo4j()
    with Neo4jStore(**settings, schema=SCHEMA) as default, Neo4jStore(**settings, database="neo4j", schema=SCHEMA) as named:
        assert default.backend == "neo4j"
        assert default.describe() == settings["uri"]
        assert named.describe() == f"{settings['uri']} (database neo4j)"
        assert named.run("RETURN 40 + 2 AS answer") == [{"answer": 42}]

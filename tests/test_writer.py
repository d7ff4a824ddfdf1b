"""The statements the writer makes of a document: parts (an episode's topics) are created with their owner."""

from __future__ import annotations

import pytest

from graph.model import GraphDocument, Node, Relationship
from domain.schema import SCHEMA
from graph.dialect import FALKORDB, NEO4J
from graph.writer import upsert_statements


def episode_with_topics() -> GraphDocument:
    doc = GraphDocument()
    doc.add_node(Node("Episode", "e1", {"title": "One"}))
    doc.add_node(Node("Technology", "redis", {"name": "Redis"}))
    for key, text in (("e1@10", "Why Redis"), ("e1@20", "Deploys")):
        doc.add_node(Node("Topic", key, {"offset_s": int(key[3:]), "text": text, "note": None}))
        doc.add_relationship(Relationship("HAS_TOPIC", "Episode", "e1", "Topic", key))
    doc.add_relationship(Relationship("MENTIONS", "Topic", "e1@10", "Technology", "redis"))
    return doc


def test_topics_are_created_with_their_episode_and_its_old_topics_deleted():
    statements = list(upsert_statements(episode_with_topics(), SCHEMA, NEO4J))
    merged = [s.query.split(" MERGE ")[1].split(" ")[0] for s in statements if " MERGE (n:" in s.query]
    assert merged == ["(n:Episode", "(n:Technology"]
    delete, create = statements[2:]
    assert "DETACH DELETE old" in delete.query and delete.rows == [{"owner": "e1"}]
    assert "CREATE (o)-[:HAS_TOPIC]->(n:Topic)" in create.query and "CREATE (n)-[r:MENTIONS]->(b)" in create.query
    assert create.rows == [{
        "owner": "e1",
        "parts": [
            {"props": {"offset_s": 10, "text": "Why Redis", "id": "e1@10"}, "rels": ["redis"]},
            {"props": {"offset_s": 20, "text": "Deploys", "id": "e1@20"}, "rels": []},
        ],
    }]


def test_mentions_with_properties_carry_them():
    doc = episode_with_topics()
    doc.add_relationship(Relationship("MENTIONS", "Topic", "e1@20", "Technology", "redis", {"exact": False}))
    create = list(upsert_statements(doc, SCHEMA, NEO4J))[-1]
    assert create.query.endswith("CREATE (n)-[r:MENTIONS]->(b) SET r = rel.props")
    assert [part["rels"] for part in create.rows[0]["parts"]] == [
        [{"end": "redis", "props": {}}], [{"end": "redis", "props": {"exact": False}}]
    ]


def test_a_topic_with_two_episodes_is_merged_as_a_node():
    doc = episode_with_topics()
    doc.add_node(Node("Episode", "e2", {"title": "Two"}))
    doc.add_relationship(Relationship("HAS_TOPIC", "Episode", "e2", "Topic", "e1@10"))
    queries = [s.query for s in upsert_statements(doc, SCHEMA, NEO4J)]
    assert any("MERGE (n:Topic {id: row.key})" in q for q in queries)
    assert any("MERGE (a)-[r:HAS_TOPIC]->(b)" in q for q in queries)
    assert sum("MERGE (a)-[r:MENTIONS]->(b)" in q for q in queries) == 1


def test_the_owning_relationship_carries_no_properties():
    doc = episode_with_topics()
    doc.add_relationship(Relationship("HAS_TOPIC", "Episode", "e1", "Topic", "e1@20", {"rank": 2}))
    with pytest.raises(ValueError, match="HAS_TOPIC makes Topic nodes parts of their Episode"):
        list(upsert_statements(doc, SCHEMA, NEO4J))


def test_parts_written_twice_through_each_store_are_there_once(store):
    doc = episode_with_topics()
    doc.add_relationship(Relationship("MENTIONS", "Topic", "e1@20", "Technology", "redis", {"exact": False}))
    store.upsert(doc)
    store.upsert(doc)
    rows = store.run(
        "MATCH (:Episode {id: 'e1'})-[:HAS_TOPIC]->(t:Topic)-[m:MENTIONS]->(x:Technology) "
        "RETURN t.id AS topic, t.text AS text, x.id AS technology, m.exact AS exact ORDER BY topic"
    )
    assert rows == [
        {"topic": "e1@10", "text": "Why Redis", "technology": "redis", "exact": None},
        {"topic": "e1@20", "text": "Deploys", "technology": "redis", "exact": False},
    ]
    assert store.counts()["nodes"]["Topic"] == 2


def test_a_second_upsert_changes_what_changed_and_keeps_the_rest_on_each_store(store):
    first = GraphDocument()
    first.add_node(Node("Technology", "aws", {"name": "AWS", "category": "hosting"}))
    first.add_node(Node("Company", "acme", {"name": "Acme", "inferred": True}))
    first.add_node(Node("Podcast", "rip", {"name": "RIP", "author": "Nick"}))
    store.upsert(first)
    second = GraphDocument()
    second.add_node(Node("Technology", "aws", {"name": "Amazon Web Services"}, ("HostingProvider",)))
    second.add_node(Node("Company", "acme", {"name": "Acme", "inferred": False, "website": "acme.com"}))
    second.add_node(Node("Podcast", "rip", {"name": "RIP", "author": None}))
    second.add_node(Node("Link", "https://acme.com", {"domain": "acme.com", "note": None}))
    store.upsert(second)
    rows = store.run("MATCH (n) RETURN n ORDER BY coalesce(n.id, n.url)")
    assert [row["n"] for row in rows] == [
        {"_labels": ["Company"], "id": "acme", "name": "Acme", "inferred": False, "website": "acme.com"},
        {"_labels": ["HostingProvider", "Technology"], "id": "aws", "name": "Amazon Web Services", "category": "hosting"},
        {"_labels": ["Link"], "url": "https://acme.com", "domain": "acme.com"},
        {"_labels": ["Podcast"], "id": "rip", "name": "RIP", "author": "Nick"},
    ]


def test_falkordb_creates_a_missing_node_with_its_properties_where_neo4j_merges():
    doc = GraphDocument()
    doc.add_node(Node("Technology", "aws", {"name": "AWS"}, ("HostingProvider",)))
    doc.add_node(Node("Technology", "k8s", {"name": "Kubernetes", "category": None}, ("HostingProvider",)))
    [statement] = upsert_statements(doc, SCHEMA, NEO4J)
    assert statement.query == "UNWIND $rows AS row MERGE (n:Technology {id: row.key}) SET n += row.props SET n:HostingProvider"
    [statement] = upsert_statements(doc, SCHEMA, FALKORDB)
    assert statement.query == (
        "UNWIND $rows AS row OPTIONAL MATCH (n:Technology {id: row.key}) "
        "FOREACH (_ IN CASE WHEN n IS NULL THEN [1] ELSE [] END | CREATE (:Technology:HostingProvider {id: row.key, `name`: row.props.`name`})) "
        "FOREACH (_ IN CASE WHEN n IS NOT NULL AND any(k IN keys(row.props) WHERE n[k] IS NULL OR n[k] <> row.props[k]) THEN [1] ELSE [] END "
        "| SET n += row.props) "
        "FOREACH (_ IN CASE WHEN n IS NOT NULL AND NOT n:HostingProvider THEN [1] ELSE [] END | SET n:HostingProvider)"
    )
    assert statement.rows == [{"key": "aws", "props": {"name": "AWS"}}, {"key": "k8s", "props": {"name": "Kubernetes"}}]

"""A small graph document for the store tests, with its counts worked out by hand.

A module of its own so that a child process in a test can build the same document.
"""

from __future__ import annotations

from graph import GraphDocument, Node, Relationship

# A podcast with two episodes, one guest, one company on two technologies, one of them a host.
EXPECTED_COUNTS = {
    "nodes": {
        "Company": 1,
        "Episode": 2,
        "HostingProvider": 1,
        "Person": 2,
        "Podcast": 1,
        "Technology": 2,
    },
    "relationships": {
        "APPEARED_ON": 1,
        "FEATURES": 1,
        "HAS_EPISODE": 2,
        "HOSTED_ON": 1,
        "HOSTS": 1,
        "USES": 2,
    },
}


def small_document() -> GraphDocument:
    doc = GraphDocument()
    doc.add_node(Node("Podcast", "rip", {"name": "Running in Production", "author": "Nick Janetakis"}))
    doc.add_node(Node("Episode", "2019-01-01-acme", {"title": "Acme on AWS", "date": "2019-01-01"}))
    doc.add_node(Node("Episode", "2019-02-01-more", {"title": "More", "date": "2019-02-01"}))
    doc.add_node(Node("Person", "nick-janetakis", {"name": "Nick Janetakis"}))
    doc.add_node(Node("Person", "ada", {"name": "Ada"}))
    doc.add_node(Node("Company", "acme", {"name": "Acme", "inferred": False}))
    doc.add_node(Node("Technology", "aws", {"name": "AWS", "category": "hosting"}, ("HostingProvider",)))
    doc.add_node(Node("Technology", "postgres", {"name": "PostgreSQL", "category": "database"}))
    doc.add_relationship(Relationship("HAS_EPISODE", "Podcast", "rip", "Episode", "2019-01-01-acme"))
    doc.add_relationship(Relationship("HAS_EPISODE", "Podcast", "rip", "Episode", "2019-02-01-more"))
    doc.add_relationship(Relationship("HOSTS", "Person", "nick-janetakis", "Podcast", "rip"))
    doc.add_relationship(Relationship("APPEARED_ON", "Person", "ada", "Episode", "2019-01-01-acme"))
    doc.add_relationship(Relationship("FEATURES", "Episode", "2019-01-01-acme", "Company", "acme"))
    doc.add_relationship(Relationship("USES", "Company", "acme", "Technology", "aws", {"episode": "2019-01-01-acme"}))
    doc.add_relationship(Relationship("USES", "Company", "acme", "Technology", "postgres"))
    doc.add_relationship(Relationship("HOSTED_ON", "Company", "acme", "Technology", "aws"))
    return doc

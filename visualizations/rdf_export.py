"""The graph as RDF: schema.org where it fits, a small StackGraph vocabulary for the rest.

Stable IRIs: ``https://stackgraph.dev/id/<Label>/<key>`` with the key URL-quoted
(``https://stackgraph.dev/id/Technology/postgres``). Classes: Podcast ->
schema:PodcastSeries, Episode -> schema:PodcastEpisode, Person -> schema:Person,
Company -> schema:Organization, Technology -> schema:SoftwareApplication (and
sg:HostingProvider), Library -> schema:SoftwareSourceCode, Topic -> sg:Topic,
Link -> schema:WebPage. Every node is also typed with sg:<Label>, so counts by
schema label are one SPARQL pattern away.

>>> from visualizations.networkx_export import store_graph
>>> rdf = networkx_to_rdf(store_graph(store))  # the tiny listing: 4 companies, 7 stack entries
>>> len(set(rdf.subjects(RDF.type, SDO.Organization))), len(list(rdf.triples((None, SG.uses, None))))
(4, 7)
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import networkx as nx
from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SDO
from rdflib.query import ResultRow

SG = Namespace("https://stackgraph.dev/vocab#")
ID = "https://stackgraph.dev/id/"
RDF_FORMATS = {"turtle": "turtle", "jsonld": "json-ld", "nt": "nt"}

CLASSES = {
    "Podcast": SDO.PodcastSeries,
    "Episode": SDO.PodcastEpisode,
    "Person": SDO.Person,
    "Company": SDO.Organization,
    "Technology": SDO.SoftwareApplication,
    "Library": SDO.SoftwareSourceCode,
    "Topic": SG.Topic,
    "Link": SDO.WebPage,
}

# property name -> (predicate, datatype or None for a plain string)
PROPERTIES = {
    "name": (SDO.name, None),
    "title": (SDO.name, None),
    "author": (SDO.author, None),
    "description": (SDO.description, None),
    "date": (SDO.datePublished, XSD.date),
    "duration_s": (SG.durationSeconds, XSD.integer),
    "website": (SDO.url, XSD.anyURI),
    "url": (SDO.url, XSD.anyURI),
    "category": (SDO.applicationCategory, None),
    "inferred": (SG.inferred, XSD.boolean),
    "offset_s": (SG.offset, XSD.integer),
    "text": (SDO.text, None),
    "domain": (SG.domain, None),
    "note": (SG.note, None),
    "id": (SG.key, None),
}

# relationship type -> predicate (always subject = start node)
PREDICATES = {
    "HAS_EPISODE": SG.hasEpisode,
    "HOSTS": SG.hosts,
    "APPEARED_ON": SG.appearedOn,
    "WORKS_ON": SG.worksOn,
    "FEATURES": SG.features,
    "USES": SG.uses,
    "HOSTED_ON": SG.hostedOn,
    "USES_LIBRARY": SG.usesLibrary,
    "HAS_TOPIC": SG.hasTopic,
    "MENTIONS": SG.mentions,
    "REFERENCES": SG.references,
}


def iri(label: str, key: Any) -> URIRef:
    """The IRI of a node.

    >>> str(iri("Link", "https://example.com/a b"))
    'https://stackgraph.dev/id/Link/https%3A%2F%2Fexample.com%2Fa%20b'
    """
    return URIRef(f"{ID}{quote(label)}/{quote(str(key), safe='')}")


def vocabulary(name: str) -> URIRef:
    """The sg: term of a label, type or property name the mappings above lack, its name URL-quoted
    (a name written in Cypher may hold any character).

    >>> str(vocabulary("Badge")), str(vocabulary("odd name"))
    ('https://stackgraph.dev/vocab#Badge', 'https://stackgraph.dev/vocab#odd%20name')
    """
    return SG[quote(name, safe="")]


def _literal(value: Any, datatype: URIRef | None) -> Literal:
    if datatype is None or isinstance(value, bool) and datatype != XSD.boolean:
        return Literal(str(value))
    return Literal(value, datatype=datatype)


def networkx_to_rdf(graph: nx.MultiDiGraph) -> Graph:
    """An rdflib Graph from the MultiDiGraph that ``store_graph`` builds."""
    rdf = Graph()
    rdf.bind("schema", SDO)
    rdf.bind("sg", SG)
    subjects: dict[str, URIRef] = {}
    for key, data in graph.nodes(data=True):
        label = data["label"]
        subject = iri(label, key.partition(":")[2])
        subjects[key] = subject
        rdf.add((subject, RDF.type, CLASSES.get(label, vocabulary(label))))
        rdf.add((subject, RDF.type, vocabulary(label)))
        if "HostingProvider" in data.get("labels", []):
            rdf.add((subject, RDF.type, SG.HostingProvider))
        for name, value in data.items():
            if name in ("label", "labels") or value is None:
                continue
            predicate, datatype = PROPERTIES.get(name, (vocabulary(name), None))
            for item in value if isinstance(value, list) else [value]:
                rdf.add((subject, predicate, _literal(item, datatype)))
    for source, target, rel_type, data in graph.edges(keys=True, data=True):
        rdf.add((subjects[source], PREDICATES.get(rel_type, vocabulary(rel_type)), subjects[target]))
        if rel_type == "USES" and data.get("episode"):
            # which episode said so: a statement about the use, kept simple as a triple on the company
            rdf.add((subjects[source], SG.stackFrom, iri("Episode", data["episode"])))
    return rdf


def export_rdf(graph: Graph, fmt: str) -> str:
    """The graph as Turtle, JSON-LD or N-Triples.

    >>> from visualizations.networkx_export import store_graph
    >>> rdf = networkx_to_rdf(store_graph(store))
    >>> export_rdf(rdf, "nt").count(" <https://stackgraph.dev/vocab#uses> ")
    7
    >>> export_rdf(rdf, "xml")
    Traceback (most recent call last):
    ...
    ValueError: unknown RDF format 'xml'; choose one of: turtle, jsonld, nt
    """
    if fmt not in RDF_FORMATS:
        raise ValueError(f"unknown RDF format {fmt!r}; choose one of: {', '.join(RDF_FORMATS)}")
    return graph.serialize(format=RDF_FORMATS[fmt])


def guess_format(path: str) -> str:
    """rdflib's parser name for a file, from its extension (Turtle when unsure).

    >>> [guess_format(path) for path in ("a.JSONLD", "a.nt", "a.owl", "a.ttl")]
    ['json-ld', 'nt', 'xml', 'turtle']
    """
    lower = path.lower()
    if lower.endswith((".jsonld", ".json")):
        return "json-ld"
    if lower.endswith(".nt"):
        return "nt"
    if lower.endswith((".rdf", ".xml", ".owl")):
        return "xml"
    return "turtle"


def sparql_rows(graph: Graph, query: str) -> list[dict[str, Any]]:
    """A SELECT's rows as dicts keyed by variable (Python values where rdflib has one); an ASK gives one row.

    >>> from visualizations.networkx_export import store_graph
    >>> rdf = networkx_to_rdf(store_graph(store))
    >>> sparql_rows(rdf, "SELECT ?name WHERE { ?c sg:uses/schema:name 'Redis' ; schema:name ?name } ORDER BY ?name")
    [{'name': 'Acme'}, {'name': 'Bolt'}]
    >>> sparql_rows(rdf, "ASK { ?c sg:uses ?t }")
    [{'ask': True}]
    """
    result = graph.query(query)
    if result.type == "ASK":
        return [{"ask": bool(result.askAnswer)}]
    if result.type != "SELECT":
        raise ValueError("only SELECT and ASK queries are supported")
    names = [str(v) for v in result.vars or []]
    return [{name: (None if value is None else _python(value)) for name, value in zip(names, row)}
            for row in result if isinstance(row, ResultRow)]  # a SELECT's rows all are


def _python(term: Any) -> Any:
    if isinstance(term, Literal):
        value = term.toPython()
        return value.isoformat() if hasattr(value, "isoformat") else value
    return str(term)

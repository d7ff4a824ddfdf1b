"""Entity extraction on the bundled listing; expected values read off the listing by hand."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from conftest import LISTING
from graph.model import GraphDocument
from loaders.extract import episode_document, episode_id
from loaders.libraries import domain_of, library_from_url
from loaders.listing import ListingEpisode, parse_listing, read_listing

# title start -> (company, company id, website, guests, hosting providers)
EXPECTED = {
    "Smart Music": ("Smart Music", "smart-music", None, ["Julien Blanchard"], ["aws"]),
    "VA.gov": ("VA.gov", "va-gov", "https://va.gov", ["Charley Stran"], ["aws"]),
    "Kernl.us": ("Kernl.us", "kernl-us", "https://kernl.us", ["Jack Slingerland"], ["digitalocean"]),
    "ScrollKeeper": ("ScrollKeeper", "scrollkeeper", None, ["Ian Butler"], ["aws"]),
    "Remote.com": ("Remote.com", "remote-com", "https://remote.com", ["Marcelo Lebre"], ["aws"]),
    "Learn Ruby": ("GoRails", "gorails", None, ["Chris Oliver"], ["digitalocean"]),
    "Logflare": ("Logflare", "logflare", None, ["Chase Granberry"], ["gcp"]),
    "ScholarPack": ("ScholarPack", "scholarpack", None, ["Gareth Thomas"], ["aws"]),
    "Load Balance": ("Nova ADC", "nova-adc", None, ["Dave Blakey"], ["aws", "digitalocean"]),
    "Openship": ("Openship", "openship", None, ["Junaid Kabani"], ["digitalocean"]),
}


@pytest.fixture(scope="module")
def documents() -> dict[str, tuple[ListingEpisode, GraphDocument]]:
    result = {}
    for item in read_listing(LISTING):
        if isinstance(item, ListingEpisode):
            start = next(key for key in EXPECTED if item.title.startswith(key))
            result[start] = (item, episode_document(item))
    return result


def _ends(doc: GraphDocument, rel_type: str) -> list[str]:
    return sorted(r.end_key for r in doc.relationships_of_type(rel_type))


@pytest.mark.parametrize("start", EXPECTED)
def test_company_guests_and_hosting(documents, start):
    name, key, website, guests, hosting = EXPECTED[start]
    episode, doc = documents[start]
    [company] = doc.nodes_with_label("Company")
    assert (company.key, company.properties["name"], company.properties["website"]) == (key, name, website)
    assert company.properties["inferred"] is False
    assert [p.properties["name"] for p in doc.nodes_with_label("Person")] == guests
    assert _ends(doc, "FEATURES") == [key]
    assert sorted(r.start_key for r in doc.relationships_of_type("WORKS_ON")) == sorted(
        g.lower().replace(" ", "-") for g in guests
    )
    assert _ends(doc, "HOSTED_ON") == hosting
    assert sorted(n.key for n in doc.nodes_with_label("HostingProvider")) == hosting


def test_episode_node(documents):
    episode, doc = documents["Smart Music"]
    assert episode_id(episode) == "2020-02-10-smart-music-helps-musicians-practice-more-efficiently"
    [node] = doc.nodes_with_label("Episode")
    assert node.properties["date"] == "2020-02-10"
    assert node.properties["duration_s"] == 3360
    assert node.properties["title"] == "Smart Music Helps Musicians Practice More Efficiently"


def test_every_stack_tag_is_used_and_resolved(documents):
    _, doc = documents["Smart Music"]
    assert _ends(doc, "USES") == sorted(
        "rails ruby graphql phoenix elixir aurora aws braintree dotnet-core eks github-actions influxdb jenkins "
        "kubernetes new-relic nginx postgres react redis s3 sentry ses victorops".split()
    )
    postgres = doc.node("Technology", "postgres")
    assert (postgres.properties["name"], postgres.properties["category"]) == ("PostgreSQL", "database")


def test_topics_keep_offsets_and_mention_technologies(documents):
    _, doc = documents["Smart Music"]
    topics = {n.properties["offset_s"]: n for n in doc.nodes_with_label("Topic")}
    assert len(topics) == 50
    data_topic = topics[18 * 60 + 29]
    assert data_topic.properties["text"] == "PostgreSQL, InfluxDB and Redis are used to manage the data and for caching"
    mentioned = sorted(r.end_key for r in doc.relationships_of_type("MENTIONS") if r.start_key == data_topic.key)
    assert mentioned == ["influxdb", "postgres", "redis"]
    cache_topic = topics[20 * 60 + 33]
    mentioned = sorted(r.end_key for r in doc.relationships_of_type("MENTIONS") if r.start_key == cache_topic.key)
    assert mentioned == ["aws", "elasticache", "redis"]


def test_ambiguous_names_match_when_the_stack_has_them(documents):
    _, doc = documents["Kernl.us"]
    express_topic = next(n for n in doc.nodes_with_label("Topic") if n.properties["offset_s"] == 2 * 60 + 39)
    assert express_topic.properties["text"] == "Motivation for using Express and Node"
    mentioned = sorted(r.end_key for r in doc.relationships_of_type("MENTIONS") if r.start_key == express_topic.key)
    assert mentioned == ["express", "node"]


def test_libraries_and_links(documents):
    _, scholarpack = documents["ScholarPack"]
    assert _ends(scholarpack, "USES_LIBRARY") == sorted(
        ["web:zope.org", "web:sqlalchemy.org", "github:psf/black", "github:pgbouncer/pgbouncer", "github:zalando/connexion"]
    )
    assert len(scholarpack.relationships_of_type("REFERENCES")) == 15
    _, kernl = documents["Kernl.us"]
    assert _ends(kernl, "USES_LIBRARY") == ["npm:pg"]
    _, openship = documents["Openship"]
    assert _ends(openship, "USES_LIBRARY") == ["github:shopify/quilt"]
    [quilt] = openship.nodes_with_label("Library")
    assert (quilt.properties["name"], quilt.properties["url"]) == ("quilt", "https://github.com/Shopify/quilt")
    link = openship.node("Link", "https://en.wikipedia.org/wiki/Third-party_logistics")
    assert (link.properties["domain"], link.properties["note"]) == ("en.wikipedia.org", "3PL")


def test_topics_sharing_an_offset_are_numbered_from_the_second():
    [episode] = parse_listing([
        "Mar 2, 2021 • 30min",
        "Acme Is a Rocket Shop",
        "In this episode of Running in Production, Ann Lee goes over building Acme.",
        "Topics Include",
        "1:00 – First",
        "1:00 – Second",
        "2:00 – Third",
        "1:00 – Fourth",
    ])
    doc = episode_document(episode)
    key = episode_id(episode)
    assert [topic.key for topic in doc.nodes_with_label("Topic")] == [
        f"{key}@60", f"{key}@60-2", f"{key}@120", f"{key}@60-3"
    ]


# Plain URLs, and the shapes only urlsplit reads right: case, credentials, ports, IPv6, control characters.
URL_SHAPES = [
    "https://www.elastic.co/what-is/elk-stack",
    "http://example.com",
    "https://example.com?q=/a",
    "https://example.com#top",
    "https://example.com/a/b?x=/c#d",
    "https://example.com/a#b?c",
    "https://example.com/trailing space ",
    "https://Example.COM/Path",
    "HTTPS://EXAMPLE.COM/x",
    "https://user:secret@www.example.com:8080/x",
    "https://[::1]:8080/x",
    "https://exa\tmple.com/a\tb",
    "https://example.com/a\n",
    "https:///no-host",
    "https://www./x",
    "https://exämple.com/x",
    " https://example.com/leading-space",
    "not a url",
]


@pytest.mark.parametrize("url", URL_SHAPES)
def test_domain_is_the_host_urlsplit_reads(url):
    assert domain_of(url) == (urlsplit(url).hostname or "").removeprefix("www.")


@pytest.mark.parametrize(
    ("url", "library_id"),
    [
        ("https://GitHub.com/Shopify/quilt?tab=readme", "github:shopify/quilt"),
        ("https://user@github.com:443/psf/black#readme", "github:psf/black"),
        ("https://www.npmjs.com/package/@scope/pkg/", "npm:@scope/pkg"),
        ("https://www.sqlalchemy.org/docs/?version=2", "web:sqlalchemy.org/docs"),
        ("https://Example.COM:8080/Tool/", "web:example.com/tool"),
    ],
)
def test_library_ids_from_urls_of_every_shape(url, library_id):
    assert library_from_url(url).id == library_id


def test_unknown_tag_becomes_an_other_technology_and_description_hosting_counts():
    [episode] = parse_listing([
        "Mar 2, 2021 • 30min",
        "Building Things for Fun",
        "In this episode of Running in Production, Ann Lee and Bo Chan talk about their app.",
        "It is hosted on Heroku and the database runs elsewhere.",
        "⚙️ Tech Stack",
        "quuxdb →",
        "rails →",
    ])
    doc = episode_document(episode)
    [company] = doc.nodes_with_label("Company")
    assert company.properties == {"name": "Building Things for Fun", "website": None, "inferred": True}
    assert [p.properties["name"] for p in doc.nodes_with_label("Person")] == ["Ann Lee", "Bo Chan"]
    quux = doc.node("Technology", "quuxdb")
    assert quux.properties == {"name": "quuxdb", "category": "other"}
    assert _ends(doc, "USES") == ["quuxdb", "rails"]
    [hosted] = doc.relationships_of_type("HOSTED_ON")
    assert (hosted.end_key, hosted.properties["source"]) == ("heroku", "description")

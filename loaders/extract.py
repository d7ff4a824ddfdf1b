"""Entity extraction: a parsed episode becomes a GraphDocument.

One episode yields its Episode, guests (Person), the Company it is about,
the Technologies of its stack (hosting providers also labelled
HostingProvider), Topics with the technologies they mention and the
decisions they state (loaders/decisions.py), Links and Libraries. Nothing here knows about stores.

>>> from loaders.listing import parse_listing
>>> [episode] = parse_listing(["Feb 3, 2020 • 47min", "Acme Is a Rocket Shop",
...     "In this episode of Running in Production, Ann Lee goes over building Acme.",
...     "⚙️ Tech Stack", "postgres →", "aws →"])
>>> doc = episode_document(episode)
>>> sorted(r.end_key for r in doc.relationships_of_type("USES"))
['aws', 'postgres']
>>> [r.end_key for r in doc.relationships_of_type("HOSTED_ON")]
['aws']
"""

from __future__ import annotations

import functools
import re

from graph.model import GraphDocument, Node, Relationship
from domain.catalog import Catalog, TechnologyEntry
from loaders.companies import company_from_text, website_of
from loaders.decisions import Decision, add_decision, decisions_in
from loaders.guests import guests_from_description
from loaders.guesses import technology_of_tag
from loaders.libraries import domain_of, library_from_url
from loaders.listing import ListingEpisode, PodcastHeader
from domain.slug import slugify

# Pure functions of a URL or a name that episodes repeat (the same references, libraries and
# podcast): computed once per distinct value, in bounded caches so memory stays flat.
_domain_of = functools.lru_cache(maxsize=4096)(domain_of)
_library_from_url = functools.lru_cache(maxsize=4096)(library_from_url)
_slugify = functools.lru_cache(maxsize=4096)(slugify)

# A sentence that says where the company runs: "hosted on AWS", "running on Google Cloud",
# "hosting costs about $65 / month on DigitalOcean", "runs on both AWS and DigitalOcean".
_HOSTING_SENTENCE = re.compile(r"\b(?:hosted|hosting|hosts|running on|runs on|run on|deployed|lives on)\b", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def episode_id(episode: ListingEpisode) -> str:
    """Date and title, e.g. ``2020-02-10-smart-music-helps-musicians-practice-more-efficiently``."""
    return f"{episode.date.isoformat()}-{slugify(episode.title)}"


def podcast_document(header: PodcastHeader, *, into: GraphDocument | None = None) -> GraphDocument:
    """The podcast and its host (added to ``into`` when given, which is returned)."""
    doc = GraphDocument() if into is None else into
    podcast_key = slugify(header.name)
    doc.add_node(Node("Podcast", podcast_key, {"name": header.name, "author": header.author, "description": header.description or None}))
    if header.author:
        host_key = slugify(header.author)
        doc.add_node(Node("Person", host_key, {"name": header.author}))
        doc.add_relationship(Relationship("HOSTS", "Person", host_key, "Podcast", podcast_key))
    return doc


def hosting_from_description(description: str, catalog: Catalog, stack: list[str]) -> list[str]:
    """Hosting providers named in the sentences that say where the app runs.

    >>> hosting_from_description("It’s all hosted on AWS with EKS. We like Heroku.", Catalog.default(), [])
    ['aws']
    """
    found: list[str] = []
    listed: set[str] | None = None
    for sentence in _SENTENCE_END.split(" ".join(description.split())):
        if _HOSTING_SENTENCE.search(sentence):
            if listed is None:
                listed = catalog.listed(stack)
            for slug in catalog.mentions_listed(sentence, listed):
                entry = catalog.by_slug(slug)
                if entry is not None and entry.hosting and slug not in found:
                    found.append(slug)
    return found


def _technology_node(entry: TechnologyEntry, *, hosts_a_company: bool = False, homepage: str | None = None) -> Node:
    """A Technology; a hosting provider that a company runs on is also a HostingProvider.

    A provider only mentioned in passing ("AWS over Google Cloud") stays a plain Technology.
    ``homepage`` is where a feed's stack entry links to (the catalog keeps no homepages).
    """
    extra = ("HostingProvider",) if entry.hosting and hosts_a_company else ()
    properties = {"name": entry.name, "category": entry.category}
    if homepage:
        properties["homepage"] = homepage
    return Node("Technology", entry.slug, properties, extra)


def _topic_keys(key: str, topics) -> list[str]:
    """Topic keys: episode + offset, with a counter when two topics share an offset."""
    seen: dict[int, int] = {}
    keys = []
    for topic in topics:
        count = seen[topic.offset_s] = seen.get(topic.offset_s, 0) + 1
        keys.append(f"{key}@{topic.offset_s}-{count}" if count > 1 else f"{key}@{topic.offset_s}")
    return keys


def episode_document(
    episode: ListingEpisode,
    catalog: Catalog | None = None,
    podcast: PodcastHeader | None = None,
    *,
    into: GraphDocument | None = None,
) -> GraphDocument:
    """Everything one episode says, as nodes and relationships keyed naturally.

    With ``into``, they are added to that document (a batch) and it is returned: the same
    document as extending the batch with this episode's own, without the copy.
    """
    catalog = catalog or Catalog.default()
    doc = GraphDocument() if into is None else into
    key = episode_id(episode)
    doc.add_node(
        Node(
            "Episode",
            key,
            {
                "title": episode.title,
                "date": episode.date.isoformat(),
                "duration_s": episode.duration_s,
                "exact_duration": episode.exact_duration or None,
                "description": episode.description,
                "url": episode.url,
                "audio_url": episode.audio_url,
            },
        )
    )
    if podcast is not None:
        doc.add_relationship(Relationship("HAS_EPISODE", "Podcast", _slugify(podcast.name), "Episode", key))

    company = company_from_text(
        episode.title, episode.description, lambda name: catalog.resolve(name) is not None,
        last_topic=episode.topics[-1].text if episode.topics else "",
    )
    company_key = slugify(company.name)
    doc.add_node(
        Node("Company", company_key, {"name": company.name, "website": website_of(company.name), "inferred": company.inferred})
    )
    doc.add_relationship(Relationship("FEATURES", "Episode", key, "Company", company_key))

    guests = episode.guests if episode.guests is not None else guests_from_description(episode.description)
    for guest in guests:
        person_key = slugify(guest)
        doc.add_node(Node("Person", person_key, {"name": guest}))
        doc.add_relationship(Relationship("APPEARED_ON", "Person", person_key, "Episode", key))
        doc.add_relationship(Relationship("WORKS_ON", "Person", person_key, "Company", company_key))

    stack = [technology_of_tag(tag, catalog, episode) for tag in episode.stack]
    stack_slugs = [entry.slug for entry in stack]
    for tag, entry in zip(episode.stack, stack):
        doc.add_node(_technology_node(entry, hosts_a_company=True, homepage=episode.homepages.get(tag)))
        doc.add_relationship(Relationship("USES", "Company", company_key, "Technology", entry.slug, {"episode": key}))
        if entry.hosting:
            doc.add_relationship(
                Relationship("HOSTED_ON", "Company", company_key, "Technology", entry.slug, {"episode": key, "source": "stack"})
            )
    for slug in hosting_from_description(episode.description, catalog, stack_slugs):
        if slug not in stack_slugs:
            doc.add_node(_technology_node(catalog.technology_for(slug), hosts_a_company=True))
            doc.add_relationship(
                Relationship("HOSTED_ON", "Company", company_key, "Technology", slug, {"episode": key, "source": "description"})
            )

    listed: set[str] | None = None
    stated: set[Decision] = set()
    for topic, topic_key in zip(episode.topics, _topic_keys(key, episode.topics)):
        doc.add_node(Node("Topic", topic_key, {"offset_s": topic.offset_s, "text": topic.text, "episode": key}))
        doc.add_relationship(Relationship("HAS_TOPIC", "Episode", key, "Topic", topic_key))
        if listed is None:
            listed = catalog.listed(stack_slugs)
        for slug in catalog.mentions_listed(topic.text, listed):
            doc.add_node(_technology_node(catalog.technology_for(slug)))
            doc.add_relationship(Relationship("MENTIONS", "Topic", topic_key, "Technology", slug))
        for decision in decisions_in(topic.text, catalog, listed):
            add_decision(doc, decision, ("Topic", topic_key), company_key, catalog)
            stated.add(decision)
    for sentence in _SENTENCE_END.split(" ".join(episode.description.split())):
        for decision in decisions_in(sentence, catalog, catalog.listed(stack_slugs) if listed is None else listed):
            if decision not in stated:  # the description often sums up what a topic line says
                add_decision(doc, decision, ("Episode", key), company_key, catalog, sentence=sentence)
                stated.add(decision)

    for reference in episode.references:
        doc.add_node(Node("Link", reference.url, {"domain": _domain_of(reference.url), "note": reference.note}))
        doc.add_relationship(Relationship("REFERENCES", "Episode", key, "Link", reference.url))

    for url in episode.libraries:
        library = _library_from_url(url)
        doc.add_node(Node("Library", library.id, {"name": library.name, "url": library.url}))
        doc.add_relationship(Relationship("USES_LIBRARY", "Company", company_key, "Library", library.id, {"episode": key}))
    return doc

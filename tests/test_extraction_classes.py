"""Extraction on episodes the code has never seen: listings and feed items written here, not copied.

Each test is one class of text the heuristics must hold on (any verb after a guest's name, a
one-name guest, a lowercase brand, a title ending "at X", a company named only in the
description …), with the values a person reads off the text.
"""

from __future__ import annotations

import json

import pytest

from cli_helpers import invoke
from domain.catalog import Catalog
from loaders.companies import CompanyName, company_from_text
from loaders.extract import episode_document
from loaders.guesses import guess_technology
from loaders.guests import guests_from_description
from loaders.listing import parse_listing

INTRO = "In this episode of Running in Production, "


@pytest.mark.parametrize("introduction, guests", [
    ("Priya Raman lets us know how her team ships", ["Priya Raman"]),
    ("Tomas Alvarez guides us through a rewrite", ["Tomas Alvarez"]),
    ("Mei Chen walks us through a migration", ["Mei Chen"]),
    ("Oskar covers the billing system", ["Oskar"]),
    ("Ada Obi and Lin talk about scaling", ["Ada Obi", "Lin"]),
    ("Sam Hill, Jo Park & Kit Lowe describe their stack", ["Sam Hill", "Jo Park", "Kit Lowe"]),
    ("Jan van der Berg explains why they left Heroku", ["Jan van der Berg"]),
    ("Rosa Diaz from Quillpad reminisces about 2015", ["Rosa Diaz"]),
    ("we hear about an app", []),
])
def test_guests_up_to_the_first_lowercase_word_whatever_the_verb(introduction, guests):
    assert guests_from_description(INTRO + introduction + ".") == guests


def company(title: str, description: str = "", last_topic: str = "") -> CompanyName:
    catalog = Catalog.default()
    return company_from_text(title, description, lambda name: catalog.resolve(name) is not None, last_topic=last_topic)


@pytest.mark.parametrize("title, name", [
    ("uscreen Is a Video Membership Platform for Creators", "uscreen"),
    ("Quiltmix Mixes in Audio Tracks for Podcasters", "Quiltmix"),
    ("Stacklane Lets You Build Static Sites Quickly", "Stacklane"),
    ("Harbor Buoys Let You Track Ships in Real Time", "Harbor Buoys"),
    ("Tidewater Crunches Ocean Data Every Night", "Tidewater"),
])
def test_the_subject_of_the_title_before_any_verb(title, name):
    assert company(title) == CompanyName(name, inferred=False)


def test_the_end_of_the_title_names_a_proper_name_not_a_technology_or_a_common_word():
    assert company("Scaling Video Uploads at Streamly", "Streamly serves 2 million videos.") == CompanyName("Streamly", False)
    assert company("Building a Payroll Service for GreenLedger") == CompanyName("GreenLedger", False)  # written like a name
    # "Fun" is nowhere in the description, so it is not a name; Elixir is a technology
    assert company("Building Things for Fun", "We talk about side projects.").inferred
    assert company("Building a Job Board with Elixir", "It is all Elixir.").inferred


def test_a_title_naming_none_leaves_it_to_the_description_then_the_last_topic():
    assert company("Shipping a Better Video Platform", "Ann talks about how she built Reelbox from scratch.").name == "Reelbox"
    assert company("Making Websites Faster", "Kim builds sites for Northwind Traders and others.").name == "Northwind Traders"
    assert company("A Decade of Side Projects", "They run a tool called Pastebox.").name == "Pastebox"
    checked = company("Making Websites Faster", "Nothing names it here.", last_topic="Check out Fernhill Press and its blog")
    assert checked == CompanyName("Fernhill Press", False)
    # a possessive or a handle in "Check out" is a person's, not a company
    assert company("Making Websites Faster", "Nothing.", last_topic="Check out Julien’s blog").inferred


def test_never_a_number_or_a_common_word():
    assert company("Serving 2020 Requests a Second", "").inferred
    assert company("Building Web Apps That Scale", "").inferred
    assert company("How Teams Handle On-Call", "").inferred


@pytest.mark.parametrize("sentence", [
    "Tallyho is hosted on Skyberth.", "The app runs on Skyberth.", "It has been running on Skyberth since 2019.",
    "Everything is hosted with Skyberth.", "It is deployed on Skyberth.", "It runs on both AWS and Skyberth.",
])
def test_a_hosting_phrase_makes_an_unknown_tag_a_hosting_provider(sentence):
    guess = guess_technology("skyberth", [sentence])
    assert (guess.slug, guess.name, guess.category, guess.hosting) == ("skyberth", "Skyberth", "hosting", True)


@pytest.mark.parametrize("text, category", [
    ("Glitchbin for error tracking", "error-tracking"),
    ("Glitchbin is used for alerting when a job fails", "monitoring"),
    ("Glitchbin handles the transactional emails", "email"),
    ("Glitchbin is being used as a cache", "cache"),
    ("Glitchbin (self hosted) takes care of background jobs", "queue"),
    ("We like Glitchbin a lot", "other"),
])
def test_where_an_unknown_tag_appears_guesses_its_category(text, category):
    assert guess_technology("glitchbin", ["Nothing here.", text]).category == category


def test_unknown_tags_in_a_listing_become_guessed_technologies():
    [episode] = parse_listing([
        "Mar 2, 2021 • 30min",
        "Tallyho Counts Votes for Clubs",
        "In this episode of Running in Production, Ines Moreau goes over Tallyho. It is hosted on Skyberth.",
        "Topics Include",
        "4:10 – Glitchbin for error tracking",
        "⚙️ Tech Stack",
        "skyberth →",
        "glitchbin →",
        "quuxdb →",
        "rails →",
    ])
    doc = episode_document(episode)
    [company] = doc.nodes_with_label("Company")
    assert (company.key, company.properties["inferred"]) == ("tallyho", False)
    assert [p.properties["name"] for p in doc.nodes_with_label("Person")] == ["Ines Moreau"]
    technologies = {key: doc.node("Technology", key) for key in ("skyberth", "glitchbin", "quuxdb")}
    assert {key: (node.properties["name"], node.properties["category"]) for key, node in technologies.items()} == {
        "skyberth": ("Skyberth", "hosting"), "glitchbin": ("Glitchbin", "error-tracking"), "quuxdb": ("quuxdb", "other")}
    assert technologies["skyberth"].extra_labels == ("HostingProvider",)
    [hosted] = doc.relationships_of_type("HOSTED_ON")
    assert (hosted.start_key, hosted.end_key, hosted.properties["source"]) == ("tallyho", "skyberth", "stack")


FEED_ITEM = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
     xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>A Show</title><itunes:author>Pat Host - Developer</itunes:author>
<item><title>Ledgerly Lets You Split Bills with Friends</title><pubDate>Mon, 01 Mar 2021 00:00:00 +0000</pubDate>
<link>https://example.com/podcast/40-ledgerly</link><itunes:duration>41:10</itunes:duration>
<enclosure url="https://example.com/40.mp3" type="audio/mpeg" length="1"/>
<itunes:subtitle>with Pat Host and Noor</itunes:subtitle>
<content:encoded><![CDATA[<p>In this episode of Running in Production, Noor walks us through
<a href="https://ledgerly.example/">Ledgerly</a>. The app runs on Nimbusly.</p>
<h2>Topics Include</h2><ul><li>3:05 &ndash; Pagerbell is used for alerting</li></ul>
<h6>Tech Stack</h6><ul>
<li><a href="https://nimbusly.example/">nimbusly &#8594;</a></li>
<li><a href="https://pagerbell.example/">pagerbell &#8594;</a></li>
<li><a href="https://www.python.org/">python &#8594;</a></li></ul>]]></content:encoded></item>
</channel></rss>
"""


def test_a_feed_item_end_to_end_and_catalog_unknown_shows_the_guesses(tmp_path):
    feed = tmp_path / "show.xml"
    feed.write_text(FEED_ITEM, encoding="utf-8")
    store = tmp_path / "store"
    invoke("load", "--quiet", str(feed), store=store, check=True)
    unknown = invoke("catalog", "--unknown", "--format", "json", store=store, check=True)
    assert json.loads(unknown.stdout) == [
        {"technology": "nimbusly", "name": "Nimbusly", "category": "hosting"},
        {"technology": "pagerbell", "name": "Pagerbell", "category": "monitoring"},
    ]
    rows = invoke("cypher", "MATCH (p:Person)-[:APPEARED_ON]->(e:Episode)-[:FEATURES]->(c:Company)-[:HOSTED_ON]->(h:HostingProvider) "
                  "RETURN p.name AS guest, c.name AS company, h.homepage AS host, e.duration_s AS seconds",
                  "--format", "json", store=store, check=True)
    # 41:10 is 2470 s; Noor goes by one name; the host of the show is not a guest
    assert json.loads(rows.stdout) == [{"guest": "Noor", "company": "Ledgerly", "host": "https://nimbusly.example/", "seconds": 2470}]

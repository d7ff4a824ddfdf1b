"""Feeds: the bundled RSS feed, feed items written here, and XML that is not a feed.

Expected values are read off data/running-in-production-feed.xml: Smart Music's item has
``<itunes:duration>55:33</itunes:duration>`` (3333 s), Remote.com's ``1:08:59`` (4139 s), and
every item's ``itunes:subtitle`` is "with Nick Janetakis and GUEST".
"""

from __future__ import annotations

import json

import pytest

from cli_helpers import invoke, one_line_error
from conftest import LISTING, REPO
from listing_counts import assert_full_listing
from loaders.feed import parse_feed
from loaders.listing import ListingEpisode, ListingError, PodcastHeader
from loaders.pipeline import load_listings

FEED = REPO / "data" / "running-in-production-feed.xml"
SMART_MUSIC = "2020-02-10-smart-music-helps-musicians-practice-more-efficiently"


def feed_of(*items: str, channel: str = "<title>Show</title><itunes:author>Pat Host - Developer</itunes:author>") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"{channel}{''.join(items)}</channel></rss>"
    ).encode()


def item(body: str, *, title: str = "Acme Is a Rocket Shop", duration: str = "47:05", subtitle: str | None = None) -> str:
    return (
        f"<item><title>{title}</title><pubDate>Mon, 03 Feb 2020 00:00:00 +0000</pubDate>"
        "<link>https://example.com/podcast/1-acme</link>"
        '<enclosure url="https://example.com/1.mp3" type="audio/mpeg" length="1"/>'
        f"<itunes:duration>{duration}</itunes:duration>"
        + (f"<itunes:subtitle>{subtitle}</itunes:subtitle>" if subtitle is not None else "")
        + f"<content:encoded><![CDATA[{body}]]></content:encoded></item>"
    )


def episodes_of(data: bytes) -> list[ListingEpisode]:
    return [e for e in parse_feed(data, "test.xml") if isinstance(e, ListingEpisode)]


def test_bundled_feed_items():
    items = list(parse_feed(FEED.read_bytes(), str(FEED)))
    podcast, episodes = items[0], items[1:]
    assert isinstance(podcast, PodcastHeader)
    assert (podcast.name, podcast.author) == ("Running in Production", "Nick Janetakis")
    assert len(episodes) == 10 and all(isinstance(e, ListingEpisode) for e in episodes)
    smart_music, remote = episodes[0], episodes[4]
    assert isinstance(smart_music, ListingEpisode) and isinstance(remote, ListingEpisode)
    assert (smart_music.title, smart_music.date.isoformat(), smart_music.duration_s) == (
        "Smart Music Helps Musicians Practice More Efficiently", "2020-02-10", 3333)
    assert smart_music.url == "https://runninginproduction.com/podcast/17-smart-music-helps-musicians-practice-more-efficiently"
    assert smart_music.audio_url == "https://runninginproduction.com/assets/podcast/running-in-production-17.mp3"
    assert smart_music.guests == ["Julien Blanchard"]
    assert smart_music.description.startswith("In this episode of Running in Production, Julien Blanchard goes over building Smart Music")
    assert (len(smart_music.topics), len(smart_music.references), len(smart_music.stack), len(smart_music.libraries)) == (50, 10, 23, 3)
    assert (smart_music.topics[0].offset_s, smart_music.topics[0].text) == (
        161, "Roughly half a million users are on the platform (~1.5k requests a minute at times)")
    last = smart_music.topics[-1]
    assert (last.offset_s, last.text) == (3250, "Check out Julien’s blog, @julienXX on GitHub and he’s on Source Hut")
    assert smart_music.stack[:3] == ["rails", "ruby", "graphql"]
    assert smart_music.homepages["rails"] == "https://rubyonrails.org/"
    assert smart_music.libraries[0] == "https://github.com/ex-aws/ex_aws"
    assert (remote.title, remote.duration_s, remote.guests) == ("Remote.com Helps You Find Remote Jobs Anywhere", 4139, ["Marcelo Lebre"])


def test_a_reference_keeps_its_note():
    va = episodes_of(FEED.read_bytes())[1]
    [reference] = [r for r in va.references if r.url == "https://youtu.be/NV3sBlRgzTI?t=35"]
    assert reference.note == "First Principles explained by Elon Musk"


def test_loading_feed_stores_exact_values_and_homepages(store):
    load_listings([FEED], store)
    [episode] = store.run("MATCH (e:Episode {id: $id}) RETURN e.duration_s AS d, e.url AS url, e.audio_url AS audio",
                          {"id": SMART_MUSIC})
    assert episode == {"d": 3333, "url": "https://runninginproduction.com/podcast/17-smart-music-helps-musicians-practice-more-efficiently",
                       "audio": "https://runninginproduction.com/assets/podcast/running-in-production-17.mp3"}
    [rails] = store.run("MATCH (t:Technology {id: 'rails'}) RETURN t.homepage AS homepage")
    assert rails["homepage"] == "https://rubyonrails.org/"
    guests = store.run("MATCH (p:Person)-[:APPEARED_ON]->(:Episode {id: $id}) RETURN p.name AS name", {"id": SMART_MUSIC})
    assert guests == [{"name": "Julien Blanchard"}]


def test_listing_then_feed_is_one_graph(store):
    load_listings([LISTING], store)
    load_listings([FEED], store)
    counts = store.counts()
    assert_full_listing(counts)
    assert counts["nodes"]["Episode"] == 10 and counts["nodes"]["Company"] == 10
    [row] = store.run("MATCH (e:Episode {id: $id}) RETURN e.duration_s AS d", {"id": SMART_MUSIC})
    assert row["d"] == 3333  # the feed's 55:33, not the listing's "56min"


@pytest.mark.parametrize("order", [[FEED, LISTING], "two loads"], ids=["one-load", "two-loads"])
def test_the_feed_wins_when_the_listing_comes_after_it(store, order):
    if order == "two loads":
        load_listings([FEED], store)
        load_listings([LISTING], store)
    else:
        load_listings(order, store)
    assert_full_listing(store.counts())
    [row] = store.run("MATCH (e:Episode {id: $id}) RETURN e.duration_s AS d, e.audio_url AS audio", {"id": SMART_MUSIC})
    assert row == {"d": 3333, "audio": "https://runninginproduction.com/assets/podcast/running-in-production-17.mp3"}


def test_feed_guests_several_and_host_left_out():
    [episode] = episodes_of(feed_of(item("<p>Acme builds rockets.</p>", subtitle="with Pat Host and Ann Lee and Bo")))
    assert episode.guests == ["Ann Lee", "Bo"]
    assert (episode.url, episode.audio_url, episode.duration_s) == ("https://example.com/podcast/1-acme", "https://example.com/1.mp3", 2825)


def test_without_subtitle_guests_come_from_the_description(store, tmp_path):
    body = "<p>In this episode of Running in Production, Ann Lee goes over Acme.</p>"
    path = tmp_path / "feed.rss"
    path.write_bytes(feed_of(item(body)))
    [episode] = episodes_of(path.read_bytes())
    assert episode.guests is None
    load_listings([path], store)
    guests = store.run("MATCH (p:Person)-[:APPEARED_ON]->(:Episode) RETURN p.name AS name")
    assert guests == [{"name": "Ann Lee"}]


def test_sections_of_a_written_item():
    body = (
        "<p>In this episode of Running in Production, Ann Lee goes over Acme.</p><p>It is hosted on Render.</p>"
        "<h2>Topics Include</h2><ul><li>0:59 &ndash; Why rockets</li><li>1:02:03 &ndash; Check out "
        '<a href="https://acme.example/">Acme</a></li></ul>'
        '<h6>References</h6><ul><li><a href="https://example.org/paper">a paper</a> (the one on fuel)</li></ul>'
        '<h6>Tech Stack</h6><ul><li><a href="https://render.com/">render &#8594;</a></li>'
        '<li><a href="https://www.python.org/">python &#8594;</a></li></ul>'
        '<h6>Libraries Used</h6><ul><li><a href="https://github.com/a/b">https://github.com/a/b</a></li></ul>'
        "<h2>Support the Show</h2><ul><li>Buy a course</li></ul>"
    )
    [episode] = episodes_of(feed_of(item(body)))
    assert episode.description == "In this episode of Running in Production, Ann Lee goes over Acme. It is hosted on Render."
    assert [(t.offset_s, t.text) for t in episode.topics] == [(59, "Why rockets"), (3723, "Check out Acme")]
    assert [(r.url, r.note) for r in episode.references] == [("https://example.org/paper", "the one on fuel")]
    assert episode.stack == ["render", "python"]
    assert episode.homepages == {"render": "https://render.com/", "python": "https://www.python.org/"}
    assert episode.libraries == ["https://github.com/a/b"]


def test_an_invalid_item_is_reported_and_the_others_load():
    good = item("<p>Acme builds rockets.</p>")
    bad = item("<p>Bolt.</p>", title="Bolt Is a Bolt Shop", duration="about an hour")
    results = list(parse_feed(feed_of(good, bad), "test.xml"))
    errors = [r for r in results if isinstance(r, ListingError)]
    assert [str(e) for e in errors] == [
        "test.xml: item 2 ('Bolt Is a Bolt Shop'): no itunes:duration, or not H:MM:SS, MM:SS or seconds"]
    assert [e.title for e in results if isinstance(e, ListingEpisode)] == ["Acme Is a Rocket Shop"]


def test_atom_feed():
    atom = (
        '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">'
        "<title>Show</title><entry><title>Acme Is a Rocket Shop</title><published>2020-02-03T00:00:00Z</published>"
        '<link rel="alternate" href="https://example.com/1"/><itunes:duration>3600</itunes:duration>'
        '<content type="html">&lt;p&gt;Acme builds rockets.&lt;/p&gt;</content></entry></feed>'
    ).encode()
    [episode] = episodes_of(atom)
    assert (episode.title, episode.date.isoformat(), episode.duration_s, episode.url, episode.description) == (
        "Acme Is a Rocket Shop", "2020-02-03", 3600, "https://example.com/1", "Acme builds rockets.")


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><rss version="2.0"><channel><title>&c;</title></channel></rss>'
)
XXE = (
    '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    '<rss version="2.0"><channel><title>&secret;</title></channel></rss>'
)


@pytest.mark.parametrize("content, message", [
    ("<!DOCTYPE html><html><head><title>Podcast</title></head><body><p>Hi</body></html>",
     "an HTML page, not an RSS or Atom feed"),
    ('<?xml version="1.0"?><rss version="2.0"><channel><title>Show</title></channel>',  # 21 + 19 + 9 + 19 + 10 characters
     "malformed XML: no element found: line 1, column 78"),
    ('<rss version="2.0"><channel><title>Show</title></channel></rss>', "the feed has no items"),
    ('<svg xmlns="http://www.w3.org/2000/svg"/>', "not an RSS or Atom feed (the document is <{http://www.w3.org/2000/svg}svg>)"),
    (BILLION_LAUGHS, "the XML declares entities, which are refused (no entity expansion)"),
    (XXE, "the XML declares entities, which are refused (no entity expansion)"),
], ids=["html", "malformed", "no-items", "other-xml", "billion-laughs", "xxe"])
def test_not_a_feed_is_one_line_and_writes_nothing(content, message, tmp_path):
    path = tmp_path / "feed.xml"
    path.write_text(content)
    result = invoke("load", "--quiet", str(path), store=tmp_path / "store")
    assert result.exit_code == 1
    assert one_line_error(result) == f"stackgraph: error: {path}: {message}"
    stats = invoke("stats", "--format", "json", store=tmp_path / "store", check=True)
    assert '"Episode"' not in stats.stdout


SMART_MUSIC_AUDIO = "https://runninginproduction.com/assets/podcast/running-in-production-17.mp3"
NOVA_ADC_AUDIO = "https://runninginproduction.com/assets/podcast/running-in-production-9.mp3"


def test_timeline_and_related_link_to_the_audio_at_each_topic(store):
    from queries.related import related
    from queries.timeline import timeline

    load_listings([FEED], store)
    # InfluxDB comes up at Nova ADC's 12:46 (766 s), Smart Music's 18:29 (1109 s) and 19:32 (1172 s)
    assert [(a.company_name, a.timestamps, a.listen) for a in timeline(store, "influxdb")] == [
        ("Nova ADC", ["12:46"], [f"{NOVA_ADC_AUDIO}#t=766"]),
        ("Smart Music", ["18:29", "19:32"], [f"{SMART_MUSIC_AUDIO}#t=1109", f"{SMART_MUSIC_AUDIO}#t=1172"]),
    ]
    rows = related(store, "influxdb")
    assert [(r.neighbour, r.at, r.listen) for r in rows] == [
        ("Redis", "18:29", f"{SMART_MUSIC_AUDIO}#t=1109"),
        ("PostgreSQL", "18:29", f"{SMART_MUSIC_AUDIO}#t=1109"),
        ("Nova ADC", None, None),
        ("Smart Music", None, None),
    ]


def test_a_listing_has_no_audio_to_link(store):
    from queries.timeline import timeline

    load_listings([LISTING], store)
    assert [a.listen for a in timeline(store, "influxdb")] == [[], []]


def test_timeline_cli_shows_the_links(tmp_path):
    invoke("load", "--quiet", str(FEED), store=tmp_path / "store", check=True)
    result = invoke("timeline", "victorops", "--format", "json", store=tmp_path / "store", check=True)
    # Smart Music's "45:31 – VictorOps handles alerting …": 2731 s
    assert [row["listen"] for row in json.loads(result.stdout)] == [[f"{SMART_MUSIC_AUDIO}#t=2731"]]

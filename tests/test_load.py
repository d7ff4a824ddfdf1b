"""Loading the bundled listing into each backend: counts worked out by hand from the listing."""

from __future__ import annotations

import pytest

from conftest import LISTING
from listing_counts import assert_full_listing
from loaders.listing import ListingError
from loaders.pipeline import LoadError, load_listings

STACK_TAGS = set(
    "acm angularjs ansible apollo appsignal aurora aws bigquery bitbucket-pipelines bootstrap braintree caprover "
    "centos circle-ci cloudflare cloudfront cloudwatch datadog digitalocean docker dotnet-core ecs eks elasticache "
    "elasticsearch elixir express fargate flask gcp github-actions gitlab-ci golang graphql influxdb jenkins koa "
    "kubernetes lambda laravel lets-encrypt logflare mailgun mongodb mysql new-relic nextjs nginx node open-source "
    "phoenix php pingdom postgres postmark prisma python rails rds react redis route53 ruby s3 sendgrid sentry "
    "serverless ses slack sns stimulusjs stripe terraform turbolinks ubuntu victorops webpack websockets wistia "
    "zapier zope".split()
)

def test_load_counts(store):
    report = load_listings([LISTING], store)
    assert report.episodes == 10
    counts = store.counts()
    assert_full_listing(counts)
    technologies = {row["id"] for row in store.run("MATCH (t:Technology) RETURN t.id AS id")}
    assert STACK_TAGS <= technologies
    hosts = store.run("MATCH (h:HostingProvider) RETURN h.id AS id, h.name AS name ORDER BY id")
    assert [(row["id"], row["name"]) for row in hosts] == [
        ("aws", "AWS"), ("digitalocean", "DigitalOcean"), ("gcp", "Google Cloud")
    ]
    assert report.added()["nodes"]["Episode"] == 10


def test_loading_twice_changes_nothing(store):
    load_listings([LISTING], store)
    first = store.counts()
    report = load_listings([LISTING], store)
    assert store.counts() == first
    assert report.added() == {"nodes": {}, "relationships": {}}
    assert_full_listing(first)


def test_interrupted_load_rerun_gives_the_same_graph(store, tmp_path):
    text = LISTING.read_text(encoding="utf-8")
    cut = text.index("Jan 13, 2020 •")  # the first four episodes, as if the load had stopped there
    partial = tmp_path / "partial.txt"
    partial.write_text(text[:cut], encoding="utf-8")
    load_listings([partial], store)
    assert store.counts()["nodes"]["Episode"] == 4
    load_listings([LISTING], store)
    assert_full_listing(store.counts())


def edited_listing(tmp_path):
    """The listing with one of Smart Music's 50 topics removed (it named Rails, Phoenix and .NET Core)
    and another one edited to name PostgreSQL."""
    text = LISTING.read_text(encoding="utf-8")
    edited = text.replace("3:27 – What Rails, Phoenix and .NET Core are being used for\n", "").replace(
        "2:41 – Roughly half a million users are on the platform (~1.5k requests a minute at times)",
        "2:41 – Roughly half a million users, all of them in PostgreSQL",
    )
    assert edited.count("\n") == text.count("\n") - 1
    path = tmp_path / "edited.txt"
    path.write_text(edited, encoding="utf-8")
    return path


def _check_edited_topics(store):
    counts = store.counts()
    assert counts["nodes"]["Topic"] == 561
    assert counts["relationships"]["HAS_TOPIC"] == 561
    assert counts["relationships"]["MENTIONS"] == 465 - 3 + 1
    rows = store.run(
        "MATCH (e:Episode)-[:HAS_TOPIC]->(t:Topic) WHERE e.title STARTS WITH 'Smart Music' AND t.offset_s IN [161, 207] "
        "OPTIONAL MATCH (t)-[:MENTIONS]->(x:Technology) RETURN t.offset_s AS at, t.text AS text, collect(x.id) AS named"
    )
    assert rows == [{"at": 161, "text": "Roughly half a million users, all of them in PostgreSQL", "named": ["postgres"]}]


def test_reloading_an_episode_replaces_its_topics(store, tmp_path):
    """Topics are parts of their episode: a changed listing replaces them, none is left behind."""
    load_listings([LISTING], store)
    load_listings([edited_listing(tmp_path)], store)
    _check_edited_topics(store)


@pytest.mark.parametrize("batch_episodes", [1, 200])
def test_an_episode_listed_again_in_one_load_keeps_the_later_topics(store, tmp_path, batch_episodes):
    """Whether the two listings of an episode fall in one batch or in two, the later one's topics replace the earlier's."""
    report = load_listings([LISTING, edited_listing(tmp_path)], store, batch_episodes=batch_episodes)
    assert report.episodes == 20
    assert store.counts()["nodes"]["Episode"] == 10
    _check_edited_topics(store)


# The bundled listing has 1,140 lines (the last without a newline); the bad episode starts at 1141.
@pytest.mark.parametrize(
    "bad, message, line",
    [
        ("Feb 3, 2020 • 47min\nTopics Include\n1:05 – x\n", "no title", 1141),
        ("Feb 31, 2020 • 47min\nTitle\nText\n", "bad date", 1141),
        ("Feb 3, 2020 • 47min\nTitle\nText\nTopics Include\n1:7x – x\n", "bad timestamp '1:7x'", 1145),
        ("Feb 3, 2020 • 47min\nA Truncated Episode\n", "truncated", 1142),
    ],
)
def test_invalid_listing_writes_nothing(store, tmp_path, bad, message, line):
    load_listings([LISTING], store)
    before = store.counts()
    path = tmp_path / "bad.txt"
    path.write_text(LISTING.read_text(encoding="utf-8") + "\n" + bad, encoding="utf-8")
    with pytest.raises(LoadError, match=message) as caught:
        load_listings([path], store)
    assert str(caught.value).startswith(f"{path}:{line}: ")
    assert store.counts() == before


@pytest.mark.parametrize("content", [b"", b"\x7fELF\x02\x01\x01\x00\x00\x00", "Caf\xe9 au lait\n".encode("latin-1")])
def test_unreadable_files_write_nothing(store, tmp_path, content):
    path = tmp_path / "junk.txt"
    path.write_bytes(content)
    with pytest.raises(ListingError, match="junk.txt"):
        load_listings([LISTING, path], store)
    assert store.counts() == {"nodes": {}, "relationships": {}}


def test_skip_invalid_loads_the_rest(store, tmp_path):
    # ScrollKeeper's episode (line 323) loses its title to a section heading.
    text = LISTING.read_text(encoding="utf-8").replace("55min\nScrollKeeper", "55min\nTopics Include\nScrollKeeper")
    path = tmp_path / "one-bad.txt"
    path.write_text(text, encoding="utf-8")
    report = load_listings([path], store, skip_invalid=True)
    assert report.episodes == 9
    assert [e.line for e in report.skipped] == [323]
    assert store.counts()["nodes"]["Episode"] == 9
    titles = {row["t"] for row in store.run("MATCH (e:Episode) RETURN e.title AS t")}
    assert "ScrollKeeper Is a Collaboration Tool for Researchers" not in titles

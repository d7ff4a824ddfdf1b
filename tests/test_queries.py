"""The query modules on every backend, against values worked out by hand from the listing.

Stacks as listed under "⚙️ Tech Stack" in data/running-in-production.txt (N = 10 companies):

  Smart Music (23)  rails ruby graphql phoenix elixir aurora aws braintree dotnet-core eks github-actions
                    influxdb jenkins kubernetes new-relic nginx postgres react redis s3 sentry ses victorops
  VA.gov (16)       rails ruby node react ansible aws cloudwatch elasticsearch jenkins open-source postgres
                    redis s3 sentry sns terraform
  Kernl.us (16)     express node angularjs bitbucket-pipelines datadog digitalocean mongodb pingdom postgres
                    redis s3 sendgrid sentry stripe ubuntu websockets
  ScrollKeeper (15) phoenix elixir react acm aws cloudfront docker ecs gitlab-ci lambda postgres route53 s3
                    serverless stripe
  Remote.com (17)   phoenix elixir react appsignal aws cloudflare docker ecs elasticache elasticsearch gitlab-ci
                    mailgun nextjs postgres rds redis stripe
  GoRails (17)      rails ruby turbolinks stimulusjs bootstrap braintree cloudflare digitalocean lets-encrypt
                    nginx postgres redis s3 stripe ubuntu webpack wistia
  Logflare (9)      phoenix elixir bigquery cloudflare docker gcp logflare open-source postgres
  ScholarPack (17)  flask zope python aws centos cloudfront cloudwatch datadog docker ecs fargate jenkins
                    postgres rds redis slack terraform
  Nova ADC (20)     golang laravel php aws circle-ci cloudflare datadog digitalocean docker influxdb kubernetes
                    lambda lets-encrypt postgres sendgrid sentry serverless slack stripe ubuntu
  Openship (13)     koa node react apollo prisma caprover digitalocean mysql nextjs open-source postmark sentry zapier
"""

from __future__ import annotations

import math

import pytest

import queries.path
from conftest import LISTING, TINY_LISTING
from loaders.pipeline import load_listings
from queries.cooccurring import cooccurring, cooccurring_pairs
from queries.hosting import hosting
from queries.names import UnknownName, resolve_entity
from queries.path import path
from queries.profiles import users
from queries.recommend import recommend
from queries.related import related
from queries.similar import similar, similar_to_stack
from queries.stack import company_stack
from queries.timeline import clock, timeline
from queries.who_uses import who_uses

# --- cooccurring -------------------------------------------------------------------------------


def test_cooccurring_with_postgres(graph):
    rows = cooccurring(graph, "PostgreSQL", limit=10)
    # 9 companies use postgres (all but Openship). Among them:
    # aws: SM VA SK Remote ScholarPack Nova = 6; redis: SM VA Kernl Remote GoRails ScholarPack = 6
    # s3: SM VA Kernl SK GoRails = 5; docker: SK Remote Logflare ScholarPack Nova = 5;
    # stripe: Kernl SK Remote GoRails Nova = 5; cloudflare: Remote GoRails Logflare Nova = 4;
    # elixir = phoenix: SM SK Remote Logflare = 4; react: SM VA SK Remote = 4 (+Openship = 5 users);
    # sentry: SM VA Kernl Nova = 4 (+Openship = 5 users).
    # Order: shared desc, lift desc, name.
    assert [(r.technology, r.shared) for r in rows] == [
        ("aws", 6), ("redis", 6), ("s3", 5), ("docker", 5), ("stripe", 5),
        ("cloudflare", 4), ("elixir", 4), ("phoenix", 4), ("react", 4), ("sentry", 4),
    ]
    aws = rows[0]
    assert aws.support == pytest.approx(6 / 10)
    assert aws.confidence == pytest.approx(6 / 9)
    assert aws.lift == pytest.approx(6 * 10 / (9 * 6))  # = 10/9: every aws company also uses postgres
    assert aws.jaccard == pytest.approx(6 / (9 + 6 - 6))
    react = rows[8]
    assert react.lift == pytest.approx(4 * 10 / (9 * 5))  # 8/9
    assert react.jaccard == pytest.approx(4 / (9 + 5 - 4))  # 0.4


def test_cooccurring_category_and_min_count(graph):
    rows = cooccurring(graph, "postgresql", category="hosting")
    # aws 6 of 6; digitalocean: Kernl GoRails Nova = 3 of 4 (Openship too); gcp: Logflare = 1 of 1
    assert [(r.technology, r.shared) for r in rows] == [("aws", 6), ("digitalocean", 3), ("gcp", 1)]
    assert rows[1].lift == pytest.approx(3 * 10 / (9 * 4))
    assert [r.technology for r in cooccurring(graph, "postgres", min_count=6)] == ["aws", "redis"]


def test_cooccurring_technology_of_one_company_and_ties(graph):
    rows = cooccurring(graph, "VictorOps")
    # Only Smart Music uses victorops: its 22 other technologies, each shared by 1, confidence 1.
    assert len(rows) == 22
    assert {r.shared for r in rows} == {1} and {r.confidence for r in rows} == {1.0}
    # Lift 1·10/(1·1) = 10 for the 7 technologies only Smart Music uses, tied; ordered by name.
    assert [r.name for r in rows if r.lift == pytest.approx(10)] == [
        ".NET Core", "Amazon Aurora", "Amazon EKS", "Amazon SES", "GitHub Actions", "GraphQL", "New Relic",
    ]
    assert rows[-1].technology == "postgres" and rows[-1].lift == pytest.approx(10 / 9)


def test_cooccurring_pairs(graph):
    rows = cooccurring_pairs(graph, min_count=3, limit=2)
    # ruby & rails: SM VA GoRails, nothing else uses either: lift 3·10/(3·3) = 10/3.
    # elixir & phoenix: 4 and 4 alike: lift 4·10/(4·4) = 2.5, ahead of ubuntu & digitalocean (3·10/(3·4) = 2.5)
    # on shared companies.
    assert [(r.a, r.b, r.shared) for r in rows] == [("ruby", "rails", 3), ("elixir", "phoenix", 4)]
    assert rows[0].lift == pytest.approx(10 / 3) and rows[1].lift == pytest.approx(2.5)
    assert cooccurring_pairs(graph, min_count=7) == []  # postgres (9) pairs with nothing used by 7 companies


# --- similar / recommend --------------------------------------------------------------------------


def test_users_from_the_index_and_from_the_stacks(graph):
    # postgres: all but Openship; redis: SM VA Kernl Remote GoRails ScholarPack; no company lists "go"
    expected = {"postgres": 9, "redis": 6}
    for indexed in (True, False):
        assert users(graph, ["postgres", "redis", "go"], indexed=indexed) == expected


def test_jaccard_of_remote_and_scrollkeeper(graph):
    [first] = similar(graph, "remote.com", limit=1)
    # shared: phoenix elixir react aws docker ecs gitlab-ci postgres stripe = 9; union 17 + 15 - 9 = 23
    assert first.company == "scrollkeeper"
    assert first.jaccard == pytest.approx(9 / 23)
    assert first.shared_count == 9
    assert first.only_there == [
        "Amazon CloudFront", "Amazon Route 53", "Amazon S3", "AWS Certificate Manager", "AWS Lambda", "Serverless",
    ]


def test_similar_and_cosine_on_a_tiny_graph(tiny):
    # N = 4; df: postgres 3, redis 2, rails 1, elixir 1
    idf_pg, idf_redis, idf_one = math.log(4 / 3), math.log(2), math.log(4)
    rows = similar(tiny, "Acme")
    assert [(r.name, r.shared_count) for r in rows] == [("Bolt", 2), ("Coil", 1)]  # Dune shares nothing
    assert rows[0].jaccard == pytest.approx(2 / 3) and rows[1].jaccard == pytest.approx(1 / 4)
    acme_norm = math.sqrt(idf_pg**2 + idf_redis**2 + idf_one**2)
    assert rows[0].cosine == pytest.approx((idf_pg**2 + idf_redis**2) / (acme_norm * math.sqrt(idf_pg**2 + idf_redis**2)))
    assert rows[1].cosine == pytest.approx(idf_pg**2 / (acme_norm * math.sqrt(idf_pg**2 + idf_one**2)))
    # A company with an empty stack is similar to nothing and gets no recommendations.
    assert similar(tiny, "dune") == [] and recommend(tiny, "Dune") == [] and company_stack(tiny, "dune") == []


def test_similar_to_a_stack_not_in_the_graph(tiny):
    rows = similar_to_stack(tiny, ["Rails", "PostgreSQL", "redis"])
    assert [(r.name, r.jaccard) for r in rows] == [("Acme", 1.0), ("Bolt", pytest.approx(2 / 3)), ("Coil", 0.25)]
    with pytest.raises(UnknownName):
        similar_to_stack(tiny, ["postgres", "no-such-thing-xyz"])


def test_recommend(tiny):
    rows = recommend(tiny, "bolt")
    # Bolt's neighbours: Acme J = 2/3 (brings rails), Coil J = 1/3 (brings elixir)
    assert [(r.technology, r.companies, r.company_names) for r in rows] == [("rails", 1, ["Acme"]), ("elixir", 1, ["Coil"])]
    assert [r.score for r in rows] == [pytest.approx(2 / 3), pytest.approx(1 / 3)]
    assert [r.technology for r in recommend(tiny, "bolt", neighbours=1)] == ["rails"]


# --- hosting / path / related / timeline ----------------------------------------------------------


def test_hosting_of_elixir_companies(graph):
    rows = hosting(graph, "Elixir")
    # Smart Music aws, ScrollKeeper aws, Remote.com aws, Logflare gcp
    assert [(h.provider, h.companies) for h in rows] == [("aws", 3), ("gcp", 1)]
    assert rows[0].company_names == ["Remote.com", "ScrollKeeper", "Smart Music"]


def test_hosting_counts_a_company_on_two_providers_under_each(graph):
    # lets-encrypt: GoRails (digitalocean) and Nova ADC (digitalocean and aws); ties by name
    assert [(h.name, h.companies) for h in hosting(graph, "lets-encrypt")] == [("DigitalOcean", 2), ("AWS", 1)]
    assert [(h.name, h.companies) for h in hosting(graph, "laravel")] == [("AWS", 1), ("DigitalOcean", 1)]


def test_path_between_a_technology_and_a_provider(graph):
    # Logflare uses elixir and has gcp in its stack (USES and HOSTED_ON)
    assert [p.chain for p in path(graph, "Elixir", "Google Cloud")] == [
        "Elixir <-USES- Logflare -HOSTED_ON-> Google Cloud",
        "Elixir <-USES- Logflare -USES-> Google Cloud",
    ]


def test_path_of_one_hop_either_way(graph):
    # The same two relationships; the longer paths through Logflare's other technologies are not shortest.
    assert [p.chain for p in path(graph, "company:Logflare", "Google Cloud")] == [
        "Logflare -HOSTED_ON-> Google Cloud", "Logflare -USES-> Google Cloud"]
    assert [p.chain for p in path(graph, "Google Cloud", "company:Logflare")] == [
        "Google Cloud <-HOSTED_ON- Logflare", "Google Cloud <-USES- Logflare"]


def test_path_from_a_person_to_a_company(graph):
    # Julien Blanchard works on Smart Music, which shares elixir, phoenix and postgres with Logflare
    rows = path(graph, "julien blanchard", "company:Logflare")
    assert [p.hops for p in rows] == [3, 3, 3]
    assert rows[0].chain == "Julien Blanchard -WORKS_ON-> Smart Music -USES-> Elixir <-USES- Logflare"
    assert path(graph, "rails", "Ruby on Rails")[0].hops == 0


def test_path_of_three_hops_by_search_alike(graph, monkeypatch):
    """Past the neighbourhood bound, allShortestPaths finds the three paths of the test above."""
    monkeypatch.setattr(queries.path, "MEET_IN_THE_MIDDLE_PAIRS", 0)
    rows = path(graph, "julien blanchard", "company:Logflare")
    assert [p.hops for p in rows] == [3, 3, 3]
    assert rows[0].chain == "Julien Blanchard -WORKS_ON-> Smart Music -USES-> Elixir <-USES- Logflare"


def test_path_names_a_link_by_its_url(graph):
    # The VA.gov and GoRails episodes both link https://twitter.com/dhh and https://tailwindcss.com/
    chains = [p.chain for p in path(graph, "person:charley-stran", "person:chris-oliver")]
    assert ("Charley Stran -APPEARED_ON-> VA.gov Provides an API to Get Information about Veterans -REFERENCES-> "
            "https://tailwindcss.com/ <-REFERENCES- Learn Ruby on Rails through Screencast Tutorials on GoRails "
            "<-APPEARED_ON- Chris Oliver") in chains
    assert sum("-REFERENCES-> https://twitter.com/dhh <-REFERENCES-" in chain for chain in chains) == 1


PODCAST_HEADER = """\
Running in Production
Nick Janetakis - Full stack developer
Hear about how folks are running their web apps in production.
Episodes
"""


@pytest.mark.parametrize("meet_in_the_middle", [20_000, 0])
def test_path_of_four_and_five_hops(store, tmp_path, monkeypatch, meet_in_the_middle):
    """The tiny stacks under a podcast header: Dune (no stack) reaches the others only through its
    episode and the podcast, so only when asked: Acme in four hops by one path, elixir (Coil's) in five."""
    monkeypatch.setattr(queries.path, "MEET_IN_THE_MIDDLE_PAIRS", meet_in_the_middle)
    listing = tmp_path / "podcast.txt"
    listing.write_text(PODCAST_HEADER + TINY_LISTING.read_text(encoding="utf-8"), encoding="utf-8")
    load_listings([listing], store)
    assert path(store, "company:Dune", "company:Acme") == []
    assert [p.chain for p in path(store, "company:Dune", "company:Acme", through_podcast=True)] == [
        "Dune <-FEATURES- Dune Is a Sand Shop <-HAS_EPISODE- Running in Production "
        "-HAS_EPISODE-> Acme Is a Rocket Shop -FEATURES-> Acme"]
    assert [p.chain for p in path(store, "company:Dune", "elixir", through_podcast=True)] == [
        "Dune <-FEATURES- Dune Is a Sand Shop <-HAS_EPISODE- Running in Production "
        "-HAS_EPISODE-> Coil Is a Spring Shop -FEATURES-> Coil -USES-> Elixir"]


def test_path_reads_at_most_max_paths(graph, monkeypatch):
    """Julien Blanchard reaches Logflare by three shortest paths (above); one is read when one is the cap."""
    monkeypatch.setattr(queries.path, "MAX_PATHS", 2)
    rows = path(graph, "julien blanchard", "company:Logflare")
    assert len(rows) == 2 and {p.hops for p in rows} == {3}
    assert all(p.chain.startswith("Julien Blanchard -WORKS_ON-> Smart Music -USES-> ") for p in rows)


def test_names_of_any_kind(graph):
    assert resolve_entity(graph, "Logflare").kind == "company"
    assert resolve_entity(graph, "technology:logflare").kind == "technology"
    with pytest.raises(UnknownName) as error:
        resolve_entity(graph, "elixr")
    assert error.value.suggestions[0] == "Elixir"  # the display name, once, not also its slug "elixir"


def test_related_with_topic_evidence(graph):
    rows = related(graph, "InfluxDB")
    # 18:29 "PostgreSQL, InfluxDB and Redis ..." (Smart Music); used by Nova ADC and Smart Music
    assert [(r.relationship, r.category, r.neighbour, r.at) for r in rows] == [
        ("MENTIONED_WITH", "cache", "Redis", "18:29"),
        ("MENTIONED_WITH", "database", "PostgreSQL", "18:29"),
        ("USES", "company", "Nova ADC", None),
        ("USES", "company", "Smart Music", None),
    ]
    assert rows[0].text == "PostgreSQL, InfluxDB and Redis are used to manage the data and for caching"
    assert [r.neighbour for r in related(graph, "gcp") if r.relationship == "HOSTED_ON"] == ["Logflare"]


def test_timeline(graph):
    rows = timeline(graph, "influxdb")
    # Nova ADC, Dec 19 2019: topic 12:46; Smart Music, Feb 10 2020: topics 18:29 and 19:32
    assert [(a.date, a.company_name, a.in_stack, a.timestamps) for a in rows] == [
        ("2019-12-19", "Nova ADC", True, ["12:46"]),
        ("2020-02-10", "Smart Music", True, ["18:29", "19:32"]),
    ]
    assert [a.timestamps for a in timeline(graph, "victorops")] == [["45:31"]]
    assert clock(0) == "0:00" and clock(3725) == "1:02:05"


def test_limit_zero_and_unknown_names(graph):
    for rows in (cooccurring(graph, "postgres", limit=0), cooccurring_pairs(graph, limit=0),
                 similar(graph, "gorails", limit=0), recommend(graph, "gorails", limit=0),
                 hosting(graph, "elixir", limit=0), path(graph, "elixir", "gcp", limit=0),
                 related(graph, "redis", limit=0), timeline(graph, "redis", limit=0)):
        assert rows == []
    with pytest.raises(UnknownName):
        hosting(graph, "no-such-tech-xyz")
    with pytest.raises(UnknownName):
        similar(graph, "No Such Company")
    assert [(u.company, u.name) for u in who_uses(graph, "victorops")] == [("smart-music", "Smart Music")]

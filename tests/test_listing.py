"""The listing parser, field by field, on the bundled listing; values read off the file by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import LISTING
from loaders.listing import ListingEpisode, ListingError, PodcastHeader, parse_listing, read_listing

# date, duration (s), title, topics, first topic (s), last topic (s), references, stack, libraries
EXPECTED = [
    ("2020-02-10", 56 * 60, "Smart Music Helps Musicians Practice More Efficiently", 50, 161, 3250, 10,
     "rails ruby graphql phoenix elixir aurora aws braintree dotnet-core eks github-actions influxdb jenkins "
     "kubernetes new-relic nginx postgres react redis s3 sentry ses victorops",
     ["https://github.com/ex-aws/ex_aws", "https://github.com/absinthe-graphql/absinthe",
      "https://github.com/graphql/dataloader"]),
    ("2020-02-03", 47 * 60, "VA.gov Provides an API to Get Information about Veterans", 40, 137, 2787, 11,
     "rails ruby node react ansible aws cloudwatch elasticsearch jenkins open-source postgres redis s3 sentry "
     "sns terraform",
     ["https://github.com/rubocop-hq/rubocop", "https://github.com/vcr/vcr"]),
    ("2020-01-27", 56 * 60, "Kernl.us Helps WordPress Plugin and Theme Developers Manage Updates", 51, 82, 3292, 6,
     "express node angularjs bitbucket-pipelines datadog digitalocean mongodb pingdom postgres redis s3 sendgrid "
     "sentry stripe ubuntu websockets",
     ["https://www.npmjs.com/package/pg"]),
    ("2020-01-20", 55 * 60, "ScrollKeeper Is a Collaboration Tool for Researchers", 58, 79, 3281, 6,
     "phoenix elixir react acm aws cloudfront docker ecs gitlab-ci lambda postgres route53 s3 serverless stripe",
     ["https://github.com/mozilla/pdf.js", "https://github.com/ex-aws/ex_aws",
      "https://github.com/samsondav/rihanna"]),
    ("2020-01-13", 69 * 60, "Remote.com Helps You Find Remote Jobs Anywhere", 50, 195, 4072, 6,
     "phoenix elixir react appsignal aws cloudflare docker ecs elasticache elasticsearch gitlab-ci mailgun nextjs "
     "postgres rds redis stripe",
     ["https://github.com/akira/exq", "https://github.com/code-corps/stripity_stripe"]),
    ("2020-01-06", 74 * 60, "Learn Ruby on Rails through Screencast Tutorials on GoRails", 44, 102, 4388, 9,
     "rails ruby turbolinks stimulusjs bootstrap braintree cloudflare digitalocean lets-encrypt nginx postgres "
     "redis s3 stripe ubuntu webpack wistia",
     ["https://github.com/rails/webpacker", "https://github.com/brandonhilkert/sucker_punch",
      "https://github.com/ankane/strong_migrations", "https://github.com/ankane/production_rails",
      "https://github.com/ankane/secure_rails", "https://github.com/phusion/passenger",
      "https://github.com/puma/puma", "https://github.com/errbit/errbit", "https://github.com/ankane/ahoy",
      "https://github.com/pay-rails/pay", "https://github.com/backup/backup"]),
    ("2019-12-30", 41 * 60, "Logflare Is a Log Management and Event Analytics Platform", 38, 136, 2376, 4,
     "phoenix elixir bigquery cloudflare docker gcp logflare open-source postgres",
     ["https://github.com/ninenines/cowboy"]),
    ("2019-12-23", 77 * 60, "ScholarPack Runs 10% of the UK's Primary Schools and Gets Huge Traffic", 77, 57, 4534, 15,
     "flask zope python aws centos cloudfront cloudwatch datadog docker ecs fargate jenkins postgres rds redis "
     "slack terraform",
     ["https://www.zope.org/", "https://www.sqlalchemy.org/", "https://github.com/psf/black",
      "https://github.com/pgbouncer/pgbouncer", "https://github.com/zalando/connexion"]),
    ("2019-12-19", 65 * 60, "Load Balance, Secure and Observe Your Web Applications with Nova ADC", 90, 91, 3832, 10,
     "golang laravel php aws circle-ci cloudflare datadog digitalocean docker influxdb kubernetes lambda "
     "lets-encrypt postgres sendgrid sentry serverless slack stripe ubuntu",
     []),
    ("2019-12-16", 53 * 60, "Openship Is a Shopify App for Drop Shipping and Order Fulfillment", 64, 62, 3120, 13,
     "koa node react apollo prisma caprover digitalocean mysql nextjs open-source postmark sentry zapier",
     ["https://github.com/Shopify/quilt"]),
]


@pytest.fixture(scope="module")
def parsed() -> list:
    return list(read_listing(LISTING))


def test_header_names_the_podcast_and_its_host(parsed):
    header = parsed[0]
    assert isinstance(header, PodcastHeader)
    assert header.name == "Running in Production"
    assert header.author == "Nick Janetakis"
    assert header.description.startswith("Hear about how folks are running their web apps in production.")


@pytest.mark.parametrize("index", range(len(EXPECTED)))
def test_episode_fields(parsed, index):
    date, duration, title, topics, first, last, references, stack, libraries = EXPECTED[index]
    episode = parsed[index + 1]
    assert isinstance(episode, ListingEpisode)
    assert episode.date == dt.date.fromisoformat(date)
    assert episode.duration_s == duration
    assert episode.title == title
    assert len(episode.topics) == topics
    assert episode.topics[0].offset_s == first
    assert episode.topics[-1].offset_s == last
    assert len(episode.references) == references
    assert episode.stack == stack.split()
    assert episode.libraries == libraries
    assert episode.description.startswith("In this episode of Running in Production, ")


def test_wrapped_topic_lines_join_the_topic_they_continue(parsed):
    scholarpack, nova = parsed[8], parsed[9]
    assert scholarpack.topics[-1].text == (
        "Gareth is on Twitter @thestub and his personal site is at https://munci.co.uk"
    )
    assert nova.topics[-1].text == (
        "snapt is their parent company, Nova is the load balancer service that we talked about today, "
        "and you can also find them @SnaptADC on Twitter"
    )


def test_reference_notes_and_urls_with_parentheses(parsed):
    smart_music, va_gov, openship = parsed[1], parsed[2], parsed[10]
    assert smart_music.references[0].url == (
        "https://en.wikipedia.org/wiki/Practice_(learning_method)#Deliberate_practice"
    )
    assert smart_music.references[0].note is None
    assert va_gov.references[-1].url == "https://youtu.be/NV3sBlRgzTI?t=35"
    assert va_gov.references[-1].note == "First Principles explained by Elon Musk"
    third_party = [r for r in openship.references if "Third-party" in r.url]
    assert third_party[0].note == "3PL"


def test_support_the_show_boilerplate_is_not_data(parsed):
    for episode in parsed[1:]:
        assert "labor of love" not in episode.description
        assert all("Dive into Docker" not in t.text for t in episode.topics)


EPISODE = """Feb 3, 2020 • 1h 2min
Acme Is a Rocket Shop
In this episode of Running in Production, Ann Lee goes over building Acme.
Topics Include
1:05 – Rockets on Rails
1:01:05 – Wrapping up
Links
📄 References
https://acme.example/ (home page)
⚙️ Tech Stack
rails →
aws →
🛠 Libraries Used
https://github.com/acme/rocket
Support the Show
Boilerplate.
"""


def test_crlf_and_emoji_without_variation_selector_parse_the_same():
    variant = EPISODE.replace("⚙️", "⚙").replace("\n", "\r\n")
    [plain] = parse_listing(EPISODE.splitlines())
    [other] = parse_listing(variant.splitlines(keepends=True))
    assert other == plain
    assert plain.stack == ["rails", "aws"]
    assert [t.offset_s for t in plain.topics] == [65, 3665]
    assert plain.references[0].note == "home page"


def test_an_episode_with_no_sections_but_a_description_parses():
    [episode] = parse_listing(["Mar 1, 2021 • 30min", "Just a Title", "Only a description."])
    assert episode.description == "Only a description."
    assert episode.topics == episode.stack == episode.references == episode.libraries == []


def _error(text: str) -> ListingError:
    with pytest.raises(ListingError) as caught:
        list(parse_listing(text.splitlines(), "bad.txt"))
    return caught.value


def test_episode_without_a_title():
    error = _error("Feb 3, 2020 • 47min\nTopics Include\n1:05 – x\n")
    assert (error.source, error.line) == ("bad.txt", 1)
    assert "no title" in str(error)


def test_bad_date():
    error = _error("Feb 31, 2020 • 47min\nTitle\nText\n")
    assert str(error) == "bad.txt:1: bad date 'Feb 31, 2020' (expected e.g. 'Feb 10, 2020')"


def test_bad_timestamp():
    error = _error(EPISODE.replace("1:01:05 – Wrapping up", "1:7x – Wrapping up"))
    assert str(error) == "bad.txt:6: bad timestamp '1:7x' (expected M:SS or H:MM:SS)"


def test_timestamp_with_seconds_over_59():
    error = _error(EPISODE.replace("1:05 – Rockets", "1:75 – Rockets"))
    assert str(error) == "bad.txt:5: bad timestamp '1:75' (expected M:SS or H:MM:SS)"


def test_truncated_after_the_title():
    error = _error(EPISODE + "Mar 1, 2020 • 30min\nA Cut Off Episode\n")
    assert error.line == 18  # EPISODE has 16 lines; the cut-off episode's title is line 18
    assert "truncated" in str(error)


def test_text_without_episodes():
    error = _error("Just some text\nwith no episodes\n")
    assert error.line is None
    assert "no episodes found" in str(error)


def test_collect_errors_reports_bad_episodes_and_keeps_the_good_ones():
    text = EPISODE + "Feb 31, 2020 • 47min\nBad Date\nText\n" + EPISODE.replace("Acme", "Zenith")
    items = list(parse_listing(text.splitlines(), "mixed.txt", collect_errors=True))
    assert [type(i).__name__ for i in items] == ["ListingEpisode", "ListingError", "ListingEpisode"]
    assert items[1].line == 17
    assert items[2].title == "Zenith Is a Rocket Shop"


def test_empty_file(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(ListingError, match=r"empty\.txt: empty file"):
        list(read_listing(path))


def test_binary_junk(tmp_path):
    path = tmp_path / "junk.bin"
    path.write_bytes(b"Feb 3, 2020 \xe2\x80\xa2 47min\n\x89PNG\x00\x01\x02\xff\n")
    with pytest.raises(ListingError) as caught:
        list(read_listing(path))
    assert str(caught.value).startswith(f"{path}:2: ")


def test_invalid_utf8(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes(EPISODE.encode() + "Caf\xe9\n".encode("latin-1"))
    with pytest.raises(ListingError, match=r"latin1\.txt:17: not UTF-8"):
        list(read_listing(path))


def test_missing_file(tmp_path):
    with pytest.raises(ListingError) as caught:
        list(read_listing(tmp_path / "nope.txt"))
    assert str(caught.value) == f"{tmp_path / 'nope.txt'}: no such file"


def test_directory_instead_of_a_file(tmp_path):
    with pytest.raises(ListingError, match="is a directory"):
        list(read_listing(tmp_path))


def test_reference_and_library_lines_with_notes_in_other_shapes():
    text = EPISODE.replace(
        "https://acme.example/ (home page)",
        "https://acme.example/ (home page)\nhttps://docs.example/guide - the setup guide\nhttps://plain.example/",
    ).replace("https://github.com/acme/rocket", "https://github.com/acme/rocket (the launcher)")
    [episode] = parse_listing(text.splitlines())
    assert [(r.url, r.note) for r in episode.references] == [
        ("https://acme.example/", "home page"),
        ("https://docs.example/guide", "the setup guide"),
        ("https://plain.example/", None),
    ]
    assert episode.libraries == ["https://github.com/acme/rocket"]

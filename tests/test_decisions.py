"""Technology decisions and full-text search, against the bundled listing read by hand.

EXPECTED_DECISIONS holds every decision the ten episodes' topic lines state, worked out by reading
data/running-in-production.txt; the lines that look like decisions and are not are tested apart.
"""

from __future__ import annotations

import json
from csv import reader as csv_reader

import pytest

from cli_helpers import invoke, one_line_error
from conftest import LISTING
from domain.catalog import Catalog
from graph import GraphStore
from loaders.decisions import Decision, decisions_in
from loaders.extract import episode_document
from loaders.listing import ListingEpisode, read_listing
from loaders.pipeline import load_listings
from queries.alternatives import alternatives
from queries.search import search
from queries.why import why

SMART_MUSIC, VA, KERNL, SCROLLKEEPER, REMOTE = "Smart Music", "VA.gov", "Kernl.us", "ScrollKeeper", "Remote.com"
GORAILS, LOGFLARE, SCHOLARPACK, NOVA, OPENSHIP = "GoRails", "Logflare", "ScholarPack", "Nova ADC", "Openship"

# (company, timestamp) -> what the topic line at that timestamp decides, in the order the line says it.
EXPECTED_DECISIONS = {
    (SMART_MUSIC, "6:35"): [("motivation", "phoenix", None), ("motivation", "elixir", None)],
    (SMART_MUSIC, "22:44"): [("chose_over", "aws", "gcp")],  # "picking AWS over Google Cloud"
    (VA, "4:28"): [("motivation", "rails", None)],  # "Motivation for using Ruby on Rails"
    (KERNL, "2:39"): [("motivation", "express", None), ("motivation", "node", None)],
    (KERNL, "15:50"): [("motivation", "angular", None)],  # "reason for choosing Angular"
    (KERNL, "26:20"): [("moved_from", "digitalocean", "nginx")],  # "… load balancer replaces what nginx used to do"
    (KERNL, "45:31"): [("moved_from", "nginx", "apache")],  # "Switching from Apache to nginx"
    (SCROLLKEEPER, "2:03"): [("motivation", "phoenix", None), ("motivation", "elixir", None)],
    (REMOTE, "4:03"): [("motivation", "elixir", None), ("motivation", "phoenix", None)],
    (REMOTE, "30:16"): [("moved_from", "kubernetes", "ecs")],  # planned: "wants to switch … eventually"
    (REMOTE, "31:17"): [("motivation", "elasticsearch", None)],  # "Reasons for going with Elasticsearch"
    # "After looking at Heroku, Google Cloud, Azure and others - AWS looked good"
    (REMOTE, "42:27"): [("chose_over", "aws", "heroku"), ("chose_over", "aws", "gcp"), ("chose_over", "aws", "azure")],
    (GORAILS, "7:12"): [("compared", "bootstrap", "tailwindcss")],  # "Bootstrap vs Tailwind CSS"
    (LOGFLARE, "5:35"): [("motivation", "elixir", None), ("motivation", "phoenix", None)],
    (LOGFLARE, "16:24"): [("motivation", "gcp", None)],  # "choosing GCP came down to free hosting credits"
    (SCHOLARPACK, "4:36"): [("moved_from", "flask", "zope")],  # "Zope vs Flask … wanted to move to Flask"
    (SCHOLARPACK, "20:52"): [("chose_over", "aws", "gcp")],  # "on AWS instead of GCP"
    (SCHOLARPACK, "1:00:43"): [("moved_from", "connexion", "flask-restplus")],
    (NOVA, "1:59"): [("motivation", "golang", None)],
    (NOVA, "7:16"): [("motivation", "laravel", None)],
    (OPENSHIP, "7:03"): [("motivation", "koa", None), ("motivation", "node", None)],
}
PLANNED = {(REMOTE, "30:16")}
DECISIONS = sum(len(found) for found in EXPECTED_DECISIONS.values())  # 29


def _clock(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def _listing_decisions() -> dict[tuple[str, str], list[tuple[str, str, str | None]]]:
    catalog = Catalog.default()
    found: dict[tuple[str, str], list[tuple[str, str, str | None]]] = {}
    for episode in read_listing(LISTING):
        if not isinstance(episode, ListingEpisode):
            continue
        listed = catalog.listed(catalog.technology_for(tag).slug for tag in episode.stack)
        [company_node] = episode_document(episode, catalog).nodes_with_label("Company")
        company = company_node.properties["name"]
        for topic in episode.topics:
            decisions = decisions_in(topic.text, catalog, listed)
            if decisions:
                planned = {d.planned for d in decisions}
                assert planned == {(company, _clock(topic.offset_s)) in PLANNED}, topic.text
                found[(company, _clock(topic.offset_s))] = [(d.kind, d.chosen, d.other) for d in decisions]
    return found


def test_every_decision_the_listing_states_and_no_other():
    assert _listing_decisions() == EXPECTED_DECISIONS


@pytest.mark.parametrize("text", [
    "Taking over the old remote.com site and rebuilding it from scratch",
    "Jack’s super power is being able to context switch really quickly",
    "Secrets get transferred straight from dev to the server over SSH / SCP",
    "Rolling restarts are done over ECS to deploy without downtime",
    "Nova bills you per hour instead of per month and Stripe makes this really easy",
    "Why exactly isn’t Docker being used in development?",
    "Ian is confident that if it came down to it, he could hire Elixir developers later",
    "Best tips? Make a solid proof of concept in your new tech before switching to it fully",
    "Moving to Stripe’s hosted checkout eventually would remove a lot of stress",
    "The moment Remote switched to Phoenix the bill dropped to $500 / a month",
    "Live View currently doesn’t have enough features to replace a React app",
    "Using Redis vs rolling your own Elixir based set up for cluster state",
    "TDD vs writing tests after you write your implementation",
])
def test_phrases_that_only_look_like_decisions(text):
    assert decisions_in(text, Catalog.default(), {"phoenix", "express"}) == []


@pytest.mark.parametrize("text, expected", [
    ("They went with PostgreSQL rather than MySQL", [Decision("chose_over", "postgres", "mysql")]),
    ("Migrated from Heroku to AWS last year", [Decision("moved_from", "aws", "heroku")]),
    ("They replaced Jenkins with GitHub Actions", [Decision("moved_from", "github-actions", "jenkins")]),
    ("Django versus Flask for the API", [Decision("compared", "django", "flask")]),
    ("Why Elixir works so well for this", [Decision("motivation", "elixir")]),
    ("Picking Laravel came down to hiring", [Decision("motivation", "laravel")]),
    ("After trying Heroku, they went with DigitalOcean", [Decision("chose_over", "digitalocean", "heroku")]),
    ("They plan to move from MongoDB to PostgreSQL", [Decision("moved_from", "postgres", "mongodb", planned=True)]),
])
def test_the_other_forms_of_a_decision(text, expected):
    assert decisions_in(text, Catalog.default(), set()) == expected


def test_the_document_links_a_decision_to_its_company_technologies_and_topic():
    episode = next(e for e in read_listing(LISTING) if isinstance(e, ListingEpisode) and e.title.startswith("Kernl"))
    doc = episode_document(episode)
    [move] = [n for n in doc.nodes_with_label("Decision") if n.key.endswith("/moved_from/nginx/apache")]
    assert move.properties == {"kind": "moved_from", "planned": False}
    ends = {(r.type, r.start_key if r.end_label == "Decision" else r.end_key)
            for r in doc.relationships if move.key in (r.start_key, r.end_key)}
    assert ends == {("MADE", "kernl-us"), ("STATES", move.key.split("/")[0]), ("CHOSE", "nginx"), ("OVER", "apache")}


# -- in the stores, both backends ------------------------------------------------------------------


def test_decisions_load_idempotently(graph: GraphStore):
    load_listings([LISTING], graph)  # a second time
    counts = graph.counts()
    assert counts["nodes"]["Decision"] == DECISIONS
    # every decision CHOSE one technology but the comparison, which WEIGHED two; 5 choices + 5 moves have an OVER
    assert {t: counts["relationships"][t] for t in ("MADE", "STATES", "CHOSE", "OVER", "WEIGHED")} == {
        "MADE": 29, "STATES": 29, "CHOSE": 28, "OVER": 10, "WEIGHED": 2}


def test_a_description_states_what_no_topic_line_does(store: GraphStore, tmp_path):
    listing = tmp_path / "acme.txt"
    listing.write_text(
        "Feb 3, 2020 • 47min\nAcme Is a Rocket Shop\n"
        "In this episode of Running in Production, Ann Lee goes over building Acme. They moved from Heroku\n"
        "to AWS last year. Switching from Apache to nginx took a weekend.\n"
        "Topics Include\n1:05 – Switching from Apache to nginx\n", encoding="utf-8")
    load_listings([listing], store)
    load_listings([listing], store)
    assert store.counts()["nodes"]["Decision"] == 2  # the description's Apache -> nginx is the topic's
    [heroku] = alternatives(store, "aws")
    assert (heroku.name, heroku.way, heroku.company_names) == ("Heroku", "moved_from", ["Acme"])
    assert [(e.at, e.text) for e in heroku.evidence] == [(None, "They moved from Heroku to AWS last year.")]
    assert [(r.at, r.text) for r in why(store, "nginx")] == [("1:05", "Switching from Apache to nginx")]


def test_a_decision_no_line_states_any_more_goes(store: GraphStore, tmp_path):
    load_listings([LISTING], store)
    edited = tmp_path / "edited.txt"
    text = LISTING.read_text(encoding="utf-8")
    edited.write_text(text.replace("22:44 – Motivation for picking AWS over Google Cloud and other providers\n", ""),
                      encoding="utf-8")
    load_listings([edited], store)
    assert store.counts()["nodes"]["Decision"] == DECISIONS - 1
    assert _ways(alternatives(store, "aws"))[0] == ("Google Cloud", "chose_over", [(SCHOLARPACK, "20:52"), (REMOTE, "42:27")])


def _ways(found):
    return [(a.name, a.way, [(e.company_name, e.at) for e in a.evidence]) for a in found]


def test_alternatives(graph: GraphStore):
    # the most companies first, evidence oldest first: ScholarPack (Dec 23), Remote.com (Jan 13), Smart Music (Feb 10)
    assert _ways(alternatives(graph, "AWS")) == [
        ("Google Cloud", "chose_over", [(SCHOLARPACK, "20:52"), (REMOTE, "42:27"), (SMART_MUSIC, "22:44")]),
        ("Heroku", "chose_over", [(REMOTE, "42:27")]),
        ("Microsoft Azure", "chose_over", [(REMOTE, "42:27")])]
    assert _ways(alternatives(graph, "google cloud")) == [
        ("AWS", "lost_to", [(SCHOLARPACK, "20:52"), (REMOTE, "42:27"), (SMART_MUSIC, "22:44")])]
    assert [a.company_names for a in alternatives(graph, "aws", limit=1)] == [[SCHOLARPACK, REMOTE, SMART_MUSIC]]
    assert _ways(alternatives(graph, "nginx")) == [
        ("Apache HTTP Server", "moved_from", [(KERNL, "45:31")]), ("DigitalOcean", "moved_to", [(KERNL, "26:20")])]
    assert _ways(alternatives(graph, "flask")) == [("Zope", "moved_from", [(SCHOLARPACK, "4:36")])]
    assert _ways(alternatives(graph, "connexion")) == [("Flask-RESTPlus", "moved_from", [(SCHOLARPACK, "1:00:43")])]
    assert _ways(alternatives(graph, "tailwind css")) == [("Bootstrap", "compared", [(GORAILS, "7:12")])]
    [kubernetes] = alternatives(graph, "kubernetes")
    assert (kubernetes.name, kubernetes.way, kubernetes.company_names) == ("Amazon ECS", "moved_from", [REMOTE])
    assert kubernetes.evidence[0].planned is True
    assert alternatives(graph, "elixir") == []  # motivations weigh nothing against it


def test_why(graph: GraphStore):
    # oldest first: Logflare (Dec 30), Remote.com (Jan 13), ScrollKeeper (Jan 20), Smart Music (Feb 10)
    assert [(r.company_name, r.at, r.kind) for r in why(graph, "Elixir")] == [
        (LOGFLARE, "5:35", "motivation"), (REMOTE, "4:03", "motivation"),
        (SCROLLKEEPER, "2:03", "motivation"), (SMART_MUSIC, "6:35", "motivation")]
    assert [(r.company_name, r.at, r.kind, r.over_name) for r in why(graph, "aws")] == [
        (SCHOLARPACK, "20:52", "chose_over", "Google Cloud"), (REMOTE, "42:27", "chose_over", "Google Cloud"),
        (REMOTE, "42:27", "chose_over", "Heroku"), (REMOTE, "42:27", "chose_over", "Microsoft Azure"),
        (SMART_MUSIC, "22:44", "chose_over", "Google Cloud")]
    reasons = why(graph, "nginx")
    assert [(r.company_name, r.at, r.kind, r.over_name, r.text) for r in reasons] == [
        (KERNL, "45:31", "moved_from", "Apache HTTP Server",
         "Switching from Apache to nginx in the middle of a 10 hour car ride with his wife")]
    assert reasons[0].episode.startswith("Kernl.us Helps WordPress") and reasons[0].date == "2020-01-27"


# The five topic lines with "migrations" (no title or description has it), by date.
MIGRATIONS = {(SCHOLARPACK, "19:15"), (SCHOLARPACK, "20:03"), (GORAILS, "25:13"), (VA, "31:16"), (SMART_MUSIC, "37:27")}


def test_search(graph: GraphStore):
    hits = search(graph, "migrations")
    assert {(h.company_name, h.at) for h in hits} == MIGRATIONS and len(hits) == 5
    assert all(h.kind == "topic" for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert {(h.company_name, h.at) for h in search(graph, "MIGRATIONS")} == MIGRATIONS
    # a phrase: "database migrations" in 19:15, 31:16 and 37:27, not 20:03's "database backups … migrations"
    assert {(h.company_name, h.at) for h in search(graph, '"database migrations"')} == {
        (SCHOLARPACK, "19:15"), (VA, "31:16"), (SMART_MUSIC, "37:27")}
    # several words are all required: only 20:03 has both
    assert [(h.company_name, h.at) for h in search(graph, "backups migrations")] == [(SCHOLARPACK, "20:03")]
    assert len(search(graph, "migrations", limit=2)) == 2


def test_search_finds_titles_and_descriptions(graph: GraphStore):
    # "Shopify" is in Openship's title, description and topic lines
    kinds = {(h.kind, h.company_name) for h in search(graph, "shopify")}
    assert ("episode", OPENSHIP) in kinds and ("topic", OPENSHIP) in kinds
    # "car ride" is said in Kernl's description and at 45:31
    assert {(h.kind, h.at) for h in search(graph, '"car ride"')} == {("episode", None), ("topic", "45:31")}


@pytest.mark.parametrize("text", ['C++ && (node.js) || "unclosed', "title:x AND NOT *", "a:b ~1 ^2 [x TO y] {z} \\ /",
                                  "@title:{x} -y | %z%", "'; MATCH (n) DETACH DELETE n //"])
def test_search_syntax_characters_are_only_text(graph: GraphStore, text):
    assert isinstance(search(graph, text), list)
    assert graph.counts()["nodes"]["Topic"] == 562


def test_search_needs_a_word(graph: GraphStore):
    with pytest.raises(ValueError, match="no words"):
        search(graph, ' - "" ')


# -- from the CLI -----------------------------------------------------------------------------------


def test_alternatives_cli(loaded_store):
    rows = list(csv_reader(invoke("alternatives", "aws", "--format", "csv", store=loaded_store, check=True).stdout.splitlines()))
    assert rows[0] == ["name", "technology", "way", "company_name", "company", "episode", "date", "at", "text", "planned"]
    assert len(rows) == 1 + 5 and rows[1][:4] == ["Google Cloud", "gcp", "chose_over", "ScholarPack"]
    [group] = json.loads(invoke("alternatives", "nginx", "--format", "json", "--limit", "1",
                                store=loaded_store, check=True).stdout)
    assert (group["name"], group["way"], group["companies"], group["company_names"]) == (
        "Apache HTTP Server", "moved_from", 1, [KERNL])
    assert group["evidence"][0]["at"] == "45:31"
    csv = invoke("alternatives", "flask", "--format", "csv", store=loaded_store, check=True).stdout.splitlines()
    assert csv[1].startswith("Zope,zope,moved_from,ScholarPack,scholarpack,") and ",4:36," in csv[1]


def test_why_cli(loaded_store):
    rows = json.loads(invoke("why", "ELIXIR", "--format", "json", store=loaded_store, check=True).stdout)
    assert [(r["company_name"], r["at"]) for r in rows] == [(LOGFLARE, "5:35"), (REMOTE, "4:03"), (SCROLLKEEPER, "2:03"),
                                                     (SMART_MUSIC, "6:35")]
    csv = invoke("why", "elixir", "--limit", "1", "--format", "csv", store=loaded_store, check=True).stdout
    assert csv.splitlines()[1].startswith("motivation,,,Logflare,logflare,")  # no technology passed over


def test_search_cli(loaded_store):
    rows = json.loads(invoke("search", "migrations", "--format", "json", store=loaded_store, check=True).stdout)
    assert {(r["company_name"], r["at"]) for r in rows} == MIGRATIONS
    empty = invoke("search", "--", "- ?", store=loaded_store)
    assert empty.exit_code == 1
    assert "no words" in one_line_error(empty)
    assert invoke("alternatives", "elixr", store=loaded_store).exit_code == 1

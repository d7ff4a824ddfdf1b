"""The technology catalog: its data file, tag resolution and mentions in free text.

Expected values are written by hand: tags and topic lines are copied from
data/running-in-production.txt, and the slugs each line names were read off the line.
"""

from __future__ import annotations

import doctest
import re
import tomllib
from pathlib import Path

import pytest

import domain.catalog
from domain.catalog import Catalog, TechnologyEntry

REPO = Path(__file__).resolve().parent.parent
CATALOG_FILE = REPO / "domain" / "catalog.toml"
LISTING = REPO / "data" / "running-in-production.txt"

CATEGORIES = [
    "analytics", "api", "auth", "build-tool", "cache", "cdn", "ci", "cloud-service", "cms",
    "collaboration", "communication", "container", "data", "database", "dev-tool", "dns", "email",
    "error-tracking", "framework", "frontend", "hosting", "infrastructure", "language", "logging",
    "monitoring", "orchestration", "os", "other", "payments", "practice", "queue", "search",
    "security", "storage", "testing", "video", "web-server",
]  # fmt: skip

# Every distinct "slug →" line of the bundled listing, in alphabetical order.
SAMPLE_TAGS = [
    "acm", "angularjs", "ansible", "apollo", "appsignal", "aurora", "aws", "bigquery",
    "bitbucket-pipelines", "bootstrap", "braintree", "caprover", "centos", "circle-ci", "cloudflare",
    "cloudfront", "cloudwatch", "datadog", "digitalocean", "docker", "dotnet-core", "ecs", "eks",
    "elasticache", "elasticsearch", "elixir", "express", "fargate", "flask", "gcp", "github-actions",
    "gitlab-ci", "golang", "graphql", "influxdb", "jenkins", "koa", "kubernetes", "lambda", "laravel",
    "lets-encrypt", "logflare", "mailgun", "mongodb", "mysql", "new-relic", "nextjs", "nginx", "node",
    "open-source", "phoenix", "php", "pingdom", "postgres", "postmark", "prisma", "python", "rails",
    "rds", "react", "redis", "route53", "ruby", "s3", "sendgrid", "sentry", "serverless", "ses", "slack",
    "sns", "stimulusjs", "stripe", "terraform", "turbolinks", "ubuntu", "victorops", "webpack",
    "websockets", "wistia", "zapier", "zope",
]  # fmt: skip

# Tech stacks of some sample episodes, copied from the listing.
SMART_MUSIC = [
    "rails", "ruby", "graphql", "phoenix", "elixir", "aurora", "aws", "braintree", "dotnet-core", "eks",
    "github-actions", "influxdb", "jenkins", "kubernetes", "new-relic", "nginx", "postgres", "react",
    "redis", "s3", "sentry", "ses", "victorops",
]  # fmt: skip
KERNL = [
    "express", "node", "angularjs", "bitbucket-pipelines", "datadog", "digitalocean", "mongodb",
    "pingdom", "postgres", "redis", "s3", "sendgrid", "sentry", "stripe", "ubuntu", "websockets",
]  # fmt: skip
SCROLLKEEPER = [
    "phoenix", "elixir", "react", "acm", "aws", "cloudfront", "docker", "ecs", "gitlab-ci", "lambda",
    "postgres", "route53", "s3", "serverless", "stripe",
]  # fmt: skip
GORAILS = [
    "rails", "ruby", "turbolinks", "stimulusjs", "bootstrap", "braintree", "cloudflare", "digitalocean",
    "lets-encrypt", "nginx", "postgres", "redis", "s3", "stripe", "ubuntu", "webpack", "wistia",
]  # fmt: skip
NOVA = [
    "golang", "laravel", "php", "aws", "circle-ci", "cloudflare", "datadog", "digitalocean", "docker",
    "influxdb", "kubernetes", "lambda", "lets-encrypt", "postgres", "sendgrid", "sentry", "serverless",
    "slack", "stripe", "ubuntu",
]  # fmt: skip
OPENSHIP = [
    "koa", "node", "react", "apollo", "prisma", "caprover", "digitalocean", "mysql", "nextjs",
    "open-source", "postmark", "sentry", "zapier",
]  # fmt: skip


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.default()


@pytest.fixture(scope="module")
def raw() -> dict:
    """The bundled file as plain TOML, to check the data without the code under test."""
    return tomllib.loads(CATALOG_FILE.read_text(encoding="utf-8"))


def loose(spelling: str) -> str:
    """Case, spaces, dots, dashes, underscores and apostrophes do not make a new spelling."""
    return re.sub(r"[\s._'’-]", "", spelling.lower())


# ---- the data file ----------------------------------------------------------------


def test_the_catalog_is_broad(catalog, raw):
    assert len(raw["technology"]) >= 300
    assert len(catalog) == len(raw["technology"])


def test_documented_categories_are_all_used(catalog, raw):
    assert list(raw["categories"]) == CATEGORIES
    assert list(catalog.categories) == CATEGORIES
    assert {table["category"] for table in raw["technology"]} == set(CATEGORIES)


def test_entries_are_sorted_by_category_then_slug(raw):
    order = [(table["category"], table["slug"]) for table in raw["technology"]]
    assert order == sorted(order)


def test_no_spelling_belongs_to_two_technologies(raw):
    owner: dict[str, str] = {}
    for table in raw["technology"]:
        for spelling in {loose(s) for s in [table["slug"], table["name"], *table.get("aliases", [])]}:
            assert spelling not in owner, f"{spelling!r}: {owner.get(spelling)} and {table['slug']}"
            owner[spelling] = table["slug"]


def test_flags_are_written_only_when_true(raw):
    for table in raw["technology"]:
        assert table.get("hosting", True) is True, table["slug"]
        ambiguous = table.get("ambiguous", True)
        assert ambiguous is True or (isinstance(ambiguous, list) and ambiguous), table["slug"]


def test_hosting_providers(catalog):
    providers = {entry.slug for entry in catalog.entries if entry.hosting}
    assert len(providers) >= 20
    assert {"aws", "gcp", "azure", "digitalocean", "heroku", "linode", "hetzner", "fly-io"} <= providers
    assert all(catalog.resolve(slug).category == "hosting" for slug in providers)
    for not_a_provider in ("ec2", "s3", "eks", "lambda", "cloudflare", "fastly", "bigquery"):
        assert not catalog.resolve(not_a_provider).hosting, not_a_provider


def test_everyday_words_are_ambiguous(catalog):
    for slug in ("golang", "express", "spring", "swift", "chef", "puppet", "saltstack", "vault", "consul"):
        assert catalog.resolve(slug).ambiguous, slug
    for slug in ("postgres", "kubernetes", "nginx", "redis", "node", "docker"):
        assert not catalog.resolve(slug).ambiguous, slug


# ---- resolving tags ---------------------------------------------------------------


@pytest.mark.parametrize(
    "tag, slug",
    [
        ("PostgreSQL", "postgres"),
        ("postgresql", "postgres"),
        ("postgres", "postgres"),
        ("pg", "postgres"),
        ("Node.js", "node"),
        ("node-js", "node"),
        ("NodeJS", "node"),
        ("google cloud", "gcp"),
        ("Google Cloud Platform", "gcp"),
        ("GCP", "gcp"),
        ("Digital Ocean", "digitalocean"),
        ("do", "digitalocean"),
        ("k8s", "kubernetes"),
        ("Go", "golang"),
        ("go-lang", "golang"),
        ("Ruby on Rails", "rails"),
        ("RoR", "rails"),
        ("sentry.io", "sentry"),
        (".NET Core", "dotnet-core"),
        ("Let’s Encrypt", "lets-encrypt"),
        ("letsencrypt", "lets-encrypt"),
        ("CircleCI", "circle-ci"),
        ("GitLab CI", "gitlab-ci"),
        ("new_relic", "new-relic"),
        ("Route 53", "route53"),
        ("C++", "cpp"),
        ("C#", "csharp"),
        ("c", "c"),
    ],
)
def test_resolve_any_spelling(catalog, tag, slug):
    assert catalog.resolve(tag).slug == slug


def test_resolve_unknown_is_none(catalog):
    assert catalog.resolve("no-such-technology") is None
    assert catalog.resolve("") is None
    assert "no-such-technology" not in catalog
    assert "Node.js" in catalog


def test_every_stack_tag_of_the_listing_is_known(catalog):
    listed = sorted(set(re.findall(r"^(\S+) →$", LISTING.read_text(encoding="utf-8"), re.MULTILINE)))
    assert listed == SAMPLE_TAGS
    assert catalog.unknown(SAMPLE_TAGS) == []
    assert [catalog.resolve(tag).slug for tag in SAMPLE_TAGS] == SAMPLE_TAGS


def test_the_listings_hosting_providers(catalog):
    assert [tag for tag in SAMPLE_TAGS if catalog.resolve(tag).hosting] == ["aws", "digitalocean", "gcp"]


def test_sample_tags_land_in_the_expected_categories(catalog):
    expected = {
        "postgres": "database", "redis": "cache", "rails": "framework", "golang": "language",
        "cloudflare": "cdn", "s3": "cloud-service", "jenkins": "ci", "sentry": "error-tracking",
        "new-relic": "monitoring", "sendgrid": "email", "stripe": "payments", "ubuntu": "os",
        "docker": "container", "kubernetes": "orchestration", "terraform": "infrastructure",
        "react": "frontend", "webpack": "build-tool", "nginx": "web-server", "wistia": "video",
        "slack": "collaboration", "open-source": "practice", "zapier": "other", "logflare": "logging",
        "elasticsearch": "search", "lets-encrypt": "security", "graphql": "api",
    }  # fmt: skip
    assert {slug: catalog.resolve(slug).category for slug in expected} == expected


def test_technology_for_never_drops_a_tag(catalog):
    assert catalog.technology_for("golang") == catalog.resolve("golang")
    assert catalog.technology_for("golang").name == "Go"
    assert catalog.technology_for("Spotinst Elastigroup") == TechnologyEntry(
        slug="spotinst-elastigroup", name="Spotinst Elastigroup", category="other"
    )
    with pytest.raises(ValueError, match="no letters or digits"):
        catalog.technology_for("→")


def test_unknown_lists_new_slugs_sorted_once(catalog):
    assert catalog.unknown(["postgres", "zz-top", "spotinst", "redis", "zz-top", "Node.js"]) == ["spotinst", "zz-top"]


def test_default_is_read_once(catalog):
    assert Catalog.default() is catalog


# ---- mentions in free text --------------------------------------------------------


@pytest.mark.parametrize(
    "line, stack, slugs",
    [
        ("PostgreSQL, InfluxDB and Redis are used to manage the data and for caching", SMART_MUSIC,
         ["postgres", "influxdb", "redis"]),
        ("Redis is being used as a cache through AWS ElastiCache", SMART_MUSIC, ["redis", "aws", "elasticache"]),
        ("What Rails, Phoenix and .NET Core are being used for", SMART_MUSIC, ["rails", "phoenix", "dotnet-core"]),
        ("Getting rid of Jenkins is the next step but GitHub Actions is a bit insecure currently", SMART_MUSIC,
         ["jenkins", "github-actions"]),
        ("New Relic and the ELK stack take care of metrics and logging", SMART_MUSIC, ["new-relic", "elk-stack"]),
        ("Sentry.io (self hosted version) is being used to track exceptions", SMART_MUSIC, ["sentry", "self-hosted"]),
        ("File uploads are sent directly to S3 using the ex_aws Elixir library", SMART_MUSIC, ["s3", "elixir"]),
        ("Transactional emails are being sent through AWS SES", SMART_MUSIC, ["aws", "ses"]),
        ("Motivation for picking AWS over Google Cloud and other providers", SMART_MUSIC, ["aws", "gcp"]),
        ("Motivation for using Ruby on Rails", [], ["rails"]),
        ("The EC2 instances are running the Amazon Linux 2 AMI", [], ["ec2", "amazon-linux"]),
        ("Motivation for using Express and Node", KERNL, ["express", "node"]),
        ("TJ Holowaychuk created Express and he was a JavaScript legend", KERNL, ["express", "javascript"]),
        ("What about DigitalOcean Spaces? It’s just not stable enough (and I agree)", KERNL,
         ["digitalocean", "digitalocean-spaces"]),
        ("Switching from Apache to nginx in the middle of a 10 hour car ride with his wife", KERNL,
         ["apache", "nginx"]),
        ("AWS ECS, AWS Lambda and a service called Spotinst helps run and scale the app", SCROLLKEEPER,
         ["aws", "ecs", "lambda"]),
        ("nginx isn’t being used because AWS’ API Gateway and load balancers fill that role", SCROLLKEEPER,
         ["nginx", "aws", "api-gateway"]),
        ("Talking a bit about Bootstrap vs Tailwind CSS", GORAILS, ["bootstrap", "tailwindcss"]),
        ("Passenger is being used as the web server (it’s an nginx module)", GORAILS, ["nginx"]),
        ("Passenger isn’t just for Ruby apps, it works with Python and Node too", GORAILS, ["ruby", "python", "node"]),
        ("Let’s Encrypt is still being used on the server for end to end encryption", GORAILS, ["lets-encrypt"]),
        ("Both Stripe and BrainTree are being used as payment gateways", GORAILS, ["stripe", "braintree"]),
        ("Motivation for choosing Golang for the back-end came down to scaling requirements", NOVA, ["golang"]),
        ("It’s sort of like Heroku’s 12 factor guidelines but not really", NOVA, ["heroku", "twelve-factor"]),
        ("There’s an Apollo server and a React front-end with Prisma handling the data layer", OPENSHIP,
         ["apollo", "react", "prisma"]),
        ("The Shopify app is hosted on DigitalOcean using CapRover (self hosted PaaS)", OPENSHIP,
         ["shopify", "digitalocean", "caprover", "self-hosted"]),
    ],
)  # fmt: skip
def test_mentions_in_topic_lines_of_the_listing(catalog, line, stack, slugs):
    assert catalog.mentions(line, stack) == slugs


@pytest.mark.parametrize(
    "text, stack",
    [
        ("We are going to keep going and it has gone well", ["golang"]),
        ("An expressive, reactive API", ["express", "react"]),
        ("Guardrails keep the team on track", []),
        ("Javascripts and Pythonic code", []),
        ("The ex_aws library and the dockerized build", []),
        ("A PostgreSQLish database", []),
    ],
)
def test_mentions_are_whole_words(catalog, text, stack):
    assert catalog.mentions(text, stack) == []


def test_a_dash_before_a_name_joins_it_to_the_word_before(catalog):
    assert catalog.mentions("A multi-node AWS ECS cluster") == ["aws", "ecs"]
    assert catalog.mentions("A React-based UI", ["react"]) == ["react"]


def test_ambiguous_names_need_the_stack(catalog):
    text = "Written in Go, deployed with Chef and Vault, front-end in React and Express"
    assert catalog.mentions(text) == []
    assert catalog.mentions(text, ["golang", "chef", "react"]) == ["golang", "chef", "react"]
    assert catalog.mentions(text, ["Go", "HashiCorp Vault"]) == ["golang", "vault"]


def test_only_the_everyday_spellings_need_the_stack(catalog):
    text = "Golang on the back-end, EmberJS and ReactJS in front, HashiCorp Vault for secrets"
    assert catalog.mentions(text) == ["golang", "emberjs", "react", "vault"]
    assert catalog.mentions("Let's go with Ember, React and the vault") == []
    assert catalog.mentions("Let's go with Ember", ["golang", "emberjs"]) == ["golang", "emberjs"]
    assert catalog.mentions("Cooking with Chef") == []  # every spelling of chef is an everyday word


def test_an_ambiguous_spelling_must_be_one_of_the_entry(tmp_path):
    path = tmp_path / "catalog.toml"
    path.write_text(
        '[categories]\nother = "x"\nlanguage = "x"\n\n[[technology]]\nslug = "golang"\nname = "Go"\n'
        'category = "language"\nambiguous = ["golf"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"technology #1 \(golang\): ambiguous names \['golf'\]"):
        Catalog.from_path(path)


def test_short_aliases_are_never_found_in_text(catalog):
    assert catalog.mentions("What to do with PG and JS", ["digitalocean", "postgres", "javascript"]) == []


def test_curly_and_straight_apostrophes(catalog):
    assert catalog.mentions("Let’s Encrypt, then Let's Encrypt again, then LetsEncrypt") == ["lets-encrypt"]
    assert catalog.mentions("Handling bots with nginx’s allow / deny feature") == ["nginx"]
    assert catalog.mentions("Dead Man’s Snitch pings on every cron job") == ["dead-mans-snitch"]


def test_the_longest_spelling_wins(catalog):
    assert catalog.mentions("GitHub Actions, then GitHub") == ["github-actions", "github"]
    assert catalog.mentions("Phoenix LiveView", ["phoenix"]) == ["phoenix-liveview"]
    assert catalog.mentions("React Native and Spring Boot") == ["react-native", "spring-boot"]
    assert catalog.mentions("Docker Compose in dev, Docker Swarm in production") == ["docker-compose", "docker-swarm"]


def test_a_provider_prefix_names_the_provider_too(catalog):
    assert catalog.mentions("Google Cloud Run and Azure Functions") == ["gcp", "cloud-run", "azure", "azure-functions"]
    assert catalog.mentions("Heroku Postgres") == ["heroku", "heroku-postgres"]
    # "lambda" alone is an everyday word, "AWS Lambda" is not.
    assert catalog.mentions("AWS Lambda") == ["aws", "lambda"]
    assert catalog.mentions("A lambda function") == []
    assert catalog.mentions("A lambda function", ["lambda"]) == ["lambda"]
    assert catalog.mentions("Amazon Web Services and Google Cloud Platform") == ["aws", "gcp"]


def test_mentions_keep_first_appearance_order_without_repeats(catalog):
    text = "Redis, then PostgreSQL, then redis again and Postgres once more; node.js, Node JS, nodejs"
    assert catalog.mentions(text) == ["redis", "postgres", "node"]


def test_spellings_across_a_line_break(catalog):
    assert catalog.mentions("hosted on Google\nCloud with New\nRelic") == ["gcp", "new-relic"]


def test_the_docstring_examples_hold():
    results = doctest.testmod(domain.catalog)
    assert results.attempted >= 10
    assert results.failed == 0


# ---- malformed catalog files ------------------------------------------------------

GOOD_HEAD = """
[categories]
database = "databases"
other = "anything else"

[[technology]]
slug = "postgres"
name = "PostgreSQL"
category = "database"
aliases = ["postgresql", "pg"]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "catalog.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_small_catalog_file_loads(tmp_path):
    catalog = Catalog.from_path(write(tmp_path, GOOD_HEAD))
    assert len(catalog) == 1
    assert catalog.resolve("PG") == TechnologyEntry("postgres", "PostgreSQL", "database", ("postgresql", "pg"))
    assert catalog.mentions("Postgres and PostgreSQL") == ["postgres"]


def test_the_longest_spelling_wins_where_separators_differ(tmp_path):
    # "Code Ship" and "Codeship Pro" part ways after "code": one goes on with a space.
    path = write(tmp_path, GOOD_HEAD + """
[[technology]]
slug = "code-ship"
name = "Code Ship"
category = "other"

[[technology]]
slug = "codeship-pro"
name = "Codeship Pro"
category = "other"
""")
    assert Catalog.from_path(path).mentions("Codeship Pro, then Code Ship") == ["codeship-pro", "code-ship"]


@pytest.mark.parametrize(
    "extra, message",
    [
        ('[[technology]]\nslug = "mysql"\ncategory = "database"\n', r"technology #2 \(mysql\): missing field name"),
        ('[[technology]]\nname = "MySQL"\ncategory = "database"\n', r"technology #2 \(no slug\): missing field slug"),
        ('[[technology]]\nslug = "redis"\nname = "Redis"\ncategory = "cache"\n', r"redis: unknown category 'cache'"),
        ('[[technology]]\nslug = "postgres"\nname = "Postgres 2"\ncategory = "database"\n',
         r"duplicate slug 'postgres'"),
        ('[[technology]]\nslug = "pgsql"\nname = "PG SQL"\ncategory = "database"\naliases = ["PostgreSQL"]\n',
         r"pgsql: spelling 'PostgreSQL' already belongs to 'postgres'"),
        ('[[technology]]\nslug = "pg"\nname = "Pg"\ncategory = "database"\n',
         r"pg: spelling 'pg' already belongs to 'postgres'"),
        ('[[technology]]\nslug = "mysql"\nname = "MySQL"\ncategory = "database"\nhostng = true\n',
         r"\(mysql\): unknown field hostng"),
        ('[[technology]]\nslug = "mysql"\nname = "MySQL"\ncategory = "database"\nhosting = "yes"\n',
         r"\(mysql\): hosting must be a bool"),
        ('[[technology]]\nslug = "mysql"\nname = "MySQL"\ncategory = "database"\naliases = "my"\n',
         r"\(mysql\): aliases must be a list"),
        ('[[technology]]\nslug = "MySQL DB"\nname = "MySQL"\ncategory = "database"\n',
         r"\(MySQL DB\): slug must be lowercase"),
        ('[[technology]]\nslug = "mysql"\nname = "MySQL"\ncategory = "database"\naliases = ["..."]\n',
         r"mysql: spelling '...' has no letters or digits"),
        ("[[technology]\n", r"not valid TOML"),
    ],
)  # fmt: skip
def test_a_bad_entry_is_reported_with_file_and_entry(tmp_path, extra, message):
    path = write(tmp_path, GOOD_HEAD + extra)
    with pytest.raises(ValueError, match=message) as raised:
        Catalog.from_path(path)
    assert str(raised.value).startswith(str(path))


def test_a_catalog_needs_the_other_category(tmp_path):
    path = write(tmp_path, GOOD_HEAD.replace('other = "anything else"\n', ""))
    with pytest.raises(ValueError, match=r"\[categories\] must include 'other'"):
        Catalog.from_path(path)


def test_a_catalog_needs_technologies(tmp_path):
    path = write(tmp_path, '[categories]\nother = "anything"\n')
    with pytest.raises(ValueError, match=r"no \[\[technology\]\] tables"):
        Catalog.from_path(path)

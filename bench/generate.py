"""Write a synthetic "Running in Production" listing with N episodes, deterministic for a seed.

The text format is the bundled listing's (data/running-in-production.txt): a podcast
header, then per episode a "Mon D, YYYY • 56min" line, a title naming the company
("X Helps …" / "X Is a …"), a description introducing one or two guests ("In this
episode of Running in Production, A and B talk about …") wrapped at ~78 columns,
"Topics Include" with timestamped lines (some wrapped onto a second line), "Links",
"📄 References", "⚙️ Tech Stack" (slug →), "🛠 Libraries Used" and the "Support the
Show" boilerplate.

Technology popularity is Zipf-like over the catalog (weight 1/rank**s over a seeded
shuffle of ``Catalog.default().entries``), 5 to 25 technologies per episode. The file is
written episode by episode: memory does not grow with N.

    .venv/bin/python -m bench.generate 10000 /tmp/listing-10k.txt --seed 1
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import random
import textwrap
from pathlib import Path
from typing import TextIO

from domain.catalog import Catalog, TechnologyEntry

ZIPF_S = 1.1
MIN_TECH, MAX_TECH = 5, 25
MIN_TOPICS, MAX_TOPICS = 10, 30

HEADER = """

Running in Production
Nick Janetakis - Full stack developer
Hear about how folks are running their web apps in production. We'll cover tech choices, why they chose them, lessons learned and more.
Episodes
Mentioned books
"""

SUPPORT = """Support the Show
This episode does not have a sponsor and this podcast is a labor of love. If
you want to support the show, the best way to do it is to purchase one of my
courses or suggest one to a friend.
Dive into Docker is a video course that takes you from not knowing what Docker is
to being able to confidently use Docker and Docker Compose for your own apps.
Long gone are the days of "but it works on my machine!". A bunch of follow
along labs are included.
Build a SAAS App with Flask is a video course where we build a real
world SAAS app that accepts payments, has a custom admin, includes high test
coverage and goes over how to implement and apply 50+ common web app features.
There's over 20+ hours of video.
"""

_SYLLABLES = (
    "ka ro mi zen tor va lu qui ne sol bar fen dra mo pix tal ver quo hex ryn "
    "cor dal ess fir gan hol jin kel mar nov pel rix sav tem ul wex yor zan"
).split()
_COMPANY_SUFFIX = ("", "", "", " Labs", " Cloud", " HQ", " Systems", " Works", ".io", " Health", " Pay")
_FIRST = (
    "Ann Bo Cy Dana Eli Fay Gus Hana Ivan Jo Kai Lena Max Nia Omar Pia Quinn Rosa Sam Tess "
    "Uma Vic Wes Xena Yuri Zoe Julien Charley Chris Adam Maria Priya Kenji Lars Amara"
).split()
_LAST = (
    "Lee Chan Diaz Blanchard Stran Novak Okafor Silva Berg Kowalski Tanaka Moreau Rossi Haddad "
    "Nguyen Patel Schmidt Jensen Costa Ivanova Murphy Walsh Keller Sato Lindqvist Brooks"
).split()
_HELPS = (
    "Helps Musicians Practice More Efficiently",
    "Helps Teams Ship Software Faster",
    "Helps Small Businesses Get Paid",
    "Helps Developers Monitor Their Apps",
    "Helps Schools Run Online Classes",
)
_IS_A = (
    "Is a Marketplace for Freelance Designers",
    "Is a Platform for Booking Fitness Classes",
    "Is a Video Course Platform",
    "Is a SaaS App for Managing Invoices",
    "Is a Service to Track Shipments",
)
_TOPIC_FORMS = (
    "Motivation for using {a}",
    "{a} and {b} are used to manage the data and for caching",
    "Why {a} was picked over other options",
    "{a} is being used in production with {b}",
    "Walking us through a code deploy from development to production",
    "About {n} developers work on all of the different parts of the site",
    "Dealing with big database migrations with scheduled down time",
    "Best tips? Make a solid proof of concept in your new tech before switching to it fully",
    "Handling background jobs with {a} (roughly {n}k jobs a day at peak times)",
    "Biggest mistake? Trying to use your old coding habits in a different language",
)
_WRAP_TAILS = (
    "and how that decision played out over the first couple of years in production",
    "which turned out to be a lot easier than expected once everything was set up",
)
_DOMAINS = ("en.wikipedia.org/wiki", "martinfowler.com/bliki", "guides.example.org", "blog.example.com", "docs.example.dev")


class _Zipf:
    """Sample distinct catalog entries with Zipf-like weights over a seeded popularity order."""

    def __init__(self, entries: tuple[TechnologyEntry, ...], rng: random.Random, s: float = ZIPF_S):
        self.entries = list(entries)
        rng.shuffle(self.entries)
        self.cumulative = list(itertools.accumulate(1.0 / (rank**s) for rank in range(1, len(self.entries) + 1)))

    def sample(self, rng: random.Random, k: int) -> list[TechnologyEntry]:
        chosen: dict[str, TechnologyEntry] = {}
        total = self.cumulative[-1]
        while len(chosen) < k:
            entry = self.entries[bisect.bisect(self.cumulative, rng.random() * total)]
            chosen.setdefault(entry.slug, entry)
        return list(chosen.values())


def company_name(rng: random.Random) -> str:
    """A capitalized made-up name ("Kalmar Labs", "Zentor.io") that is no catalog spelling."""
    word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
    suffix = rng.choice(_COMPANY_SUFFIX)
    if rng.random() < 0.25:
        word += " " + "".join(rng.choice(_SYLLABLES) for _ in range(2)).capitalize()
    return word + suffix


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"


def _stamp(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _duration(minutes: int) -> str:
    hours, mins = divmod(minutes, 60)
    return f"{hours}h {mins}min" if hours else f"{mins}min"


def write_episode(out: TextIO, rng: random.Random, zipf: _Zipf, number: int, date: dt.date) -> None:
    company = company_name(rng)
    title = f"{company} {rng.choice(_HELPS if rng.random() < 0.5 else _IS_A)}"
    guests = [person_name(rng) for _ in range(1 if rng.random() < 0.7 else 2)]
    stack = zipf.sample(rng, rng.randint(MIN_TECH, MAX_TECH))
    names = [entry.name for entry in stack]
    minutes = rng.randint(30, 95)

    if len(guests) == 1:
        intro = f"In this episode of Running in Production, {guests[0]} goes over building {company} which uses"
    else:
        intro = f"In this episode of Running in Production, {guests[0]} and {guests[1]} talk about building {company} which uses"
    description = (
        f"{intro} {', '.join(names[:3])} and more. It has roughly {rng.randint(2, 900)} thousand users "
        f"and it's been up and running since {rng.randint(2008, 2020)}.\n\n"
        f"There's around {rng.randint(1, 60)} developers working on the project. We talked about "
        f"{', '.join(names[3:8]) or 'deploying'} and tons more."
    )

    out.write(f"\n{date.strftime('%b')} {date.day}, {date.year} • {_duration(minutes)}\n{title}\n")
    for paragraph in description.split("\n\n"):
        out.write(textwrap.fill(paragraph, 78) + "\n")
    out.write("Topics Include\n")
    offset = rng.randint(60, 200)
    for _ in range(rng.randint(MIN_TOPICS, MAX_TOPICS)):
        a, b = rng.choice(names), rng.choice(names)
        text = rng.choice(_TOPIC_FORMS).format(a=a, b=b, n=rng.randint(2, 40))
        out.write(f"{_stamp(offset)} – {text}\n")
        if rng.random() < 0.1:  # a topic wrapped onto a second line
            out.write(rng.choice(_WRAP_TAILS) + "\n")
        offset += rng.randint(20, 150)
    out.write("Links\n📄 References\n")
    for index in range(rng.randint(2, 10)):
        note = " (a talk about it)" if rng.random() < 0.1 else ""
        out.write(f"https://{rng.choice(_DOMAINS)}/{number}-{index}-{rng.randint(0, 10**6)}{note}\n")
    out.write("⚙️ Tech Stack\n")
    for entry in stack:
        out.write(f"{entry.slug} →\n")
    out.write("🛠 Libraries Used\n")
    for _ in range(rng.randint(0, 4)):
        out.write(f"https://github.com/lib{rng.randint(0, 4999)}/lib{rng.randint(0, 99)}\n")
    out.write(SUPPORT)


def generate(path: str | Path, episodes: int, seed: int = 1, catalog: Catalog | None = None) -> Path:
    """Write ``episodes`` episodes to ``path`` (newest first, one week apart) and return it."""
    rng = random.Random(seed)
    zipf = _Zipf((catalog or Catalog.default()).entries, rng)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    start = dt.date(2020, 2, 10)
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write(HEADER)
        for number in range(episodes):
            # Distinct titles need distinct dates only when the company repeats; days apart keep ids unique.
            write_episode(out, rng, zipf, number, start - dt.timedelta(days=number))
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("episodes", type=int)
    parser.add_argument("path")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    path = generate(args.path, args.episodes, args.seed)
    print(f"{path}: {args.episodes} episodes, {path.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()

"""Hostile and unusual listings (issue 17): bounded work, the check pass rejects what the write would,
what is checked is what is written, and any way of reading a file works.

Timings are generous bounds ("well under a second" for a 100 KB line that used to take tens of
seconds), not measurements: bench/ measures.
"""

from __future__ import annotations

import time

import pytest

from domain.catalog import Catalog
from loaders.companies import company_from_text
from loaders.decisions import decisions_in
from loaders.guesses import guess_technology
from loaders.guests import guests_from_description
from loaders.libraries import library_from_url
from loaders.listing import ListingError, PodcastHeader, parse_listing

LINE = 100_000  # characters of a pathological line
BOUND_S = 1.0


def timed(call, *args):
    """``call(*args)``, failing when it takes a second of CPU or more (CPU time: other work on the
    machine does not count)."""
    start = time.process_time()
    result = call(*args)
    elapsed = time.process_time() - start
    assert elapsed < BOUND_S, f"{elapsed:.2f} s of CPU"
    return result


def episode(*body: str, header: str = "Feb 3, 2020 • 47min") -> list[str]:
    return [header, "Acme Is a Rocket Shop", "Ann Lee goes over Acme.", *body]


def parsed(lines: list[str]):
    """The episodes and invalid episodes of a listing, without its podcast header."""
    return [item for item in parse_listing(lines, "hostile.txt", collect_errors=True) if not isinstance(item, PodcastHeader)]


# --- item 6: every pattern a line goes through is linear in the line's length ---

def test_a_long_line_of_digits_before_a_bullet_is_not_an_episode_header():
    # Used to be 41 s for a 40 KB file: the header regex backtracked over the digits.
    lines = ["1" * LINE + " • 1x", *episode()]
    [item] = timed(parsed, lines)
    assert item.title == "Acme Is a Rocket Shop"


def test_a_long_line_of_spaces_in_a_header_is_read_like_a_short_one():
    [item] = timed(parsed, ["Feb 3, 2020" + " " * LINE + "• 1h" + " " * LINE + "2min", "A Title", "Text"])
    assert item.duration_s == 3720


def test_a_long_intro_without_a_comma_names_no_guest():
    assert timed(guests_from_description, "In this episode of a b " * (LINE // 23)) == []
    assert timed(guests_from_description, "In this episode of a, b " * (LINE // 24)) == []


def test_a_title_with_a_long_run_of_dots_names_no_long_company():
    title = "A" + "." * 30_000 + "b Helps People"
    assert timed(company_from_text, title, "").inferred


def test_a_long_company_name_is_not_compared_with_the_description():
    name = "A" * (LINE // 2)
    assert timed(company_from_text, f"Rockets for {name}", name * 2).inferred


def test_a_go_package_url_of_slashes_is_read_once():
    library = timed(library_from_url, "https://pkg.go.dev" + "/" * LINE + "x/")
    assert library.id == "go:" + "/" * (LINE - 1) + "x"


def test_a_stack_tag_followed_by_a_long_run_of_spaces():
    [item] = timed(parsed, episode("⚙️ Tech Stack", "a" + " " * LINE + "b →"))
    assert item.stack == ["a" + " " * LINE + "b"]


def test_a_reference_with_a_long_note():
    [item] = timed(parsed, episode("📄 References", "https://x.io a" + " " * LINE + "b"))
    assert [(r.url, r.note) for r in item.references] == [("https://x.io", "a" + " " * LINE + "b")]


@pytest.mark.parametrize("text", [
    "replace " * (LINE // 8),
    "after looking at " * (LINE // 17),
    "switching from " * (LINE // 15),
    "choosing reason " * (LINE // 16),
    "replace it" + " " * LINE + "replaces what",
], ids=["replaced-with", "after-weighing", "moved-from-to", "came-down-to", "replaces-what"])
def test_a_decision_verb_repeated_along_a_line(text):
    assert timed(decisions_in, text, Catalog.default(), set()) == []


def test_an_unknown_tag_named_all_along_a_text():
    text = "Zorg runs on Zorg " * (LINE // 18)
    assert timed(guess_technology, "zorg", [text, "." * LINE + "!"]).slug == "zorg"

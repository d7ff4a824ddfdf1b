"""Extraction on episodes the code has never seen: listings and feed items written here, not copied.

Each test is one class of text the heuristics must hold on (any verb after a guest's name, a
one-name guest, a lowercase brand, a title ending "at X", a company named only in the
description …), with the values a person reads off the text.
"""

from __future__ import annotations

import pytest

from domain.catalog import Catalog
from loaders.companies import CompanyName, company_from_text
from loaders.guests import guests_from_description

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

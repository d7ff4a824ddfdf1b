"""What the bundled listing (data/running-in-production.txt) loads into, worked out by hand.

Summed over the ten episodes: stack sizes 23+16+16+15+17+17+9+17+20+13, topics
50+40+51+58+50+44+38+77+90+64, references 10+11+6+6+6+9+4+15+10+13 (83 distinct URLs),
libraries 3+2+1+3+2+11+1+5+0+1 (28 distinct; ex_aws twice).

Decisions: 29 stated in 21 topic lines (tests/test_decisions.py lists them): 18 motivations, 5
choices, 5 moves and 1 comparison; each MADE by its company and STATED by its topic, CHOSE one
technology (the comparison WEIGHED two), and the 10 choices and moves have an OVER.

Technologies are left out: 81 stack tags, and more that the catalog finds in topics.
"""

from __future__ import annotations

EXPECTED_NODES = {"Podcast": 1, "Episode": 10, "Person": 11, "Company": 10, "Topic": 562, "Link": 83, "Library": 28,
                  "HostingProvider": 3, "Decision": 29}
EXPECTED_RELATIONSHIPS = {"HAS_EPISODE": 10, "HOSTS": 1, "APPEARED_ON": 10, "WORKS_ON": 10, "FEATURES": 10,
                          "USES": 163, "HOSTED_ON": 11, "HAS_TOPIC": 562, "REFERENCES": 90, "USES_LIBRARY": 29,
                          "MADE": 29, "STATES": 29, "CHOSE": 28, "OVER": 10, "WEIGHED": 2}


def assert_full_listing(counts: dict[str, dict[str, int]]) -> None:
    """``counts`` (a store's ``counts()``) hold the whole bundled listing, every label and type as worked out."""
    for label, n in EXPECTED_NODES.items():
        assert counts["nodes"].get(label) == n, label
    for rel_type, n in EXPECTED_RELATIONSHIPS.items():
        assert counts["relationships"].get(rel_type) == n, rel_type

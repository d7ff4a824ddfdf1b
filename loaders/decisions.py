"""Technology decisions in what an episode says: what was chosen over what, moved from what, compared.

A topic line, or a sentence of the description, becomes zero or more :class:`Decision` s between
catalog technologies:

- **chose_over**: "X over Y", "X instead of Y", "on X instead of Y", "X rather than Y", "after
  looking at Y, Z and others - X looked good" (one decision for each of Y and Z);
- **moved_from**: "switching/moved/migrating from Y to X", "switch to X" with Y named before it on
  the line, "replaced Y with X", "X replaces what Y used to do";
- **compared**: "X vs Y", "X versus Y", when the line states no winner of the two;
- **motivation**: "Motivation for (using|picking|rewriting in …) X", "Reasons for going with X",
  "why X", "choosing X came down to …".

X and Y must be named right next to the words that make the decision ("picking AWS over Google
Cloud"): a line that merely holds the words ("Taking over the old site", "over SSH", "context
switch", "Why exactly isn't Docker used?") says nothing decided. A move the line puts in the future
("wants to switch to Kubernetes eventually") is kept and marked ``planned``.

>>> catalog = Catalog.default()
>>> decisions_in("Motivation for picking AWS over Google Cloud and other providers", catalog, set())
[Decision(kind='chose_over', chosen='aws', other='gcp', planned=False)]
>>> decisions_in("Not super happy with AWS ECS and he wants to switch to Kubernetes eventually", catalog, set())
[Decision(kind='moved_from', chosen='kubernetes', other='ecs', planned=True)]
>>> decisions_in("Taking over the old remote.com site and rebuilding it from scratch", catalog, set())
[]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.catalog import Catalog
from graph.model import GraphDocument, Node, Relationship
from graph.store import GraphStore

CHOSE_OVER, MOVED_FROM, COMPARED, MOTIVATION = "chose_over", "moved_from", "compared", "motivation"

# A technology is named within this many words of the words that make the decision.
_WINDOW = 4
# A phrase between the words of a pattern: one to twelve words, as few as will do. An unbounded
# ".+?" would scan to the end of the line from every verb that starts one. Whitespace is matched
# possessively ("\s++"): giving back a space never helps a word match, and trying would scan a
# long run of spaces again from each of its positions. Words are possessive too: a phrase ends
# where a word does (a comma stays with its word, hence the look-behind after "others").
_PHRASE = r"\S++(?:\s++\S++){0,11}?"

_MOVE_VERB = r"(?:switch(?:es|ed|ing)?|mov(?:e|es|ed|ing)|migrat(?:e|es|ed|ing))"
_MOVED_FROM_TO = re.compile(rf"\b{_MOVE_VERB}\s++from\s++(?P<previous>{_PHRASE})\s++to\s++(?P<chosen>.+)", re.I)
_MOVED_TO = re.compile(rf"\b{_MOVE_VERB}\s+(?:over\s+)?to\s+(?P<chosen>.+)", re.I)
_REPLACED_WITH = re.compile(rf"\breplac(?:e|es|ed|ing)\s++(?P<previous>{_PHRASE})\s++with\s++(?P<chosen>.+)", re.I)
_REPLACES_WHAT = re.compile(rf"(?<!\s)\s++replaces\s++what\s++(?P<previous>{_PHRASE})\s++used\s++to\b", re.I)
_AFTER_WEIGHING = re.compile(
    rf"\bafter\s++(?:looking\s++at|evaluating|comparing|considering|trying(?:\s++out)?)\s++(?P<others>{_PHRASE})"
    r"(?:\s[-–—]\s|(?<=,)\s*+(?:they|we|he|she)\s++(?:went\s++with|chose|picked|settled\s++on)\s)(?P<chosen>.+)", re.I)
_OVER = re.compile(r"\s(?:over|instead\s+of|rather\s+than)\s", re.I)
_VERSUS = re.compile(r"\s(?:vs\.?|versus)\s", re.I)
_MOTIVATION = re.compile(r"\b(?:motivations?|reasons?)\s+for\s+(?P<chosen>.+)", re.I)
_WHY = re.compile(r"\bwhy\s+(?P<chosen>.+)", re.I)
_CAME_DOWN_TO = re.compile(r"\b(?:choos(?:e|es|ing)|chose|pick(?:s|ed|ing)?|go(?:ing)?\s++with|went\s++with)\s++"
                           rf"(?P<chosen>{_PHRASE})\s++came\s++down\s++to\b", re.I)

# A word every pattern above needs: most lines have none and are passed over at the cost of one search.
_ANY_DECISION = re.compile(r"\b(?:over|instead|rather|after|switch|mov|migrat|replac|vs|versus|motivation|reason|"
                           r"why|came\s+down)", re.I)

# Where the phrase naming a technology next to a decision ends.
_CLAUSE_BREAK = re.compile(r"[,;:()?!]|\s[–—-]\s|\s(?:and|or|but|for|with|because|in|to|came\s+down\s+to)\s", re.I)
# Where the technologies a motivation is for end ("… for the data ingesting app", "… came down to …").
_MOTIVE_END = re.compile(r"[,;:()?!]|\s[–—-]\s|\s(?:for|because|came\s+down\s+to|was|is|are)\s", re.I)
# Words before the technology a phrase starts with: "switch to using now.sh", "over the Zope one".
_FILLER = frozenset({"using", "the", "a", "an"})
_PLANNED = re.compile(r"\b(?:wants?\s+to|plans?\s+to|planning|eventually|may|might|will|going\s+to|someday|"
                      r"on\s+the\s+horizon|thinking\s+about)\b", re.I)


@dataclass(frozen=True)
class Decision:
    """One decision a line states: ``chosen`` (for ``compared``, the first named) and ``other``,
    the rejected, previous or compared technology (None for a motivation)."""

    kind: str
    chosen: str
    other: str | None = None
    planned: bool = False

    def key(self, evidence_key: str) -> str:
        """Natural key: the evidence (a topic, or an episode for its description), the kind and the technologies.

        >>> Decision(MOVED_FROM, "nginx", "apache").key("2020-01-27-kernl@2731")
        '2020-01-27-kernl@2731/moved_from/nginx/apache'
        """
        return "/".join([evidence_key, self.kind, self.chosen] + ([self.other] if self.other else []))


class _Finder:
    """The catalog technologies named in pieces of one line (ambiguous names only when listed)."""

    def __init__(self, catalog: Catalog, listed: set[str]):
        self.catalog, self.listed = catalog, listed

    def named(self, text: str) -> list[str]:
        return self.catalog.mentions_listed(text, self.listed)

    def leading(self, text: str) -> str | None:
        """The technology the first words of ``text`` name (after fillers), or None."""
        words = _CLAUSE_BREAK.split(text, maxsplit=1)[0].split()
        while words and words[0].lower() in _FILLER:
            words = words[1:]
        best = None
        for n in range(1, min(_WINDOW, len(words)) + 1):
            found = self.named(" ".join(words[:n]))
            # The first word must be part of the name ("exactly isn't Docker" names nothing first);
            # the longest name wins ("GitHub Actions", not GitHub).
            if found and found[0] not in self.named(" ".join(words[1:n])):
                best = found[0]
        return best

    def trailing(self, text: str) -> str | None:
        """The technology the last words of ``text`` name, or None."""
        words = _CLAUSE_BREAK.split(text)[-1].split()
        best = None
        for n in range(1, min(_WINDOW, len(words)) + 1):
            found = self.named(" ".join(words[-n:]))
            if found and found[-1] not in self.named(" ".join(words[-n:-1])):
                best = found[-1]
        return best


def decisions_in(text: str, catalog: Catalog, listed: set[str]) -> list[Decision]:
    """The decisions one line states, in the order above; ``listed`` are the episode's stack slugs.

    A choice or a move makes a comparison of the same two technologies, and any motivation on
    the line, part of it: "Zope vs Flask and the main reason they wanted to move to Flask" is
    one move.

    >>> catalog = Catalog.default()
    >>> decisions_in("Zope vs Flask and the main reason they wanted to move to Flask", catalog, set())
    [Decision(kind='moved_from', chosen='flask', other='zope', planned=False)]
    >>> decisions_in("Motivation for using Phoenix and Elixir", catalog, {"phoenix"})
    [Decision(kind='motivation', chosen='phoenix', other=None, planned=False), Decision(kind='motivation', chosen='elixir', other=None, planned=False)]
    """
    if not _ANY_DECISION.search(text):
        return []
    finder = _Finder(catalog, listed)
    planned = bool(_PLANNED.search(text))
    found: list[Decision] = []

    def add(kind: str, chosen: str | None, other: str | None) -> None:
        if chosen and other and chosen != other:
            decision = Decision(kind, chosen, other, planned)
            if decision not in found:
                found.append(decision)

    for marker in _OVER.finditer(text):
        add(CHOSE_OVER, finder.trailing(text[: marker.start()]), finder.leading(text[marker.end():]))
    for match in _AFTER_WEIGHING.finditer(text):
        chosen = finder.leading(match["chosen"])
        for other in finder.named(match["others"]):
            add(CHOSE_OVER, chosen, other)
    for match in _MOVED_FROM_TO.finditer(text):
        add(MOVED_FROM, finder.leading(match["chosen"]), finder.leading(match["previous"]))
    for match in _REPLACED_WITH.finditer(text):
        add(MOVED_FROM, finder.leading(match["chosen"]), finder.leading(match["previous"]))
    for match in _REPLACES_WHAT.finditer(text):
        subject = _CLAUSE_BREAK.split(text[: match.start()])[-1]
        add(MOVED_FROM, next(iter(finder.named(subject)), None), finder.leading(match["previous"]))
    if not any(d.kind == MOVED_FROM for d in found):
        for match in _MOVED_TO.finditer(text):
            chosen = finder.leading(match["chosen"])
            for previous in _named_before(finder, text[: match.start()]):
                add(MOVED_FROM, chosen, previous)
    decided = {frozenset((d.chosen, d.other)) for d in found}
    for marker in _VERSUS.finditer(text):
        first, second = finder.trailing(text[: marker.start()]), finder.leading(text[marker.end():])
        if first and second and frozenset((first, second)) not in decided:
            found.append(Decision(COMPARED, first, second))
    if found:
        return found
    motives = [match["chosen"] for pattern in (_MOTIVATION, _CAME_DOWN_TO) for match in pattern.finditer(text)]
    motivated = [slug for motive in motives for slug in finder.named(_MOTIVE_END.split(motive, maxsplit=1)[0])]
    motivated += [slug for match in _WHY.finditer(text) if (slug := finder.leading(match["chosen"]))]
    return [Decision(MOTIVATION, slug) for slug in dict.fromkeys(motivated)]


def add_decision(doc: GraphDocument, decision: Decision, evidence: tuple[str, str], company_key: str, catalog: Catalog,
                 *, sentence: str | None = None) -> None:
    """The decision as a node of its own: the company MADE it, it CHOSE one technology OVER the
    other (a comparison WEIGHED both), and its evidence STATES it: a topic (label and key), or the
    episode, whose description says it in ``sentence``."""
    evidence_label, evidence_key = evidence
    key = decision.key(evidence_key)
    doc.add_node(Node("Decision", key, {"kind": decision.kind, "planned": decision.planned}))
    doc.add_relationship(Relationship("MADE", "Company", company_key, "Decision", key))
    doc.add_relationship(Relationship("STATES", evidence_label, evidence_key, "Decision", key,
                                      {"sentence": sentence} if sentence else {}))
    ends = [(decision.chosen, "WEIGHED" if decision.kind == COMPARED else "CHOSE")]
    if decision.other:
        ends.append((decision.other, "WEIGHED" if decision.kind == COMPARED else "OVER"))
    for slug, rel_type in ends:
        entry = catalog.technology_for(slug)
        doc.add_node(Node("Technology", entry.slug, {"name": entry.name, "category": entry.category}))
        doc.add_relationship(Relationship(rel_type, "Decision", key, "Technology", entry.slug))


def forget_unstated(store: GraphStore) -> None:
    """Delete the decisions nothing states any more: an episode written again replaces its topics,
    and a decision only its old topic line stated would stay behind."""
    store.run("MATCH (d:Decision) WHERE NOT ()-[:STATES]->(d) DETACH DELETE d", write=True)


def _named_before(finder: _Finder, text: str) -> list[str]:
    """What a move named earlier on the line leaves: "AWS ECS" names the provider and its service,
    and the move leaves the service (ECS), not the provider."""
    named = finder.named(text)
    services = [slug for slug in named if not _is_hosting(finder.catalog, slug)]
    return services or named


def _is_hosting(catalog: Catalog, slug: str) -> bool:
    entry = catalog.by_slug(slug)
    return entry is not None and entry.hosting

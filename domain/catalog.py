"""The technology catalog: what a stack tag or a name in free text refers to.

The catalog is a data file, ``domain/catalog.toml``: one entry per technology with its
canonical slug, display name, category, other spellings (aliases), and two flags:
``hosting`` (a provider a company runs its servers on) and ``ambiguous`` (its name, or the
spellings listed, are everyday words, so free text counts them only when the episode's own
stack lists the technology).

Spellings are compared by :func:`spelling_key`, which ignores case, spaces, dots, dashes,
underscores and apostrophes: "PostgreSQL", "postgresql" and "Postgre SQL" are one
spelling, as are "Node.js", "node-js" and "NodeJS".

Finding mentions in free text follows four rules:

- whole words only: "go" is not found in "going", "node" not in "multi-node";
- the longest spelling wins: "GitHub Actions" is github-actions, not github, and
  "Ruby on Rails" is rails alone (the phrase names the framework; ruby, when the company
  uses it, comes from the stack);
- a spelling that starts with a hosting provider's spelling names both:
  "AWS Lambda" gives aws and lambda, "Google Cloud Run" gives gcp and cloud-run;
- aliases of one or two characters ("do", "pg", "js") resolve tags but are never looked
  for in text.

>>> catalog = Catalog.default()
>>> catalog.resolve("Node.js").slug, catalog.resolve("google cloud").slug
('node', 'gcp')
>>> catalog.mentions("Redis is being used as a cache through AWS ElastiCache")
['redis', 'aws', 'elasticache']
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType

from domain.slug import slugify

_SEPARATOR_CHARS = r"\s._'’-"
_SEPARATORS = re.compile(f"([{_SEPARATOR_CHARS}]+)")
_OPTIONAL_SEPARATOR = f"[{_SEPARATOR_CHARS}]?"
_SLUG_SHAPE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SHORTEST_ALIAS_IN_TEXT = 3
UNKNOWN_CATEGORY = "other"


# Tags and names repeat from episode to episode: each distinct one is keyed once.
@functools.lru_cache(maxsize=4096)
def spelling_key(text: str) -> str:
    """The form shared by all the ways of writing one spelling: lowercase, no separators.

    >>> spelling_key("Node.js"), spelling_key("node-js"), spelling_key("Let’s Encrypt")
    ('nodejs', 'nodejs', 'letsencrypt')
    """
    return _SEPARATORS.sub("", text.lower())


def text_key(text: str) -> str:
    """:func:`spelling_key` of a whole text, to look for a spelling in it: not kept in the cache,
    which holds names, not paragraphs.

    >>> spelling_key("Node.js") in text_key("Runs on Node JS.")
    True
    """
    return _SEPARATORS.sub("", text.lower())


@dataclass(frozen=True)
class TechnologyEntry:
    """One technology of the catalog.

    >>> TechnologyEntry("redis", "Redis", "cache").spellings
    ('redis', 'Redis')
    """

    slug: str
    name: str
    category: str
    aliases: tuple[str, ...] = ()
    hosting: bool = False
    ambiguous: bool = False
    # The spelling keys that are everyday words; empty while ``ambiguous`` means all of them.
    ambiguous_spellings: frozenset[str] = field(default=frozenset(), repr=False)

    @property
    def spellings(self) -> tuple[str, ...]:
        """The slug, the name and the aliases: every way a tag or a text may name it."""
        return (self.slug, self.name, *self.aliases)

    def needs_stack(self, matched: str) -> bool:
        """Whether text naming this technology as ``matched`` counts only when the stack lists it.

        >>> go = TechnologyEntry("golang", "Go", "language", ambiguous=True, ambiguous_spellings=frozenset({"go"}))
        >>> go.needs_stack("Go"), go.needs_stack("Golang")
        (True, False)
        """
        return self.ambiguous and (not self.ambiguous_spellings or spelling_key(matched) in self.ambiguous_spellings)


class Catalog:
    """Technologies by slug and spelling, with one compiled pattern to find them in text.

    >>> catalog = Catalog.default()
    >>> catalog.resolve("PostgreSQL").slug, "k8s" in catalog, catalog.resolve("no-such-tech")
    ('postgres', True, None)
    """

    def __init__(self, entries: Iterable[TechnologyEntry], categories: Mapping[str, str], source: str = "<catalog>"):
        self._entries = tuple(entries)
        self._categories = MappingProxyType(dict(categories))
        self._by_key: dict[str, TechnologyEntry] = {}
        self._by_slug: dict[str, TechnologyEntry] = {}
        for entry in self._entries:
            if entry.category not in self._categories:
                raise ValueError(f"{source}: {entry.slug}: unknown category {entry.category!r}")
            if entry.slug in self._by_slug:
                raise ValueError(f"{source}: duplicate slug {entry.slug!r}")
            self._by_slug[entry.slug] = entry
            for spelling in entry.spellings:
                key = spelling_key(spelling)
                if not key:
                    raise ValueError(f"{source}: {entry.slug}: spelling {spelling!r} has no letters or digits")
                owner = self._by_key.setdefault(key, entry)
                if owner is not entry:
                    raise ValueError(
                        f"{source}: {entry.slug}: spelling {spelling!r} already belongs to {owner.slug!r}"
                    )

    def __reduce__(self):
        # Sent to the load's producer process: rebuilt from its entries (the matchers are remade there).
        return type(self), (self._entries, dict(self._categories))

    @classmethod
    def default(cls) -> Catalog:
        """The catalog bundled with StackGraph (read once, then shared)."""
        return _bundled_catalog()

    @classmethod
    def from_path(cls, path: str | Path) -> Catalog:
        """A catalog read from a TOML file in the format of the bundled one.

        Raises ValueError naming the file and the entry when an entry is malformed.
        """
        path = Path(path)
        return _parse_catalog(path.read_text(encoding="utf-8"), source=str(path))

    @property
    def entries(self) -> tuple[TechnologyEntry, ...]:
        """All technologies, in file order."""
        return self._entries

    @property
    def categories(self) -> Mapping[str, str]:
        """Category name -> what belongs in it, in file order."""
        return self._categories

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, tag: object) -> bool:
        return isinstance(tag, str) and self.resolve(tag) is not None

    def __iter__(self) -> Iterator[TechnologyEntry]:
        return iter(self._entries)

    def resolve(self, tag: str) -> TechnologyEntry | None:
        """The technology a tag or name refers to, by any spelling; None when unknown.

        >>> catalog = Catalog.default()
        >>> [catalog.resolve(tag).slug for tag in ("PostgreSQL", "node-js", "Digital Ocean", "k8s")]
        ['postgres', 'node', 'digitalocean', 'kubernetes']
        """
        return self._by_key.get(spelling_key(tag))

    def technology_for(self, tag: str) -> TechnologyEntry:
        """The catalog entry for a tag, or a new entry in category "other": no tag is dropped.

        >>> catalog = Catalog.default()
        >>> catalog.technology_for("golang").name
        'Go'
        >>> catalog.technology_for("Acme Queue")
        TechnologyEntry(slug='acme-queue', name='Acme Queue', category='other', aliases=(), hosting=False, ambiguous=False)
        """
        entry = self.resolve(tag)
        if entry is not None:
            return entry
        slug = slugify(tag)
        if not slug:
            raise ValueError(f"tag {tag!r} has no letters or digits to make a slug of")
        return TechnologyEntry(slug=slug, name=tag.strip(), category=UNKNOWN_CATEGORY)

    def unknown(self, slugs: Iterable[str]) -> list[str]:
        """The given slugs the catalog does not know, sorted and without repeats.

        >>> Catalog.default().unknown(["postgres", "zz-top", "redis", "acme"])
        ['acme', 'zz-top']
        """
        return sorted({slug for slug in slugs if self.resolve(slug) is None})

    def mentions(self, text: str, stack: Iterable[str] = ()) -> list[str]:
        """Slugs of the technologies named in free text, in order of first appearance.

        Ambiguous technologies (Go, Express, React, Phoenix, ...) count only when ``stack``,
        the episode's own tags, lists them.

        >>> catalog = Catalog.default()
        >>> catalog.mentions("PostgreSQL, InfluxDB and Redis are used to manage the data")
        ['postgres', 'influxdb', 'redis']
        >>> catalog.mentions("Motivation for using Express and Node"), catalog.mentions(
        ...     "Motivation for using Express and Node", stack=["express", "node"])
        (['node'], ['express', 'node'])
        """
        return self.mentions_listed(text, None, stack)

    def mentions_listed(self, text: str, listed: set[str] | None, stack: Iterable[str] = ()) -> list[str]:
        """:meth:`mentions`, with the stack already resolved to ``listed`` slugs (None: resolve ``stack``
        when first needed). An extractor calling this for every topic of an episode resolves its stack once."""
        pattern, _ = self._text_matcher
        named_by_match = self._named_by_match
        found: dict[str, None] = {}
        for matched in pattern.findall(text.lower()):
            for slug, needs_stack in named_by_match.get(matched) or self._named(matched):
                if slug in found:
                    continue
                if needs_stack:
                    if listed is None:
                        listed = self.listed(stack)
                    if slug not in listed:
                        continue
                found[slug] = None
        return list(found)

    def listed(self, stack: Iterable[str]) -> set[str]:
        """The slugs of the catalog technologies a stack's tags name (unknown tags left out)."""
        return {entry.slug for entry in map(self.resolve, stack) if entry is not None}

    def by_slug(self, slug: str) -> TechnologyEntry | None:
        """The catalog entry with this exact slug (what :meth:`mentions` returns); None when unknown."""
        return self._by_slug.get(slug)

    @functools.cached_property
    def _named_by_match(self) -> dict[str, tuple[tuple[str, bool], ...]]:
        """Matched text (lowercase) -> the slugs it names, each with whether it needs the stack; see :meth:`_named`."""
        return {}

    def _named(self, matched: str) -> tuple[tuple[str, bool], ...]:
        """The slugs a matched text names, each with whether the stack must list it; remembered for later texts."""
        _, slugs_by_key = self._text_matcher
        named = tuple((slug, self._by_slug[slug].needs_stack(matched)) for slug in slugs_by_key[spelling_key(matched)])
        if len(self._named_by_match) < 100_000:
            self._named_by_match[matched] = named
        return named

    @functools.cached_property
    def _text_matcher(self) -> tuple[re.Pattern[str], dict[str, tuple[str, ...]]]:
        """One pattern for every spelling looked for in text, and the slugs each spelling names."""
        provider_by_words = {
            tuple(_words(spelling)): entry.slug
            for entry in self._entries
            if entry.hosting
            for spelling in _text_spellings(entry)
        }
        slugs_by_key: dict[str, tuple[str, ...]] = {}
        atoms: list[list[str]] = []
        for entry in self._entries:
            for spelling in _text_spellings(entry):
                provider = _leading_provider(_words(spelling), provider_by_words, entry.slug)
                slugs_by_key[spelling_key(spelling)] = (provider, entry.slug) if provider else (entry.slug,)
                atoms.append(_atoms(spelling))
        alternation = _trie_pattern(atoms)
        # Lowercase spellings matched against lowercased text: twice as fast as re.IGNORECASE.
        pattern = re.compile(rf"(?<![\w.-])(?:{alternation})(?!\w)")
        return pattern, slugs_by_key


def _text_spellings(entry: TechnologyEntry) -> Iterator[str]:
    """The spellings of an entry looked for in free text: all but the shortest aliases."""
    yield entry.slug
    yield entry.name
    for alias in entry.aliases:
        if len(spelling_key(alias)) >= SHORTEST_ALIAS_IN_TEXT:
            yield alias


def _leading_provider(words: list[str], provider_by_words: dict[tuple[str, ...], str], slug: str) -> str | None:
    """The hosting provider, other than ``slug``, whose spelling starts a spelling of words."""
    for length in range(1, len(words)):
        provider = provider_by_words.get(tuple(words[:length]))
        if provider not in (None, slug):
            return provider
    return None


def _words(spelling: str) -> list[str]:
    return [word for word in _SEPARATORS.split(spelling.lower())[::2] if word]


def _atoms(spelling: str) -> list[str]:
    """Regex pieces of a spelling, one per character; a separator inside it becomes optional.

    >>> node, dotnet = "".join(_atoms("Node.js")), "".join(_atoms(".NET"))
    >>> [bool(re.fullmatch(node, text)) for text in ("node.js", "node js", "nodejs", "node..js")]
    [True, True, True, False]
    >>> [bool(re.fullmatch(dotnet, text)) for text in (".net", "net")]
    [True, False]
    """
    parts = _SEPARATORS.split(spelling.lower())
    atoms: list[str] = []
    for index, part in enumerate(parts):
        if index % 2 == 0:
            atoms.extend(re.escape(char) for char in part)
        elif parts[index - 1] and parts[index + 1]:
            atoms.append(_OPTIONAL_SEPARATOR)
        else:
            atoms.append(re.escape(part))
    return atoms


def _trie_pattern(spellings: Iterable[list[str]]) -> str:
    """One alternation for all spellings, sharing common prefixes, longest spellings first.

    >>> _trie_pattern([["g", "o"], ["g", "o", "l", "a", "n", "g"], ["g", "i", "t"]])
    'g(?:o(?:lang)?|it)'
    """
    trie: dict = {}
    for atoms in spellings:
        node = trie
        for atom in atoms:
            node = node.setdefault(atom, {})
        node[""] = {}
    return _node_pattern(trie)[0]


def _node_pattern(node: dict) -> tuple[str, int]:
    """The pattern for the paths below a trie node, and the length of the longest path."""
    branches = []
    for atom, child in node.items():
        if atom:
            pattern, depth = _node_pattern(child)
            branches.append((depth + 1, atom + pattern))
    if not branches:
        return "", 0
    branches.sort(key=lambda branch: -branch[0])
    if len(branches) == 1:
        pattern = branches[0][1]
        if "" in node:
            pattern = f"(?:{pattern})?"
    else:
        pattern = "(?:" + "|".join(branch for _, branch in branches) + ")" + ("?" if "" in node else "")
    return pattern, branches[0][0]


_FIELD_TYPES = {
    "slug": (str,),
    "name": (str,),
    "category": (str,),
    "aliases": (list,),
    "hosting": (bool,),
    "ambiguous": (bool, list),  # true: every spelling is an everyday word; a list: just these
}
_REQUIRED_FIELDS = ("slug", "name", "category")


def _parse_catalog(text: str, source: str) -> Catalog:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{source}: not valid TOML: {error}") from error
    categories = document.get("categories")
    if not isinstance(categories, dict) or not all(isinstance(about, str) for about in categories.values()):
        raise ValueError(f"{source}: needs a [categories] table of name = \"description\"")
    if UNKNOWN_CATEGORY not in categories:
        raise ValueError(f"{source}: [categories] must include {UNKNOWN_CATEGORY!r}, the category of unknown tags")
    tables = document.get("technology")
    if not isinstance(tables, list):
        raise ValueError(f"{source}: no [[technology]] tables")
    entries = [_parse_entry(table, f"{source}: technology #{number}") for number, table in enumerate(tables, 1)]
    return Catalog(entries, categories, source)


def _parse_entry(table: dict, where: str) -> TechnologyEntry:
    where = f"{where} ({table.get('slug', 'no slug')})"
    unexpected = sorted(set(table) - set(_FIELD_TYPES))
    if unexpected:
        raise ValueError(f"{where}: unknown field {', '.join(unexpected)}")
    missing = [name for name in _REQUIRED_FIELDS if name not in table]
    if missing:
        raise ValueError(f"{where}: missing field {', '.join(missing)}")
    for name, value in table.items():
        if not isinstance(value, _FIELD_TYPES[name]):
            kinds = " or ".join(kind.__name__ for kind in _FIELD_TYPES[name])
            raise ValueError(f"{where}: {name} must be a {kinds}, not {value!r}")
    if not _SLUG_SHAPE.fullmatch(table["slug"]):
        raise ValueError(f"{where}: slug must be lowercase letters and digits joined by dashes")
    aliases = table.get("aliases", [])
    if not all(isinstance(alias, str) for alias in aliases):
        raise ValueError(f"{where}: aliases must be strings")
    ambiguous = table.get("ambiguous", False)
    ambiguous_spellings = frozenset(spelling_key(s) for s in ambiguous) if isinstance(ambiguous, list) else frozenset()
    known = {spelling_key(s) for s in (table["slug"], table["name"], *aliases)}
    if not ambiguous_spellings <= known:
        raise ValueError(f"{where}: ambiguous names {sorted(ambiguous_spellings - known)}, which are not its spellings")
    return TechnologyEntry(
        slug=table["slug"],
        name=table["name"],
        category=table["category"],
        aliases=tuple(aliases),
        hosting=table.get("hosting", False),
        ambiguous=bool(ambiguous),
        ambiguous_spellings=ambiguous_spellings,
    )


@functools.cache
def _bundled_catalog() -> Catalog:
    resource = resources.files(__package__).joinpath("catalog.toml")
    return _parse_catalog(resource.read_text(encoding="utf-8"), source=str(resource))

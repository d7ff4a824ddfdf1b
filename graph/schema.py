"""Labels, their natural keys, and relationship types of the StackGraph schema.

Every node label has one key property; loads MERGE on it, and the stores put
a unique constraint or an index on it.
"""

NODE_KEYS: dict[str, str] = {
    "Podcast": "id",
    "Episode": "id",
    "Person": "id",
    "Company": "id",
    "Technology": "id",
    "Library": "id",
    "Topic": "id",
    "Link": "url",
}

# Nodes that exist only as parts of one owner node, reached through one relationship type:
# an episode's topics. The writer creates an owner's parts together with it and replaces them
# when the owner is written again, so parts need no lookup by key (no index to maintain).
OWNED_BY: dict[str, tuple[str, str]] = {"Topic": ("Episode", "HAS_TOPIC")}

# Secondary labels carried by some nodes of a primary label.
EXTRA_LABELS: dict[str, str] = {"HostingProvider": "Technology"}

RELATIONSHIP_TYPES: tuple[str, ...] = (
    "HAS_EPISODE",
    "HOSTS",
    "APPEARED_ON",
    "WORKS_ON",
    "FEATURES",
    "USES",
    "HOSTED_ON",
    "USES_LIBRARY",
    "HAS_TOPIC",
    "MENTIONS",
    "REFERENCES",
)

# Derived data: counts kept in the graph so that reads are fast (graph/cooccurrence.py), rebuilt
# from the relationships above at any time. Not part of the domain graph: stats, exports, copies
# and path searches leave these out.
DERIVED_LABELS: tuple[str, ...] = ("Index",)
DERIVED_RELATIONSHIP_TYPES: tuple[str, ...] = ("CO_OCCURS",)


def key_of(label: str) -> str:
    """The key property of a node label.

    >>> key_of("Link")
    'url'
    """
    try:
        return NODE_KEYS[label]
    except KeyError:
        raise ValueError(f"unknown node label {label!r}; known: {', '.join(NODE_KEYS)}") from None

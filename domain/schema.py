"""The StackGraph schema: labels, their natural keys, and relationship types.

Every node label has one key property; loads MERGE on it, and the stores put a unique
constraint or an index on it.

>>> SCHEMA.key_of("Link"), SCHEMA.parts["Topic"]
('url', ('Episode', 'HAS_TOPIC'))
"""

from graph.model import Schema

SCHEMA = Schema(
    node_keys={
        "Podcast": "id",
        "Episode": "id",
        "Person": "id",
        "Company": "id",
        "Technology": "id",
        "Library": "id",
        "Topic": "id",
        "Link": "url",
        "Decision": "id",
        # A feed loaded from a URL, with the validators its server sent (loaders/remote.py).
        "Feed": "url",
    },
    relationship_types=(
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
        # Technology decisions (loaders/decisions.py): who made it, what was chosen over what, where it is said.
        "MADE",
        "CHOSE",
        "OVER",
        "WEIGHED",
        "STATES",
    ),
    # A Technology a company runs on is also a HostingProvider.
    extra_labels={"HostingProvider": "Technology"},
    # An episode's topics are parts of it: written with it, replaced when it is written again.
    parts={"Topic": ("Episode", "HAS_TOPIC")},
    # The co-occurrence counts (domain/cooccurrence.py), rebuilt from USES at any time.
    derived_labels=("Index",),
    derived_relationship_types=("CO_OCCURS",),
    # What `stackgraph search` looks through, in each store's own full-text index.
    fulltext={"Topic": ("text",), "Episode": ("title", "description")},
)

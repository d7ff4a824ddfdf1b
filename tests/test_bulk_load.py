"""A first load into an empty FalkorDB store is written in bulk into a new graph (graph/falkordb_bulk.py):
the same graph as upserts give, and the store as it was whenever the load does not finish."""

from __future__ import annotations

import pytest

from conftest import LISTING
from graph import falkordb_bulk, open_store
from graph.cooccurrence import read_state
from graph.errors import StoreError
from graph.falkordb_store import GRAPH_NAME, _BulkBuiltGraph
from graph.model import GraphDocument, Node, Relationship
from loaders.pipeline import LoadError, load_listings
from test_load import EXPECTED_NODES, EXPECTED_RELATIONSHIPS


@pytest.fixture
def empty(falkordb_store):
    falkordb_store.clear()
    yield falkordb_store
    falkordb_store.clear()


@pytest.fixture
def other_store(tmp_path):
    with open_store("falkordb", path=tmp_path / "other") as store:
        yield store


def graphs(store) -> list[str]:
    return store._execute("GRAPH.LIST")


def everything(store) -> tuple[list, list]:
    """Every node (labels, properties) and relationship (type, ends' keys, properties), the derived ones
    included, but not the token of the load that last marked the index."""
    nodes = store.run("MATCH (n) RETURN labels(n) AS labels, properties(n) AS p")
    rels = store.run("MATCH (a)-[r]->(b) RETURN type(r) AS type, coalesce(a.id, a.url) AS a, coalesce(b.id, b.url) AS b, "
                     "properties(r) AS p")
    return (sorted((sorted(row["labels"]), sorted((k, repr(v)) for k, v in row["p"].items() if k != "load")) for row in nodes),
            sorted((row["type"], row["a"], row["b"], sorted((k, repr(v)) for k, v in row["p"].items())) for row in rels))


def shifted_copies(tmp_path, years: list[int]):
    """The listing once per year given, its episodes moved to that year: new episodes, the same companies."""
    text = LISTING.read_text(encoding="utf-8")
    path = tmp_path / "copies.txt"
    path.write_text("\n".join(text.replace(", 2020 •", f", {year} •").replace(", 2019 •", f", {year - 1} •") for year in years),
                    encoding="utf-8")
    return path


def test_a_first_load_is_written_in_bulk(empty):
    report = load_listings([LISTING], empty)
    assert report.in_bulk
    counts = empty.counts()
    assert {label: counts["nodes"][label] for label in EXPECTED_NODES} == EXPECTED_NODES
    assert {t: counts["relationships"][t] for t in EXPECTED_RELATIONSHIPS} == EXPECTED_RELATIONSHIPS
    assert report.added()["relationships"]["MENTIONS"] == 462
    assert read_state(empty).status == "fresh"
    assert graphs(empty) == [GRAPH_NAME]
    # The new graph is indexed like the one it replaced: a company is found by key through the index.
    plan = "\n".join(empty._execute("GRAPH.EXPLAIN", GRAPH_NAME, "MATCH (c:Company {id: 'gorails'}) RETURN c"))
    assert "Index Scan" in plan


@pytest.mark.parametrize("flush_bytes, max_keys", [
    (1 << 30, falkordb_bulk.MAX_KEYS),  # one command
    (150_000, falkordb_bulk.MAX_KEYS),  # two or three batches to a command
    (150_000, 600),  # full after the first copy's batches: the others upserted into the new graph
])
def test_bulk_and_upserts_give_the_same_graph(empty, other_store, tmp_path, monkeypatch, flush_bytes, max_keys):
    # Three copies in batches of four episodes: companies, technologies, people and stacks come back
    # batch after batch, with the later episode on each USES relationship. Sent all at once, or a few
    # batches to a command, the co-occurrence counts reading stacks from the graph and those held back.
    monkeypatch.setattr(_BulkBuiltGraph, "FLUSH_BYTES", flush_bytes)
    monkeypatch.setattr(falkordb_bulk, "MAX_KEYS", max_keys)
    listing = shifted_copies(tmp_path, [2100, 2200, 2300])
    report = load_listings([listing], empty, batch_episodes=4)
    if max_keys == falkordb_bulk.MAX_KEYS:
        assert report.bulk_episodes == 30
    else:
        assert 0 < report.bulk_episodes < 30 and report.bulk_episodes % 4 == 0  # some batches, then upserts
    assert not load_listings([listing], other_store, batch_episodes=4, bulk=False).in_bulk
    assert everything(empty) == everything(other_store)


def test_a_node_created_beside_the_bulk_writes_is_found_out(empty):
    def company(key: str) -> GraphDocument:
        document = GraphDocument()
        document.add_node(Node("Company", key, {"name": key}))
        return document

    with pytest.raises(StoreError, match="has 2 nodes, not the 3 written in bulk: something else wrote to it"):
        with empty.new_graph() as build:
            encoder = build.encoder()()
            build.write(encoder.encode(company("acme")))
            build.flush()
            build.store.run("MATCH (n) DETACH DELETE n", write=True)  # the numbering the encoder goes on with is wrong now
            build.write(encoder.encode(company("globex")))
            build.write(encoder.encode(company("initech")))
            build.flush()
    assert graphs(empty) == [GRAPH_NAME]
    assert empty.run("MATCH (n) RETURN count(n) AS n") == [{"n": 0}]


def test_a_relationship_seen_again_keeps_the_later_episode(empty, tmp_path):
    load_listings([shifted_copies(tmp_path, [2100, 2101])], empty, batch_episodes=3)
    rows = empty.run("MATCH (:Company {id: 'smart-music'})-[r:USES]->(:Technology {id: 'rails'}) RETURN r.episode AS e")
    assert rows == [{"e": "2101-02-10-smart-music-helps-musicians-practice-more-efficiently"}]
    assert empty.counts()["relationships"]["USES"] == 163
    assert empty.counts()["nodes"]["Episode"] == 20


def test_an_episode_listed_twice_is_upserted_instead(empty):
    report = load_listings([LISTING, LISTING], empty, batch_episodes=4)  # the second time in another batch
    assert not report.in_bulk
    assert empty.counts()["nodes"]["Episode"] == 10
    assert empty.counts()["relationships"]["HAS_TOPIC"] == 562
    assert graphs(empty) == [GRAPH_NAME]


def test_two_keys_hashing_alike_are_told_apart_and_upserted_instead(empty, monkeypatch):
    # Every company given the same hash: each one after the first is found by it, and told apart by its check.
    monkeypatch.setattr(falkordb_bulk, "_node_hash", lambda label, key: hash(label if label == "Company" else (label, key)))
    report = load_listings([LISTING], empty, batch_episodes=3)
    assert not report.in_bulk
    counts = empty.counts()
    assert {label: counts["nodes"][label] for label in EXPECTED_NODES} == EXPECTED_NODES
    assert {t: counts["relationships"][t] for t in EXPECTED_RELATIONSHIPS} == EXPECTED_RELATIONSHIPS
    assert graphs(empty) == [GRAPH_NAME]


def test_a_graph_beyond_the_ids_a_relationship_key_holds_is_upserted_instead(empty, monkeypatch):
    monkeypatch.setattr(falkordb_bulk, "ID_BITS", 8)  # 256 nodes: the first batch fits, a later one does not
    report = load_listings([LISTING], empty, batch_episodes=1)
    assert not report.in_bulk
    assert empty.counts()["nodes"]["Topic"] == EXPECTED_NODES["Topic"]


def test_an_invalid_episode_leaves_the_store_empty(empty, tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text(LISTING.read_text(encoding="utf-8") + "\nFeb 3, 2020 • 47min\nTitle\nText\nTopics Include\n1:7x – x\n",
                    encoding="utf-8")
    with pytest.raises(LoadError, match="bad timestamp") as caught:
        load_listings([path], empty, batch_episodes=2)
    assert str(caught.value).startswith(f"{path}:1145: ")
    assert empty.run("MATCH (n) RETURN count(n) AS n") == [{"n": 0}]
    assert graphs(empty) == [GRAPH_NAME]


def test_an_interrupted_first_load_leaves_the_store_empty_and_the_next_loads_it_all(empty):
    def interrupt(episodes: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        load_listings([LISTING], empty, batch_episodes=2, progress=interrupt)
    assert empty.run("MATCH (n) RETURN count(n) AS n") == [{"n": 0}]
    assert graphs(empty) == [GRAPH_NAME]
    assert load_listings([LISTING], empty).in_bulk
    assert empty.counts()["nodes"]["Episode"] == 10
    assert read_state(empty).status == "fresh"


def test_a_store_with_a_node_is_upserted(empty):
    empty.run("CREATE (:Technology {id: 'cobol', name: 'COBOL'})", write=True)
    report = load_listings([LISTING], empty)
    assert not report.in_bulk
    assert empty.counts()["nodes"]["Episode"] == 10
    assert empty.run("MATCH (t:Technology {id: 'cobol'}) RETURN t.name AS name") == [{"name": "COBOL"}]


def test_every_value_type_reads_back(empty):
    document = GraphDocument()
    properties = {"text": "Zoë → ✓", "count": -(2**62), "ratio": 0.25, "flag": False, "tags": ["a", 1, 2.5, True], "gone": None}
    document.add_node(Node("Company", "acme", dict(properties)))
    document.add_node(Node("Technology", "rails", {"name": "Rails"}, ("HostingProvider",)))
    document.add_relationship(Relationship("USES", "Company", "acme", "Technology", "rails", {"episode": "e1", "weight": 3}))
    with empty.new_graph() as build:
        build.write(build.encoder()().encode(document))
    [row] = empty.run("MATCH (c:Company)-[r:USES]->(t:Technology) RETURN properties(c) AS c, properties(r) AS r, labels(t) AS t")
    assert row["c"] == {"id": "acme", "text": "Zoë → ✓", "count": -(2**62), "ratio": 0.25, "flag": False, "tags": ["a", 1, 2.5, True]}
    assert row["r"] == {"episode": "e1", "weight": 3}
    assert sorted(row["t"]) == ["HostingProvider", "Technology"]

"""The compact key map a bulk load numbers its nodes with, and the values the bulk format refuses."""

from __future__ import annotations

import pytest

from graph import int_keys
from graph.errors import BulkUnsuitable
from graph.falkordb_bulk import BulkEncoder
from graph.int_keys import IntKeys
from graph.model import GraphDocument, Node


def test_values_survive_merges_and_can_be_set_again(monkeypatch):
    monkeypatch.setattr(int_keys, "MERGE_FROM", 4)
    keys = IntKeys(width=2)
    for n in range(10):  # merged at 4 and 8: 8 in the sorted arrays, 2 recent
        keys.add(hash(f"key {n}"), (n, -n))
    assert len(keys) == 10
    assert keys.get_many([hash("key 9"), hash("key 0"), hash("absent"), hash("key 5")]) == [(9, -9), (0, 0), None, (5, -5)]
    keys.set(hash("key 3"), (3, 33))  # in the arrays
    keys.set(hash("key 9"), (9, 99))  # recent
    assert keys.get_many([hash("key 3"), hash("key 9")]) == [(3, 33), (9, 99)]
    with pytest.raises(KeyError):
        keys.set(hash("absent"), (0, 0))


@pytest.mark.parametrize("value, why", [("nul\x00byte", "NUL"), (2**64, "64 bits"), ({"a": 1}, "dict")])
def test_values_the_bulk_format_cannot_carry_are_refused(value, why):
    document = GraphDocument()
    document.add_node(Node("Company", "acme", {"odd": value}))
    with pytest.raises(BulkUnsuitable, match=why):
        BulkEncoder(first_node_id=0).encode(document)

"""The examples in the docstrings run and give what they show.

They run against real stores: ``store`` is an embedded store holding the tiny listing of
tests/data/tiny.txt (four shops: Acme uses postgres, redis and rails; Bolt postgres and
redis; Coil postgres and elixir; Dune lists no stack), ``tmp_path`` a scratch directory
for examples that open stores of their own.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

from conftest import REPO
from domain import open_store
from domain.schema import SCHEMA
from loaders.pipeline import load_listings

PACKAGES = ("graph", "domain", "loaders", "queries", "visualizations", "service", "stackgraph")
TINY_LISTING = REPO / "tests" / "data" / "tiny.txt"


def _has_examples(name: str) -> bool:
    tests = doctest.DocTestFinder().find(importlib.import_module(name))
    return any(test.examples for test in tests)


MODULES = sorted(
    info.name
    for package in PACKAGES
    for info in pkgutil.walk_packages(importlib.import_module(package).__path__, prefix=f"{package}.")
    if not info.name.endswith("__main__") and _has_examples(info.name)
) + [package for package in PACKAGES if _has_examples(package)]


@pytest.fixture(scope="module")
def tiny_store(tmp_path_factory):
    with open_store("falkordb", path=tmp_path_factory.mktemp("doctest") / "store") as store:
        load_listings([TINY_LISTING], store)
        yield store


def test_no_example_is_skipped():
    skipped = [f"{test.name}" for name in MODULES for test in doctest.DocTestFinder().find(importlib.import_module(name))
               if any(example.options.get(doctest.SKIP) for example in test.examples)]
    assert skipped == []


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name, tiny_store, tmp_path):
    globs = {"store": tiny_store, "loaded_store": tiny_store, "tmp_path": tmp_path, "SCHEMA": SCHEMA,
             "open_store": open_store, "TINY_LISTING": TINY_LISTING}
    result = doctest.testmod(importlib.import_module(name), extraglobs=globs, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0

"""The examples in the docstrings run and give what they show.

Examples that need a loaded store are marked ``+SKIP`` in the docstring; the
store-backed behaviour they illustrate is tested in the other test files.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

PACKAGES = ("graph", "loaders", "queries", "visualizations", "stackgraph")



def _runs_examples(name: str) -> bool:
    """Whether a module has at least one docstring example that is not skipped."""
    tests = doctest.DocTestFinder().find(importlib.import_module(name))
    return any(not example.options.get(doctest.SKIP) for test in tests for example in test.examples)


MODULES = sorted(
    info.name
    for package in PACKAGES
    for info in pkgutil.walk_packages(importlib.import_module(package).__path__, prefix=f"{package}.")
    if not info.name.endswith("__main__") and _runs_examples(info.name)
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0

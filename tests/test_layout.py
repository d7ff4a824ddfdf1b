"""The README's layout holds: imports point one way, stackgraph -> service -> loaders, queries, visualizations
-> domain -> graph, and queries never import loaders."""

from __future__ import annotations

import ast

import pytest

from conftest import REPO

PACKAGES = ("graph", "domain", "loaders", "queries", "visualizations", "service", "stackgraph")
# What each package may import from the project, itself included.
ALLOWED = {
    "graph": {"graph"},
    "domain": {"domain", "graph"},
    "loaders": {"loaders", "domain", "graph"},
    "queries": {"queries", "domain", "graph"},
    "visualizations": {"visualizations", "domain", "graph"},
    "service": {"service", "loaders", "queries", "visualizations", "domain", "graph"},
    "stackgraph": set(PACKAGES),
}


def project_imports(package: str) -> set[tuple[str, str]]:
    """(module file, imported top-level package) for every import of a project package."""
    found = set()
    for path in (REPO / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else (
                [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level else [])
            found.update((path.relative_to(REPO).as_posix(), name.split(".")[0]) for name in names
                         if name.split(".")[0] in PACKAGES)
    return found


@pytest.mark.parametrize("package", PACKAGES)
def test_imports_point_one_way(package):
    assert {(module, imported) for module, imported in project_imports(package) if imported not in ALLOWED[package]} == set()

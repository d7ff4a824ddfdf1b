"""The viz pages in real headless Chromium: they load offline, draw the expected network, run no data.

Expected numbers are worked out by hand from data/running-in-production.txt:

- co-occurrence, --min-count 5: of the stack pairs only PostgreSQL with Redis (6 companies),
  AWS (6), S3 (5), Stripe (5) and Docker (5) are shared by 5 or more companies: 6 nodes, 5 edges.
- similar companies: every two of the 10 stacks share a technology (PostgreSQL is in 9) except
  the Flask/Zope stack and the Koa/Node one: 45 - 1 = 44 edges.
- ego around Logflare, 1 hop: the company, its 9 stack entries, its episode, its guest Chase
  Granberry and its library cowboy = 13 nodes; 9 USES + HOSTED_ON Google Cloud + FEATURES +
  WORKS_ON + USES_LIBRARY + the guest's APPEARED_ON = 14 edges.
- the whole graph: the store's own counts.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from browser import close_browser, file_url, open_browser, severe_console_messages
from conftest import LISTING
from cli_helpers import stackgraph

XSS_TITLE = '<img src=x onerror="window.__sgPwned=1">Smart Music <script>window.__sgPwned2=1</script>'


def run(*args: str, store):
    return stackgraph(*args, store=store, check=True)


@pytest.fixture(scope="module")
def browser():
    driver = open_browser()
    yield driver
    close_browser(driver)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    store = tmp_path_factory.mktemp("viz") / "store"
    run("load", "--quiet", str(LISTING), store=store)
    return store


def open_page(driver, path: Path, timeout: float = 120) -> dict:
    """Load a page, wait until the layout settled; the network's numbers and console errors."""
    driver.get("about:blank")
    driver.get_log("browser")  # drop earlier entries
    driver.get(file_url(path))
    deadline = time.time() + timeout
    while not driver.execute_script("return window.stackgraphStable === true"):
        assert time.time() < deadline, "the network did not stabilize"
        time.sleep(0.2)
    state = driver.execute_script(
        "return {nodes: network.body.data.nodes.length, edges: network.body.data.edges.length,"
        " ids: network.body.data.nodes.getIds(), physics: network.physics.physicsEnabled,"
        " canvas: document.querySelectorAll('#mynetwork canvas').length}"
    )
    state["severe"] = severe_console_messages(driver)
    return state


def viz_page(driver, store, tmp_path: Path, name: str, *args: str) -> dict:
    """Write a page with `stackgraph viz ARGS`, open it, check the console is clean, save a screenshot."""
    page = tmp_path / f"{name}.html"
    run("viz", *args, "--output", str(page), store=store)
    state = open_page(driver, page)
    assert state["severe"] == []
    shoot(driver, tmp_path, name)
    return state


def shoot(driver, tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.png"
    driver.save_screenshot(str(path))
    assert path.stat().st_size > 10_000
    return path


def test_whole_graph_page(browser, loaded, tmp_path):
    counts = json.loads(run("stats", "--format", "json", store=loaded).stdout)
    page = tmp_path / "graph.html"
    run("viz", "--output", str(page), store=loaded)
    state = open_page(browser, page)
    assert state["severe"] == []
    # HostingProvider is a second label on three Technology nodes, not more nodes.
    assert state["nodes"] == sum(n for label, n in counts["nodes"].items() if label != "HostingProvider")
    assert state["edges"] == sum(counts["relationships"].values())
    assert state["canvas"] == 1
    assert state["physics"] is False  # switched off once the layout settled
    shoot(browser, tmp_path, "graph")


def test_cooccurrence_page(browser, loaded, tmp_path):
    state = viz_page(browser, loaded, tmp_path, "cooccurrence", "--kind", "cooccurrence", "--min-count", "5")
    assert (state["nodes"], state["edges"]) == (6, 5)
    assert sorted(state["ids"]) == [f"Technology:{slug}" for slug in ("aws", "docker", "postgres", "redis", "s3", "stripe")]
    weights = browser.execute_script(
        "var w = {}; edges.forEach(function (e) { w[[e.from, e.to].sort().join(' ')] = e.weight; }); return w;")
    assert weights["Technology:postgres Technology:redis"] == 6
    assert weights["Technology:aws Technology:postgres"] == 6
    assert weights["Technology:postgres Technology:s3"] == 5


def test_similar_companies_page(browser, loaded, tmp_path):
    state = viz_page(browser, loaded, tmp_path, "similar", "--kind", "similar")
    assert (state["nodes"], state["edges"]) == (10, 44)


def test_ego_page_and_its_tooltip(browser, loaded, tmp_path):
    state = viz_page(browser, loaded, tmp_path, "ego", "--kind", "ego", "--around", "Logflare")
    # and Logflare's 3 decisions (as in test_viz): 3 MADE, 3 CHOSE
    assert (state["nodes"], state["edges"]) == (13 + 3, 14 + 3 + 3)
    tooltip = browser.execute_script("return nodes.get('Company:logflare').title.textContent")
    # The company's stack and episode, as the listing gives them.
    assert "Logflare Is a Log Management and Event Analytics Platform" in tooltip
    for name in ("BigQuery", "Cloudflare", "Docker", "Elixir", "Phoenix", "PostgreSQL", "Google Cloud"):
        assert name in tooltip
    shoot(browser, tmp_path, "ego")


def test_page_works_offline_and_loads_nothing(loaded, tmp_path):
    page = tmp_path / "offline.html"
    run("viz", "--kind", "similar", "--output", str(page), store=loaded)
    html = page.read_text()
    assert not re.search(r"<script[^>]*\bsrc=", html)
    assert not re.search(r"<link[^>]*\bhref=", html)
    assert "vis.Network" in html


def test_markup_in_the_data_shows_as_text_and_runs_nothing(browser, tmp_path):
    lines = LISTING.read_text(encoding="utf-8").splitlines()
    first_episode = lines[:lines.index("Feb 3, 2020 • 47min")]
    title_at = first_episode.index("Smart Music Helps Musicians Practice More Efficiently")
    first_episode[title_at] = XSS_TITLE
    listing = tmp_path / "hostile.txt"
    listing.write_text("\n".join(first_episode) + "\n", encoding="utf-8")
    store = tmp_path / "store"
    run("load", "--quiet", str(listing), store=store)
    for kind in ("graph", "ego"):
        page = tmp_path / f"hostile-{kind}.html"
        around = ["--around", XSS_TITLE] if kind == "ego" else []  # the whole graph has no centre
        run("viz", "--kind", kind, *around, "--output", str(page), store=store)
        state = open_page(browser, page)
        assert browser.execute_script("return [window.__sgPwned, window.__sgPwned2]") == [None, None]
        assert browser.execute_script("return document.querySelectorAll('img[src=x]').length") == 0
        episode = browser.execute_script(
            "return nodes.get().filter(function (n) { return n.type === 'Episode'; })"
            ".map(function (n) { return [n.label, n.title.textContent]; })")
        assert len(episode) == 1
        label, tooltip = episode[0]
        assert label == XSS_TITLE  # drawn on the canvas as the literal text
        assert XSS_TITLE in tooltip  # and the tooltip shows it as text
        assert state["severe"] == []
        shoot(browser, tmp_path, f"hostile-{kind}")


def test_empty_store_gives_an_empty_page_that_still_settles(browser, tmp_path):
    state = viz_page(browser, tmp_path / "empty-store", tmp_path, "empty")
    assert (state["nodes"], state["edges"]) == (0, 0)

"""The web UI of ``stackgraph serve`` in real headless Chromium, against the real server (FalkorDB).

A visitor searches for "elixir", opens the technology, clicks through to Logflare and on to the most
similar company; every page loads with no console error, the co-occurrence graph draws on its canvas,
/docs renders the API from the app's own Swagger UI files, and markup in a listing stays text.

Hand-worked from data/running-in-production.txt: Elixir is in the stacks of Smart Music, ScrollKeeper,
Remote.com and Logflare, which hold far more than 15 other technologies (Smart Music's alone 21), so
the graph draws Elixir and the 15 used most with it, each joined to it, and more edges between them
(Phoenix and PostgreSQL share all four); Remote.com is the company most like Logflare (Jaccard 5/21,
see tests/test_service_pages.py).
"""

from __future__ import annotations

import time

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from browser import close_browser, open_browser, severe_console_messages


@pytest.fixture(scope="module")
def browser():
    driver = open_browser()
    yield driver
    close_browser(driver)


def visit(driver, url: str) -> None:
    driver.get_log("browser")  # drop earlier entries
    driver.get(url)


def wait_for(driver, script: str, timeout: float = 60) -> object:
    deadline = time.monotonic() + timeout
    while not (value := driver.execute_script(script)):
        assert time.monotonic() < deadline, f"timed out waiting for: {script}"
        time.sleep(0.1)
    return value


def heading(driver) -> str:
    return driver.find_element(By.TAG_NAME, "h1").text


def drawn_pixels(driver) -> int:
    return driver.execute_script(
        "var canvas = document.querySelector('#cooccurrence canvas');"
        "var data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;"
        "var n = 0; for (var i = 3; i < data.length; i += 4) { if (data[i] > 0) { n++; } } return n;")


def test_search_elixir_then_logflare_then_a_similar_company(browser, service_falkordb):
    visit(browser, service_falkordb.base_url + "/")
    assert severe_console_messages(browser) == []
    box = browser.find_element(By.CSS_SELECTOR, "form.big-search input[name=q]")
    box.send_keys("elixir")
    box.submit()
    wait_for(browser, "return document.querySelector('ul.names') !== null")
    assert severe_console_messages(browser) == []

    browser.find_element(By.CSS_SELECTOR, "ul.names a[href='/technologies/elixir']").click()
    wait_for(browser, "return window.stackgraphGraph && window.stackgraphGraph.stable")
    assert heading(browser).startswith("Elixir")
    graph = browser.execute_script("var g = window.stackgraphGraph; return [g.nodes, g.edges,"
                                   " document.querySelectorAll('#cooccurrence canvas').length]")
    assert graph[0] == 16 and graph[1] > 15 and graph[2] == 1  # Elixir and 15 around it, each joined to it
    assert drawn_pixels(browser) > 1000
    assert severe_console_messages(browser) == []
    users = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "table.users tbody td:first-child a")]
    assert users == ["Smart Music", "ScrollKeeper", "Remote.com", "Logflare"]

    browser.find_element(By.LINK_TEXT, "Logflare").click()
    wait_for(browser, "return document.querySelector('table.similar') !== null")
    assert heading(browser) == "Logflare company"
    assert severe_console_messages(browser) == []

    browser.find_element(By.CSS_SELECTOR, "table.similar tbody td:first-child a").click()
    wait_for(browser, "return document.querySelector('table.stack') !== null")
    assert heading(browser) == "Remote.com company"
    assert browser.current_url == service_falkordb.base_url + "/companies/remote-com"
    assert severe_console_messages(browser) == []


def test_clicking_a_node_of_the_graph_opens_its_technology(browser, service_falkordb):
    visit(browser, service_falkordb.base_url + "/technologies/elixir")
    wait_for(browser, "return window.stackgraphGraph && window.stackgraphGraph.stable")
    canvas = browser.find_element(By.CSS_SELECTOR, "#cooccurrence canvas")
    x, y = browser.execute_script(
        "var network = window.stackgraphGraph.network, at = network.canvasToDOM(network.getPosition('phoenix'));"
        "return [at.x, at.y];")
    size = canvas.size  # offsets are from the canvas's centre
    ActionChains(browser).move_to_element_with_offset(canvas, int(x - size["width"] / 2),
                                                      int(y - size["height"] / 2)).click().perform()
    wait_for(browser, "return location.pathname === '/technologies/phoenix'")
    assert heading(browser).startswith("Phoenix")


def test_docs_page_renders_offline(browser, service_falkordb):
    visit(browser, service_falkordb.base_url + "/docs")
    wait_for(browser, "return document.querySelectorAll('.opblock').length > 0")
    paths = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")]
    assert "/api/health" in paths
    assert severe_console_messages(browser) == []


def test_markup_in_the_data_stays_text_in_the_browser(browser, service_hostile):
    episode = "/episodes/2020-02-03-acme-script-alert-1-script-is-a-rocket-shop"
    visit(browser, service_hostile.base_url + episode)
    assert heading(browser) == "Acme <script>alert(1)</script> Is a Rocket Shop episode"
    topic = browser.find_element(By.CSS_SELECTOR, "ol.topics li").text
    assert "Why </script><script>window.__sgPwned=1</script> runs on Elixir" in topic
    assert severe_console_messages(browser) == []

    visit(browser, service_hostile.base_url + "/technologies/elixir")
    wait_for(browser, "return window.stackgraphGraph && window.stackgraphGraph.stable")
    labels = browser.execute_script("return window.stackgraphGraph.network.body.data.nodes.get().map(function (n) { return n.label; })")
    assert "</script><img src=x onerror=window.__sgPwned=2>" in labels  # a node label, drawn as text
    assert browser.execute_script("return [window.__sgPwned === undefined, document.querySelectorAll('img[src=x]').length]") == [True, 0]
    assert severe_console_messages(browser) == []

"""Hostile data and hostile input meet the CLI's outputs (issue 17 items 8, 11 to 14; SIGTERM, of item 15,
is with the SIGINT test in test_cli_habits).

An episode title carrying a screen-clearing CSI, a window-retitling OSC, a C1 CSI (U+009B), DEL and
a control character must reach a terminal escaped, a pipe exactly, JSON strictly, XML well formed;
a parameter nested thousands deep and a page too big to draw are one line each.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import pty
import re
import signal
import subprocess
import sys
import unicodedata
from typing import Any

import networkx as nx
import pytest
import rdflib
from click.testing import Result

from cli_helpers import environment_without_settings, invoke, one_line_error
from conftest import require_neo4j

TITLE = "Acme\x1b[2J Is a Rocket\x1b]0;pwned\x07 Shop\x01 \x9b31m red\x7f"
# The title as a table, or CSV on a terminal, shows it: each control character as its Python escape.
TITLE_SHOWN = "Acme\\x1b[2J Is a Rocket\\x1b]0;pwned\\x07 Shop\\x01 \\x9b31m red\\x7f"
# XML 1.0 holds U+009B and DEL but none of the C0 controls but tab, newline and carriage return.
TITLE_IN_XML = "Acme\\x1b[2J Is a Rocket\\x1b]0;pwned\\x07 Shop\\x01 \x9b31m red\x7f"
LISTING_TEXT = (f"Feb 3, 2020 • 47min\n{TITLE}\n"
                "In this episode of Running in Production, Ann Lee goes over building Acme.\n"
                "⚙️ Tech Stack\npostgres →\nredis →\n")
ODD_NAME = "odd\x01 name"


@pytest.fixture(scope="module", params=["falkordb", "neo4j"])
def hostile(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The global options of a store holding the hostile episode; its company Acme also has a score
    that is not a number and a property whose name holds a control character."""
    if request.param == "neo4j":
        request.getfixturevalue("neo4j_store").clear()
        settings = require_neo4j()
        options = ["--backend", "neo4j", "--uri", settings["uri"], "--username", settings["username"],
                   "--password", settings["password"]]
    else:
        options = ["--store", str(tmp_path_factory.mktemp("hostile") / "store")]
    listing = tmp_path_factory.mktemp("listing") / "hostile.txt"
    listing.write_text(LISTING_TEXT, encoding="utf-8")
    invoke(*options, "load", "-q", str(listing), check=True)
    invoke(*options, "cypher", "--write", f"MATCH (c:Company {{id: 'acme'}}) SET c.score = 0.0/0.0, c.`{ODD_NAME}` = 'x'",
           check=True)
    return options


def raw_controls(text: str) -> list[str]:
    """The control characters in ``text`` other than line ends."""
    return [ch for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\r\n"]


def on_a_terminal(*args: str) -> str:
    """What ``stackgraph ARGS`` writes to stdout when stdout is a terminal (a pseudo-terminal)."""
    controller, terminal = pty.openpty()
    env = {**environment_without_settings(), "COLUMNS": "400"}
    with subprocess.Popen([sys.executable, "-m", "stackgraph", *args], stdout=terminal, stderr=subprocess.PIPE,
                          env=env) as child:
        os.close(terminal)
        chunks = []
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: the child has closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert child.stderr is not None
        errors = child.stderr.read().decode()
        assert child.wait(timeout=120) == 0, errors
    os.close(controller)
    return b"".join(chunks).decode()


# --- item 11: escape sequences from the data -------------------------------------------------------

@pytest.mark.parametrize("command", [["who-uses", "postgres"], ["timeline", "postgres"]])
def test_csv_to_a_pipe_carries_the_title_exactly(hostile, command):
    result = invoke(*hostile, *command, "--format", "csv", check=True)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["episode"] for row in rows] == [TITLE]


@pytest.mark.parametrize("command", [["who-uses", "postgres"], ["stack", "acme"]])
@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_a_terminal_gets_no_raw_control_character(hostile, command, fmt):
    text = on_a_terminal(*hostile, *command, "--format", fmt)
    assert raw_controls(text) == []
    if command[0] == "who-uses":  # the stack's rows name technologies only
        assert (TITLE_SHOWN if fmt != "json" else "Acme\\u001b[2J Is a Rocket\\u001b]0;pwned\\u0007 Shop\\u0001 "
                "\\u009b31m red\\u007f") in text


def test_an_error_quoting_the_data_escapes_it(hostile):
    result = invoke(*hostile, "path", "episode:rocket", "postgres")
    assert result.exit_code == 1
    assert one_line_error(result) == (f"stackgraph: error: no episode named 'rocket' in the store; "
                                      f"did you mean '{TITLE_SHOWN}'?")


# --- item 13: strict JSON ----------------------------------------------------------------------------

def strict_json(text: str) -> Any:
    """``text`` read as RFC 8259 JSON, which has no NaN or Infinity."""
    def refuse(constant: str) -> None:
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


JSON_COMMANDS = [
    ["who-uses", "postgres"], ["stack", "acme"], ["stats"], ["catalog"], ["analyze"], ["timeline", "postgres"],
    ["related", "postgres"], ["cooccurring", "postgres"], ["similar", "acme"], ["recommend", "acme"],
    ["hosting", "postgres"], ["path", "acme", "postgres"], ["search", "rocket"], ["schema"], ["alternatives", "postgres"],
]


@pytest.mark.parametrize("command", JSON_COMMANDS, ids=lambda command: command[0])
def test_every_json_output_parses_strictly_and_escapes_every_control_character(hostile, command):
    text = invoke(*hostile, *command, "--format", "json", check=True).stdout
    strict_json(text)
    assert raw_controls(text) == []


def test_a_float_that_is_not_a_number_is_null_in_json(hostile):
    query = "MATCH (c:Company) RETURN c.score AS score, 0.0/0.0 AS nan, 1.0/0.0 AS inf, -1.0/0.0 AS minus_inf, 0.5 AS half"
    rows = strict_json(invoke(*hostile, "cypher", query, "--format", "json", check=True).stdout)
    assert rows == [{"score": None, "nan": None, "inf": None, "minus_inf": None, "half": 0.5}]


def test_load_json_is_strict(hostile, tmp_path):
    listing = tmp_path / "again.txt"
    listing.write_text(LISTING_TEXT, encoding="utf-8")
    report = strict_json(invoke(*hostile, "load", str(listing), "--format", "json", check=True).stdout)
    assert report["episodes"] == 1


@pytest.mark.parametrize("fmt", ["json", "jsonld"])
def test_json_exports_parse_strictly(hostile, fmt):
    strict_json(invoke(*hostile, "export", "--format", fmt, check=True).stdout)


@pytest.mark.parametrize("fmt", ["json", "turtle"])
def test_an_export_to_a_terminal_escapes_control_characters(hostile, fmt):
    text = on_a_terminal(*hostile, "export", "--format", fmt)
    assert raw_controls(text.replace("\t", "")) == []
    assert "Acme\\x1b[2J" in text or "Acme\\u001b[2J" in text


# --- item 12: exports of text XML cannot hold ------------------------------------------------------

@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_xml_exports_are_well_formed_and_read_back(hostile, tmp_path, fmt):
    path = tmp_path / f"graph.{fmt}"
    invoke(*hostile, "export", "--format", fmt, "--output", str(path), check=True)
    graph = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    episodes = [data for _, data in graph.nodes(data=True) if data.get("label") == "Episode"]
    assert [episode["title"] for episode in episodes] == [TITLE_IN_XML]
    acme = next(data for _, data in graph.nodes(data=True) if data.get("name") == "Acme")
    assert acme["odd\\x01 name"] == "x"
    assert math.isnan(acme["score"])


@pytest.mark.parametrize("fmt,parser", [("turtle", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_rdf_exports_carry_the_text_exactly(hostile, tmp_path, fmt, parser):
    path = tmp_path / f"graph.{fmt}"
    invoke(*hostile, "export", "--format", fmt, "--output", str(path), check=True)
    graph = rdflib.Graph().parse(path, format=parser)
    assert [str(title) for title in graph.objects(None, rdflib.URIRef("https://schema.org/name"))
            if "Rocket" in title] == [TITLE]
    odd = rdflib.URIRef("https://stackgraph.dev/vocab#odd%01%20name")
    assert [str(value) for value in graph.objects(None, odd)] == ["x"]


# --- item 14: parameters nested deeper than a parser's stack ----------------------------------------

@pytest.mark.parametrize("depth", [5000, 900, 33])
def test_a_deeply_nested_parameter_is_one_line(hostile, depth):
    result = invoke(*hostile, "cypher", "RETURN size($x) AS n", "-p", "x=" + "[" * depth + "]" * depth)
    assert result.exit_code == 1
    assert one_line_error(result) == "stackgraph: error: --param x: lists and maps nest more than 32 deep; flatten the value"


def test_a_parameter_32_deep_is_sent(hostile):
    value = "[" * 31 + "[1, 2]" + "]" * 31
    rows = json.loads(invoke(*hostile, "cypher", "RETURN size($x) AS n", "-p", f"x={value}", "--format", "json",
                             check=True).stdout)
    assert rows == [{"n": 1}]


# --- item 8: viz reads what it draws, and refuses what nobody can look at ----------------------------

def refusal(result: Result) -> str:
    """The error line of a viz that was refused, after the line saying what it was doing."""
    assert "Traceback" not in result.stderr
    doing, error = result.stderr.strip().splitlines()
    assert doing.startswith("Drawing the ")
    return error


def test_a_whole_graph_page_above_the_limit_is_refused_before_it_is_read(loaded_store, tmp_path):
    page = tmp_path / "all.html"
    result = invoke("viz", "--max-nodes", "500", "--output", str(page), store=loaded_store)
    assert result.exit_code == 1
    # 864 nodes: as in test_viz
    assert refusal(result) == (
        "stackgraph: error: the whole graph has 864 nodes, more than 500 (--max-nodes): draw a part of it, "
        "e.g. --kind ego --around NAME or --kind cooccurrence --min-count 3, or raise --max-nodes")
    assert not page.exists()


def test_an_ego_page_above_the_limit_is_refused(loaded_store, tmp_path):
    result = invoke("viz", "--around", "Logflare", "--depth", "2", "--max-nodes", "100",
                    "--output", str(tmp_path / "ego.html"), store=loaded_store)
    assert result.exit_code == 1
    assert refusal(result) == ("stackgraph: error: more than 100 nodes lie within 2 hops of Company:logflare "
                                      "(--max-nodes): lower --depth, or raise --max-nodes")

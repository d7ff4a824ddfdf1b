"""Render rows for the terminal or for pipes: a table that fits the terminal, JSON or CSV.

Rows are dicts keyed by column. In table and CSV cells a list reads ``a, b, c``, a
boolean ``yes`` or ``no``, a float four significant digits. Tables wrap long cells to
fit the terminal's width (``COLUMNS`` when set).

Text from the data never reaches a terminal as a raw control character, so an escape
sequence in a listing cannot repaint the screen or retitle the window. Tables, and CSV
written to a terminal, show each control character as its escape (``\\x1b``); CSV to a
pipe or a file carries the data exactly. JSON is exact everywhere: its strings escape
every control character (``\\u001b``, ``\\u009b``), and a float that is not a number
(NaN, an infinity) is written as ``null``, so that a strict parser reads every output.

>>> print(render([{"name": "PostgreSQL", "companies": 9, "hosting": False}], "table"))
name        companies  hosting
──────────────────────────────
PostgreSQL  9          no
>>> print(render([{"name": "Bell\\x07", "tags": ["a", "b"]}], "table"))
name      tags
──────────────
Bell\\x07  a, b
>>> print(render([{"name": "Bolt", "tags": ["a", "b"]}], "CSV"))
name,tags
Bolt,"a, b"
>>> print(render([{"ratio": float("nan"), "title": "\\x1b]0;pwned\\x07"}], "json"))
[
  {
    "ratio": null,
    "title": "\\u001b]0;pwned\\u0007"
  }
]
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import shutil
import sys
import unicodedata
from typing import Any, Iterable

FORMATS = ("table", "json", "csv")

# Wide enough for most rows when nothing says how wide the terminal is (stdout is a pipe, no COLUMNS).
DEFAULT_WIDTH = 100


def cell(value: Any) -> str:
    """What a table or CSV cell shows for ``value``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(cell(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {cell(item)}" for key, item in value.items())
    return str(value)


def escape_controls(text: str, keep: str = "") -> str:
    """``text`` with each control character but those in ``keep`` written as its Python escape.

    >>> print(escape_controls("a\\x1b[2J\\tb\\nc", keep="\\n"))
    a\\x1b[2J\\tb
    c
    """
    if text.isprintable():
        return text
    return "".join(repr(ch)[1:-1] if unicodedata.category(ch) == "Cc" and ch not in keep else ch for ch in text)


# How each of graph.store.CHANGE_COUNTERS reads in a sentence: verb, singular, plural.
_CHANGES = {
    "nodes_created": ("created", "node", "nodes"),
    "relationships_created": ("created", "relationship", "relationships"),
    "properties_set": ("set", "property", "properties"),
    "nodes_deleted": ("deleted", "node", "nodes"),
    "relationships_deleted": ("deleted", "relationship", "relationships"),
}


def changes_summary(changes: dict[str, int]) -> str:
    """What a write changed, in words.

    >>> changes_summary({"nodes_created": 1, "properties_set": 2})
    'created 1 node, set 2 properties'
    >>> changes_summary({})
    'changed nothing'
    """
    parts = []
    for counter, (verb, one, many) in _CHANGES.items():
        if n := changes.get(counter):
            parts.append(f"{verb} {n} {one if n == 1 else many}")
    return ", ".join(parts) or "changed nothing"


def terminal_width() -> int:
    """The terminal's width: ``COLUMNS`` when set, else the terminal's own, else DEFAULT_WIDTH."""
    return shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns


def _columns(rows: list[dict[str, Any]], columns: Iterable[str] | None) -> list[str]:
    if columns is not None:
        return list(columns)
    return list(dict.fromkeys(key for row in rows for key in row))


# What json.dumps(ensure_ascii=False) leaves raw in a string: DEL and the C1 controls (U+009B is a CSI).
_RAW_IN_JSON = re.compile("[\x7f-\x9f]")


def _finite(value: Any) -> Any:
    """``value`` with every float that is not a number (NaN, ±infinity) replaced by None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value


def json_text(value: Any) -> str:
    """``value`` as strict JSON (RFC 8259), indented: no NaN or Infinity, no control character raw in a string.

    >>> print(json_text({"lift": float("inf"), "name": "a\\x9bb"}))
    {
      "lift": null,
      "name": "a\\u009bb"
    }
    """
    text = json.dumps(_finite(value), ensure_ascii=False, indent=2, default=str, allow_nan=False)
    return _RAW_IN_JSON.sub(lambda match: f"\\u{ord(match[0]):04x}", text)


def render(rows: list[dict[str, Any]], fmt: str = "table", columns: Iterable[str] | None = None,
           width: int | None = None, terminal: bool | None = None) -> str:
    """The rows in one of FORMATS (any case); JSON is an array of objects keyed by column.

    ``columns`` orders the table and CSV columns (and names them when there are no rows);
    ``width`` is the table's limit, the terminal's width by default; ``terminal`` says whether
    the text goes to a terminal (CSV is then escaped), by default whether stdout is one.
    """
    fmt = fmt.lower()
    if fmt == "json":
        return json_text(rows)
    names = _columns(rows, columns)
    if fmt == "csv":
        shown = escape_controls if (sys.stdout.isatty() if terminal is None else terminal) else str
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([shown(name) for name in names])
        for row in rows:
            writer.writerow([shown(cell(row.get(name))) for name in names])
        return buffer.getvalue().rstrip("\n")
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    if not names:
        return "(no rows)"
    return _table([escape_controls(name) for name in names],
                  [[escape_controls(cell(row.get(name))) for name in names] for row in rows],
                  width or terminal_width())


# Between two columns (rich's padding of one space either side).
GAP = 2
# A column is not narrowed below its header or longest word (up to this), while the others can give way.
WHOLE_WORD = 16


def _widths(names: list[str], cells: list[list[str]], width: int) -> list[int]:
    """Column widths that fit ``width``: as wide as their widest line while that fits, else the widest
    columns narrowed alike (water-filling) down to their longest word, then below it if need be."""
    columns = [[name] + [line[index] for line in cells] for index, name in enumerate(names)]
    natural = [max(len(text) for text in column) for column in columns]
    words = [min(max(len(word) for text in column for word in text.split() or [""]), WHOLE_WORD) for column in columns]
    available = width - GAP * (len(names) - 1)
    for floors in (words, [1] * len(names)):
        cap = max(natural)
        fitted = natural
        while cap > 1 and sum(fitted) > available:
            cap -= 1
            fitted = [min(n, max(cap, floor)) for n, floor in zip(natural, floors)]
        if sum(fitted) <= available:
            return fitted
    return fitted


def _table(names: list[str], cells: list[list[str]], width: int) -> str:
    # rich is imported here, not at the top: `stackgraph --help` renders no table.
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True)
    for name, column_width in zip(names, _widths(names, cells, width)):
        table.add_column(Text(name), overflow="fold", width=column_width)
    for line in cells:
        table.add_row(*(Text(text) for text in line))
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, highlight=False, emoji=False,
                      legacy_windows=False)
    console.print(table)
    return "\n".join(line.rstrip() for line in buffer.getvalue().rstrip("\n").splitlines())

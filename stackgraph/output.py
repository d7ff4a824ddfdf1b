"""Render rows for the terminal or for pipes: an aligned table, JSON or CSV.

Rows are dicts keyed by column; nested values (lists, maps) are written as
JSON inside table and CSV cells.

>>> print(render([{"name": "PostgreSQL", "companies": 9}], "table"))
name        companies
----------  ---------
PostgreSQL  9
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Iterable

FORMATS = ("table", "json", "csv")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _columns(rows: list[dict[str, Any]], columns: Iterable[str] | None) -> list[str]:
    if columns is not None:
        return list(columns)
    return list(dict.fromkeys(key for row in rows for key in row))


def render(rows: list[dict[str, Any]], fmt: str = "table", columns: Iterable[str] | None = None) -> str:
    """The rows in one of FORMATS; JSON is an array of objects keyed by column."""
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2, default=str)
    names = _columns(rows, columns)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(names)
        for row in rows:
            writer.writerow([_cell(row.get(name)) for name in names])
        return buffer.getvalue().rstrip("\n")
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    if not names:
        return "(no rows)"
    cells = [[_cell(row.get(name)) for name in names] for row in rows]
    widths = [max([len(name)] + [len(line[i]) for line in cells]) for i, name in enumerate(names)]
    lines = ["  ".join(name.ljust(w) for name, w in zip(names, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip() for line in cells]
    return "\n".join(lines)

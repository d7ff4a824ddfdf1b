r"""Query parameters for FalkorDB, which takes them as Cypher literals in front of the query.

The falkordb client's own prefix quotes strings correctly, but it clamps integers past 64
bits to 2**63-1 without a word, sends ``str()`` of any other object as Cypher text, and lets
NUL, ``inf`` and ``nan`` through to fail with a parser message about backticks. This encoder
refuses those with a :class:`~graph.errors.QueryError` that names the parameter.

>>> cypher_parameters({"name": 'say "hi"', "n": 2, "tags": [True, None], "m": {"k": 0.5}})
'CYPHER name="say \\"hi\\"" n=2 tags=[true,null] m={`k`:0.5} '
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from graph.errors import QueryError

_PARAMETER_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
# Lists and maps nested deeper than this are refused: the server parses literals recursively.
MAX_DEPTH = 32


def cypher_parameters(params: Mapping[str, Any] | None) -> str:
    """The ``CYPHER name=value …`` prefix that carries ``params``; empty without any."""
    if not params:
        return ""
    parts = []
    for name, value in params.items():
        if not isinstance(name, str) or not _PARAMETER_NAME.fullmatch(name):
            raise QueryError(f"parameter name {name!r} is not a Cypher identifier")
        parts.append(f"{name}={_literal(value, name, 0)}")
    return "CYPHER " + " ".join(parts) + " "


def _literal(value: Any, name: str, depth: int) -> str:
    # Exact built-in types first, without a function call per scalar: a load's rows are
    # lists of maps of str, int, bool and None, ~90 of them an episode.
    kind = type(value)
    if kind is str:
        return _string(value, name)
    if kind is dict or kind is list or kind is tuple:
        if depth >= MAX_DEPTH:
            raise QueryError(f"parameter {name}: lists and maps nested more than {MAX_DEPTH} deep cannot be sent")
        if kind is dict:
            return _map(value, name, depth + 1)
        return "[" + ",".join([_item(item, name, depth + 1) for item in value]) + "]"
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, bool):  # a bool-like subclass
        return "true" if value else "false"
    if isinstance(value, int):
        if not _INT64_MIN <= value <= _INT64_MAX:
            raise QueryError(f"parameter {name}: integer {value} does not fit in 64 bits")
        return str(int(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise QueryError(f"parameter {name}: {value} is not a number FalkorDB can store")
        return repr(float(value))
    if isinstance(value, str):
        return _string(str(value), name)
    if isinstance(value, Mapping):
        return _literal(dict(value), name, depth)
    if isinstance(value, (list, tuple)):
        return _literal(list(value), name, depth)
    raise QueryError(
        f"parameter {name}: a {type(value).__name__} cannot be sent to FalkorDB; "
        "use str, int, float, bool, None, list or dict"
    )


def _map(value: dict[Any, Any], name: str, depth: int) -> str:
    parts = []
    for key, item in value.items():
        prefix = _KEY_PREFIXES.get(key) if type(key) is str else None
        if prefix is None:
            prefix = _map_key(key, name)
        # Inline, the plain strings, small ints, booleans and nulls of a load's rows.
        kind = type(item)
        if kind is str and item.isascii() and '"' not in item and "\\" not in item and "\0" not in item:
            parts.append(f'{prefix}"{item}"')
        elif kind is int and _INT64_MIN <= item <= _INT64_MAX:
            parts.append(prefix + str(item))
        elif item is None:
            parts.append(prefix + "null")
        elif item is True:
            parts.append(prefix + "true")
        elif item is False:
            parts.append(prefix + "false")
        else:
            parts.append(prefix + _literal(item, name, depth))
    return "{" + ",".join(parts) + "}"


def _item(value: Any, name: str, depth: int) -> str:
    """A list element: maps (a load's rows) and strings without a detour."""
    kind = type(value)
    if kind is dict:
        if depth >= MAX_DEPTH:
            raise QueryError(f"parameter {name}: lists and maps nested more than {MAX_DEPTH} deep cannot be sent")
        return _map(value, name, depth + 1)
    return _literal(value, name, depth)


# Map keys already checked, with their literal prefix ("`key`:"): loads use a handful of keys.
_KEY_PREFIXES: dict[str, str] = {}


def _map_key(key: Any, name: str) -> str:
    if not isinstance(key, str) or not key or "`" in key or "\0" in key:
        raise QueryError(f"parameter {name}: map key {key!r} cannot be sent to FalkorDB")
    prefix = f"`{key}`:"
    if type(key) is str and len(_KEY_PREFIXES) < 4096:
        _KEY_PREFIXES[key] = prefix
    return prefix


def _string(value: str, name: str) -> str:
    # The server reads the query as a C string: a NUL would cut it short.
    if "\0" in value:
        raise QueryError(f"parameter {name}: strings cannot contain NUL characters")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise QueryError(f"parameter {name}: the string is not valid Unicode (lone surrogate)") from None
    if '"' in value or "\\" in value:
        value = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + value + '"'

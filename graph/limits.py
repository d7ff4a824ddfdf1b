"""The bounds every store puts on the work one statement may do.

A read-only statement runs for at most ``STACKGRAPH_QUERY_TIMEOUT`` seconds (default 60)
unless its caller gives a limit of its own; a write runs without one unless given, since a
load's statements must not be cut off half way through a large graph.
"""

from __future__ import annotations

import math
import os

from graph.errors import QueryError, QueryTimeout, StoreError

QUERY_TIMEOUT_ENV = "STACKGRAPH_QUERY_TIMEOUT"
DEFAULT_QUERY_TIMEOUT = 60.0
# The memory one FalkorDB statement may take (Neo4j: the server's db.memory.transaction.max). Generous:
# it stops a runaway statement (a range of a billion) before it takes the machine, not an export of 100k
# episodes.
QUERY_MEMORY_ENV = "STACKGRAPH_QUERY_MEMORY_MB"
DEFAULT_QUERY_MEMORY_MB = 4096


def number_from_env(variable: str, default: float, *, unit: str = "seconds", zero_allowed: bool = False) -> float:
    """A number (of seconds, or of ``unit``) from the environment variable ``variable``, or ``default`` when it is unset.

    >>> os.environ[QUERY_TIMEOUT_ENV] = "2.5"; number_from_env(QUERY_TIMEOUT_ENV, DEFAULT_QUERY_TIMEOUT)
    2.5
    >>> os.environ[QUERY_TIMEOUT_ENV] = "0"; number_from_env(QUERY_TIMEOUT_ENV, DEFAULT_QUERY_TIMEOUT)
    Traceback (most recent call last):
    graph.errors.StoreError: STACKGRAPH_QUERY_TIMEOUT must be a positive number of seconds, not '0'
    >>> del os.environ[QUERY_TIMEOUT_ENV]; number_from_env(QUERY_TIMEOUT_ENV, DEFAULT_QUERY_TIMEOUT)
    60.0
    """
    configured = os.environ.get(variable)
    if configured is None:
        return default
    try:
        seconds = float(configured)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and (seconds > 0 or (zero_allowed and seconds == 0))):
        kind = f"number of {unit} (0 or more)" if zero_allowed else f"positive number of {unit}"
        raise StoreError(f"{variable} must be a {kind}, not {configured!r}")
    return seconds


def out_of_memory(megabytes: float) -> QueryError:
    """The error for a statement stopped at the memory it may take.

    >>> out_of_memory(4096)
    QueryError('the query needed more than the 4096 MB a query may take (STACKGRAPH_QUERY_MEMORY_MB)')
    """
    return QueryError(f"the query needed more than the {megabytes:g} MB a query may take ({QUERY_MEMORY_ENV})")


def check_timeout(timeout: float | None) -> None:
    """Refuse a time limit that is not a positive number of seconds (a caller's mistake).

    >>> check_timeout(-1)
    Traceback (most recent call last):
    ValueError: a query time limit must be a positive number of seconds, not -1
    """
    if timeout is not None and not (timeout > 0 and math.isfinite(timeout)):
        raise ValueError(f"a query time limit must be a positive number of seconds, not {timeout!r}")


def timed_out(timeout: float) -> QueryTimeout:
    """The error for a statement stopped at its limit.

    >>> timed_out(5.0)
    QueryTimeout('the query ran past its time limit of 5 s')
    """
    return QueryTimeout(f"the query ran past its time limit of {timeout:g} s")


# FalkorDB 4.16's parser takes time exponential in how deeply an expression nests, and its TIMEOUT
# does not cover parsing: measured, 10 nested brackets parse in 0.05-0.2 s, 16 in 1-3 s, 20 in a
# minute; a NOT or unary minus nests like a bracket ("NOT (" x 10 took 12 s). A chain of 50,000
# "+1" (100 KB) crashed the server, 20,000 (40 KB) parsed in 0.6 s.
MAX_QUERY_CHARS = 20_000
MAX_NESTING = 10
# Parse work, estimated as 2**depth for every bracket or prefix opened: 300 groups of 10 brackets
# took 6 s, 6,600 "[0]" subscripts 1.7 s; this much is about a quarter of a second.
MAX_PARSE_WORK = 2**13

_OPEN, _CLOSE = "([{", ")]}"
_QUOTES = "'\"`"
_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$")


def check_query_text(query: str) -> None:
    """Refuse query text the server could not parse in bounded time (:class:`QueryError`).

    One linear scan: strings, quoted names and comments are skipped; brackets, NOT and a unary
    minus or plus each open a level.

    >>> check_query_text("MATCH (c:Company {id: $id})-[:USES]->(t) WHERE NOT t.id IN ['a(', 'b'] RETURN t")
    >>> check_query_text("RETURN " + "NOT (" * 6 + "true" + ")" * 6)
    Traceback (most recent call last):
    graph.errors.QueryError: the query nests 11 levels deep at character 33 (brackets, NOT, a unary minus); at most 10 are accepted
    """
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is {len(query):,} characters long; at most {MAX_QUERY_CHARS:,} are accepted")
    depth = prefixes = work = 0
    after_operand = False  # a minus after an operand subtracts; anywhere else it negates
    index, end = 0, len(query)
    while index < end:
        at, char, opened = index + 1, query[index], False
        if char in _QUOTES:
            index = _end_of_quoted(query, index)
            after_operand, prefixes = True, 0
            continue
        if query.startswith("//", index):
            index = _end_of(query, "\n", index)
            continue
        if query.startswith("/*", index):
            index = _end_of(query, "*/", index)
            continue
        if char in _WORD:
            start = index
            while index < end and query[index] in _WORD:
                index += 1
            if query[start:index].upper() == "NOT":
                prefixes, opened, after_operand = prefixes + 1, True, False
            else:
                prefixes, after_operand = 0, True
        else:
            index += 1
            if char in _OPEN:
                depth, opened, after_operand = depth + 1, True, False
            elif char in _CLOSE:
                depth, prefixes, after_operand = max(0, depth - 1), 0, True
            elif char in "-+" and not after_operand:
                prefixes, opened = prefixes + 1, True
            elif not char.isspace():
                after_operand = False
        if opened:
            if depth + prefixes > MAX_NESTING:
                raise QueryError(f"the query nests {depth + prefixes} levels deep at character {at} (brackets, NOT, "
                                 f"a unary minus); at most {MAX_NESTING} are accepted")
            work += 2 ** (depth + prefixes)
            if work > MAX_PARSE_WORK:
                raise QueryError(f"the query has too many nested brackets to parse in bounded time (by character "
                                 f"{at}); split it, or pass the values as parameters")


def _end_of_quoted(text: str, start: int) -> int:
    """The index after the quote that closes the one at ``start`` (a backslash escapes in strings)."""
    quote, index = text[start], start + 1
    while index < len(text):
        if text[index] == "\\" and quote != "`":
            index += 2
        elif text[index] == quote:
            return index + 1
        else:
            index += 1
    return len(text)


def _end_of(text: str, marker: str, start: int) -> int:
    found = text.find(marker, start + 2)
    return len(text) if found < 0 else found + len(marker)

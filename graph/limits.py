"""The bounds every store puts on the work one statement may do.

A read-only statement runs for at most ``STACKGRAPH_QUERY_TIMEOUT`` seconds (default 60)
unless its caller gives a limit of its own; a write runs without one unless given, since a
load's statements must not be cut off half way through a large graph.
"""

from __future__ import annotations

import math
import os

from graph.errors import QueryTimeout, StoreError

QUERY_TIMEOUT_ENV = "STACKGRAPH_QUERY_TIMEOUT"
DEFAULT_QUERY_TIMEOUT = 60.0


def query_timeout_from_env() -> float:
    """STACKGRAPH_QUERY_TIMEOUT in seconds, or the default of 60.

    >>> os.environ[QUERY_TIMEOUT_ENV] = "2.5"; query_timeout_from_env()
    2.5
    >>> os.environ[QUERY_TIMEOUT_ENV] = "0"; query_timeout_from_env()
    Traceback (most recent call last):
    graph.errors.StoreError: STACKGRAPH_QUERY_TIMEOUT must be a positive number of seconds, not '0'
    >>> del os.environ[QUERY_TIMEOUT_ENV]; query_timeout_from_env()
    60.0
    """
    configured = os.environ.get(QUERY_TIMEOUT_ENV)
    if configured is None:
        return DEFAULT_QUERY_TIMEOUT
    try:
        seconds = float(configured)
    except ValueError:
        seconds = math.nan
    if not (seconds > 0 and math.isfinite(seconds)):
        raise StoreError(f"{QUERY_TIMEOUT_ENV} must be a positive number of seconds, not {configured!r}")
    return seconds


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

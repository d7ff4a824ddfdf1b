"""What a long command is doing, on stderr: one line per step, and on a terminal how long it took.

>>> with step("Counting"):
...     pass
"""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from typing import Iterator

import click


@contextmanager
def step(what: str) -> Iterator[None]:
    """Say ``what…`` on stderr before the work; on a terminal, end the line with its duration."""
    terminal = sys.stderr.isatty()
    click.echo(f"{what}…", err=True, nl=not terminal)
    start = time.perf_counter()
    try:
        yield
    except BaseException:
        if terminal:
            click.echo("", err=True)  # the error's line starts a line of its own
        raise
    if terminal:
        click.echo(f" {time.perf_counter() - start:.1f} s", err=True)

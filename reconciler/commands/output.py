"""All terminal output goes through here: masking, colour decisions, stdout vs stderr.

Core modules never print; the CLI and its commands call these functions.
"""

from __future__ import annotations

import os
import sys
from typing import IO

import click

from reconciler.core.escaping import terminal
from reconciler.core.masking import mask

_COLOR_FLAG: list[bool | None] = [None]  # --color / --no-color of this run; None: not given


def set_color(choice: bool | None) -> None:
    """Record `--color` (True), `--no-color` (False) or neither (None) for use_color()."""
    _COLOR_FLAG[0] = choice


def use_color(stream: IO[str] | None = None) -> bool:
    """Whether to colour `stream`. Precedence: the --color/--no-color flag, then NO_COLOR
    (https://no-color.org: set and non-empty turns colour off), then FORCE_COLOR
    (https://force-color.org: set and non-empty turns it on, even in a pipe), then
    TERM=dumb (off), then whether the stream is a terminal."""
    if _COLOR_FLAG[0] is not None:
        return _COLOR_FLAG[0]
    if os.environ.get("NO_COLOR", "") != "":
        return False
    if os.environ.get("FORCE_COLOR", "") != "":
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    stream = stream or sys.stdout
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def echo(text: str = "", *, err: bool = False, nl: bool = True) -> None:
    """Print masked text to stdout (or stderr). When colour is on, click keeps the ANSI codes
    even in a pipe (FORCE_COLOR, --color); otherwise click strips any it finds off a tty."""
    stream = sys.stderr if err else sys.stdout
    click.echo(mask(text), err=err, nl=nl, color=True if use_color(stream) else None)


def _lines(text: str) -> str:
    """A message's own lines kept; anything else that could forge or colour a line escaped."""
    return "\n".join(terminal(line) for line in text.split("\n"))


def error(text: str) -> None:
    echo(f"reconciler: error: {_lines(text)}", err=True)


def warn(text: str) -> None:
    echo(f"reconciler: warning: {_lines(text)}", err=True)


def notice(text: str) -> None:
    echo(f"reconciler: {_lines(text)}", err=True)

"""All terminal output goes through here: masking, colour decisions, stdout vs stderr.

Core modules never print; the CLI and its commands call these functions.
"""

from __future__ import annotations

import os
import sys
from typing import IO

import click

from reconciler.escaping import terminal
from reconciler.masking import mask


def use_color(stream: IO[str] | None = None) -> bool:
    """Colour only on a terminal, never with NO_COLOR (https://no-color.org) or TERM=dumb."""
    if os.environ.get("NO_COLOR", "") != "":
        return False
    if os.environ.get("TERM") == "dumb":
        return False
    stream = stream or sys.stdout
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def echo(text: str = "", *, err: bool = False, nl: bool = True) -> None:
    """Print masked text to stdout (or stderr)."""
    click.echo(mask(text), err=err, nl=nl)


def _lines(text: str) -> str:
    """A message's own lines kept; anything else that could forge or colour a line escaped."""
    return "\n".join(terminal(line) for line in text.split("\n"))


def error(text: str) -> None:
    echo(f"reconciler: error: {_lines(text)}", err=True)


def warn(text: str) -> None:
    echo(f"reconciler: warning: {_lines(text)}", err=True)


def notice(text: str) -> None:
    echo(f"reconciler: {_lines(text)}", err=True)

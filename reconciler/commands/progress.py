"""Apply progress for people: one line per finished step; on a terminal also a live status
line (rewritten in place) saying how many steps are done. Plain lines in CI and pipes.

Hand-written on purpose: click has no erase-line call (only click.clear(), the whole screen),
and click.progressbar draws a bar that the per-step lines printed between updates would tear;
the one sequence used, CR + ESC[2K (erase the line), is the same on every ANSI terminal."""

from __future__ import annotations

import sys
import threading
from dataclasses import replace

import click

from reconciler.apply import FAILED, OK, StepResult
from reconciler.core.escaping import terminal
from reconciler.core.masking import mask

SYMBOLS = {
    "create": "+",
    "update": "~",
    "wait_build": "…",
    "deploy": "^",
    "rebind": ">",
    "delete": "-",
    "create_module": "+",
    "update_module": "~",
    "publish_module": "^",
    "delete_module": "-",
}


def step_line(result: StepResult) -> str:
    name = terminal(result.address.split(".", 1)[-1])
    if result.address.startswith("module."):
        name = f"module {name}"
    result = replace(result, message=terminal(result.message))  # a build error, a server reply
    if result.status == OK:
        return f"{SYMBOLS.get(result.kind, '*')} {name} {result.message} ({result.seconds:.1f} s)"
    if result.status == FAILED:
        return f"! {name} {result.kind} failed: {result.message} ({result.seconds:.1f} s)"
    return f"  {name} {result.kind} {result.message}"


class Progress:
    def __init__(self, total: int, *, prefix: str = "", live: bool | None = None) -> None:
        self.total = total
        self.prefix = prefix
        self.done = 0
        self.live = sys.stdout.isatty() if live is None else live
        self._lock = threading.Lock()

    def __call__(self, result: StepResult) -> None:
        with self._lock:
            self.done += 1
            if self.live:
                click.echo("\r\x1b[2K", nl=False)
            click.echo(mask(self.prefix + step_line(result)))
            if self.live and self.done < self.total:
                click.echo(f"applying: {self.done}/{self.total} steps done", nl=False)

    def close(self) -> None:
        if self.live:
            click.echo("\r\x1b[2K", nl=False)

"""Crash reports: an unexpected exception (a bug in reconciler) is written to a file, masked.

The CLI prints one line naming the file and exits ExitCode.BUG; the file holds the traceback,
the version and the command line, with every registered secret value and token masked.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from pathlib import Path

from reconciler import __version__
from reconciler.core.errors import clip
from reconciler.core.escaping import terminal
from reconciler.core.masking import mask

CRASH_DIR = Path(".reconciler")


def report_text(exc: BaseException, args: Sequence[str], when: float) -> str:
    """The masked text of a crash report for `exc`, raised by `reconciler <args>`."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(when))
    lines = [
        "reconciler crash report: this is a bug in reconciler; please report it with this file.",
        f"version: {__version__}",
        f"time: {stamp}",
        f"command: reconciler {' '.join(args)}",
        f"python: {sys.version.split()[0]} on {platform.platform()}",
        "",
        *traceback.format_exception(type(exc), exc, exc.__traceback__),
    ]
    return mask("\n".join(line.rstrip("\n") for line in lines) + "\n")


def _candidates() -> list[Path]:
    return [Path.cwd() / CRASH_DIR, Path(tempfile.gettempdir())]


def write_report(exc: BaseException, args: Sequence[str]) -> Path | None:
    """Write the crash report of `exc` to `.reconciler/` in the working directory, or to the
    system temp dir if that cannot be written; None if neither can."""
    when = time.time()
    text = report_text(exc, args, when)
    name = f"crash-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime(when))}-{os.getpid()}.txt"
    for folder in _candidates():
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / name
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
            return path
        except OSError:
            continue
    return None


def bug_line(exc: BaseException, report: Path | None) -> str:
    """The one line the user sees for a bug: what failed, and where the report is."""
    detail = terminal(clip(mask(f"{type(exc).__name__}: {exc}")))
    where = (
        f"crash report written to {terminal(str(report))}"
        if report is not None
        else "no crash report could be written (rerun with --traceback to see where)"
    )
    return f"bug in reconciler: {detail}; {where}; please report it"

"""Opt-in: the CPU each test costs, for finding what makes the suite slow.

`SUITE_CPU_REPORT=DIR python -m pytest` writes DIR/<worker>.json (per test: node id, CPU
seconds of the worker and the children it waited for, wall seconds, start time) and prints the
suite's CPU total and the tests that cost most CPU (start from an empty DIR). Off without the
variable.
"""

from __future__ import annotations

import json
import os
import resource
import time
from collections.abc import Generator
from pathlib import Path

import pytest

_DIR = os.environ.get("SUITE_CPU_REPORT", "")
_ROWS: list[tuple[str, float, float, float]] = []
TOP = 15


def _cpu() -> float:
    own, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, None, None]:
    if not _DIR:
        yield
        return
    cpu, wall, began = _cpu(), time.perf_counter(), time.time()
    yield
    _ROWS.append((item.nodeid, _cpu() - cpu, time.perf_counter() - wall, began))


def pytest_sessionfinish(session: pytest.Session) -> None:
    if not _DIR:
        return
    out = Path(_DIR)
    out.mkdir(parents=True, exist_ok=True)
    rows = [{"test": t, "cpu": c, "wall": w, "start": s} for t, c, w, s in _ROWS]
    name = os.environ.get("PYTEST_XDIST_WORKER", "main")  # main: the controller, or -n 0
    (out / f"{name}.json").write_text(json.dumps({"cpu": _cpu(), "tests": rows}))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _DIR:
        return
    rows = [r for f in Path(_DIR).glob("*.json") for r in json.loads(f.read_text())["tests"]]
    rows.sort(key=lambda r: -float(r["cpu"]))
    write = terminalreporter.write_line
    write(f"cpu report ({_DIR}): {len(rows)} tests, {sum(r['cpu'] for r in rows):.1f} s of CPU")
    for row in rows[:TOP]:
        write(f"{row['cpu']:6.2f} s cpu {row['wall']:6.2f} s wall  {row['test']}")

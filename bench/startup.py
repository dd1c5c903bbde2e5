"""Start-up cost: `reconciler --help` next to `python -c "import click, yaml"` (issue 16).

Both run as their own processes, in turn (A B A B ...), so a drift in the machine's speed hits
both; the median of RUNS each is reported with the ratio of the medians.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

RUNS = 9
TARGET_X = 2.0


@dataclass
class Startup:
    help_argv: list[str]
    help_s: list[float]
    imports_s: list[float]

    @property
    def help_median(self) -> float:
        return statistics.median(self.help_s)

    @property
    def imports_median(self) -> float:
        return statistics.median(self.imports_s)

    @property
    def ratio(self) -> float:
        return self.help_median / self.imports_median if self.imports_median else 0.0


def help_argv() -> list[str]:
    """The installed `reconciler` script next to this Python, else `python -m reconciler`."""
    script = Path(sys.executable).with_name("reconciler")
    if script.exists():
        return [str(script), "--help"]
    found = shutil.which("reconciler")
    return [found, "--help"] if found else [sys.executable, "-m", "reconciler", "--help"]


def _time(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, check=True, timeout=60)
    return time.perf_counter() - started


def measure(runs: int = RUNS) -> Startup:
    argv = help_argv()
    imports = [sys.executable, "-c", "import click, yaml"]
    _time(argv), _time(imports)  # warm the file cache, not counted
    result = Startup(argv, [], [])
    for _ in range(runs):
        result.help_s.append(_time(argv))
        result.imports_s.append(_time(imports))
    return result


def lines(s: Startup) -> list[str]:
    verdict = "met" if s.ratio <= TARGET_X else "NOT met"
    shown = " ".join(Path(a).name if i == 0 else a for i, a in enumerate(s.help_argv))
    return [
        f"- `{shown}`: median {s.help_median * 1000:.0f} ms of {len(s.help_s)} "
        f"(min {min(s.help_s) * 1000:.0f}, max {max(s.help_s) * 1000:.0f});",
        f'- `python -c "import click, yaml"`: median {s.imports_median * 1000:.0f} ms '
        f"(min {min(s.imports_s) * 1000:.0f}, max {max(s.imports_s) * 1000:.0f});",
        f"- ratio {s.ratio:.2f}x (target within {TARGET_X:g}x: **{verdict}**); "
        "the two ran in turn.",
    ]


if __name__ == "__main__":
    print("\n".join(lines(measure())))

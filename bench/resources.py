"""CPU time and peak memory of `reconciler plan` (100 actions x 50 kB code) and `validate`.

Each command runs as its own process; `os.wait4` gives that process's resource usage, which
includes the children it waited for (the `node --check` processes the manifest loader spawns
when `node` is on PATH). CPU = user + system seconds; peak RSS = the largest resident set of
the process or any one of those children (`ru_maxrss`), not their sum.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import scenarios as sc

REPO = Path(__file__).resolve().parent.parent
FAST = sc.Tier("unthrottled", 1000.0, 1000)
CODE_SIZE = 50_000


@dataclass(frozen=True)
class Usage:
    what: str
    exit_code: int
    wall: float
    user: float
    system: float
    max_rss_mb: float

    @property
    def cpu(self) -> float:
        return self.user + self.system


def measure(what: str, argv: list[str], env: dict[str, str], cwd: Path) -> Usage:
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv,
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped by wait4
    return Usage(
        what,
        proc.returncode,
        wall,
        usage.ru_utime,
        usage.ru_stime,
        usage.ru_maxrss / 1024,  # Linux: kilobytes
    )


def run_all() -> list[Usage]:
    out: list[Usage] = []
    env = sc.reconciler_env()
    rec = [sys.executable, "-m", "reconciler"]
    out.append(
        measure("validate examples/actions", [*rec, "validate", "examples/actions"], env, REPO)
    )
    with tempfile.TemporaryDirectory(prefix="bench-cpu-") as tmp:
        work = Path(tmp)
        root = work / "manifests"
        sc.write_reconciler(root, 100, code_size=CODE_SIZE)
        size = sum(p.stat().st_size for p in root.glob("*.js")) / 100 / 1000
        with sc.Emulator(FAST, work / "state.json", tls=True, latency_ms=0, build_seconds=0) as emu:
            tenant = [*emu.tenant_arg, "--rate-limit", "1000"]
            plan = [*rec, "plan", str(root), *tenant]
            out.append(measure(f"plan, 100 actions x {size:.0f} kB, empty tenant", plan, env, work))
            apply = [*rec, "apply", str(root), "--auto-approve", *tenant]
            what = f"apply, 100 actions x {size:.0f} kB, empty tenant"
            out.append(measure(what, apply, env, work))
            out.append(measure(f"plan, 100 actions x {size:.0f} kB, in sync", plan, env, work))
            (work / "empty-path").mkdir()
            no_node = dict(env, PATH=str(work / "empty-path"))  # the loader skips node --check
            what = f"plan, 100 actions x {size:.0f} kB, in sync, no node on PATH"
            out.append(measure(what, plan, no_node, work))
    return out


def table(rows: list[Usage]) -> str:
    lines = [
        "| command | exit | wall s | CPU s (user + sys) | peak RSS MB |",
        "|---|---|---|---|---|",
    ]
    for u in rows:
        lines.append(
            f"| `{u.what}` | {u.exit_code} | {u.wall:.2f} | {u.cpu:.2f} "
            f"({u.user:.2f} + {u.system:.2f}) | {u.max_rss_mb:.0f} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(run_all()))

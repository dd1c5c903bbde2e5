"""Run every benchmark and write bench/RESULTS.md (issue 8).

    /tmp/venv/bin/python bench/run_all.py            # the full run (about 20 minutes)
    /tmp/venv/bin/python bench/run_all.py --quick    # smoke run: 10 actions, Enterprise only

Scenarios run by `reconciler` and by auth0-deploy-cli (npm-installed into a temporary folder)
against `reconciler emulator serve --tls` (50 ms latency, 1 s builds) at the Enterprise
(16/s, burst 50) and free (2/s, burst 2) rate limits, next to their floors; then CPU time and
peak memory of `plan` and `validate`; then the read and pure-core benchmarks.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import resources
import scenarios as sc
import suites
from deploycli import dcli
from report import Context, render

BENCH = Path(__file__).resolve().parent


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def progress(m: sc.Measure) -> None:
    log(
        f"  {m.tier:<10} {m.tool:<10} {m.scenario:<44} exit {m.exit_code} req {m.requests:>4} "
        f"writes {m.writes:>4} 429 {m.throttled:>3} wall {m.wall:6.1f} s "
        f"(floor {m.floor_seconds:5.1f} s){'  ' + m.note if m.note else ''}"
    )


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def tool_version(argv: list[str]) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=30)
    except OSError:
        return "not found"
    return (done.stdout or done.stderr).strip().splitlines()[0] if done.returncode == 0 else "?"


def side_bench(script: str) -> str:
    done = subprocess.run(
        [sys.executable, str(BENCH / script)],
        capture_output=True,
        text=True,
        check=False,
        cwd=BENCH.parent,
        timeout=600,
    )
    return (done.stdout + done.stderr).strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 actions, Enterprise tier only")
    parser.add_argument("--no-deploy-cli", action="store_true", help="skip auth0-deploy-cli")
    parser.add_argument(
        "--out",
        type=Path,
        help="where to write (default bench/RESULTS.md; with --quick: print only)",
    )
    args = parser.parse_args()
    tiers = [sc.ENTERPRISE] if args.quick else list(sc.TIERS)
    sizes, big = ([], 10) if args.quick else ([10, 50], 100)
    out_path = args.out or (None if args.quick else BENCH / "RESULTS.md")
    command = "/tmp/venv/bin/python bench/run_all.py" + (" --quick" if args.quick else "")
    ctx = Context(
        command=command,
        date=datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        machine=(
            f"{platform.system()} {platform.machine()}, nproc {os.cpu_count()}, "
            f"Python {platform.python_version()}, node {tool_version(['node', '--version'])}"
        ),
        load_before=load_average(),
        tiers=tiers,
        big=big,
    )
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-npm-") as npm_tmp:
        runner = None
        if not args.no_deploy_cli:
            log(f"installing auth0-deploy-cli {dcli.pinned_version()} with npm ci ...")
            t0 = time.monotonic()
            try:
                runner = dcli.DeployCli(dcli.install(Path(npm_tmp)))
                ctx.deploy_cli = f"auth0-deploy-cli {dcli.pinned_version()}"
                log(f"  installed in {time.monotonic() - t0:.0f} s")
            except RuntimeError as exc:
                ctx.deploy_cli_error = str(exc)
                log(f"  {exc}")
        for tier in tiers:
            log(f"{tier.name}: {tier.rate:g}/s, burst {tier.burst}")
            ctx.measures += suites.reconciler_suite(tier, sizes, big, progress)
            if runner is not None:
                # deploy-cli's small sizes only at the first tier: its per-action requests are
                # the same at every tier, and its 10 and 50 runs at 2/s would push the whole
                # run past 20 minutes
                dcli_sizes = sizes if tier == tiers[0] else []
                ctx.measures += suites.deploy_cli_suite(runner, tier, dcli_sizes, big, progress)
    log("CPU time and peak memory ...")
    ctx.usage = resources.run_all()
    log(resources.table(ctx.usage))
    if not args.quick:
        log("read_bench.py and plan_cpu.py ...")
        ctx.side = {name: side_bench(name) for name in ("read_bench.py", "plan_cpu.py")}
    ctx.load_after = load_average()
    ctx.total_seconds = time.monotonic() - started
    text = render(ctx)
    if out_path is None:
        print(text)
    else:
        out_path.write_text(text)
        log(f"wrote {out_path} ({ctx.total_seconds / 60:.1f} min)")
    return 0 if all(m.exit_code in (0,) for m in ctx.measures) else 1


if __name__ == "__main__":
    raise SystemExit(main())

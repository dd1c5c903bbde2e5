"""Run every benchmark and write bench/RESULTS.md (issue 8).

    python bench/run_all.py                          # the full run (about 20 minutes)
    python bench/run_all.py --quick                  # smoke run: 10 actions, Enterprise only
    python bench/run_all.py --only defaults,startup  # some parts only (printed, not written)

Scenarios run by `reconciler` and by auth0-deploy-cli (npm-installed into a temporary folder)
against `reconciler emulator serve --tls` (50 ms latency, 1 s builds) at the Enterprise
(16/s, burst 50) and free (2/s, burst 2) rate limits, next to their floors; then CPU time and
peak memory of `plan` and `validate`; then the read and pure-core benchmarks. Parts (`--only`):
suite (the scenarios above, both tools), defaults (reconciler with no flags), startup (`--help`
vs `import click, yaml`), usage (CPU and memory), side (read_bench.py, plan_cpu.py).
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
import startup
import suites
from deploycli import dcli
from report import Context, render

BENCH = Path(__file__).resolve().parent
PARTS = ("suite", "defaults", "startup", "usage", "side")


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


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 actions, Enterprise tier only")
    parser.add_argument("--no-deploy-cli", action="store_true", help="skip auth0-deploy-cli")
    parser.add_argument(
        "--only",
        type=lambda text: [p.strip() for p in text.split(",") if p.strip()],
        help=f"comma-separated parts to run, of: {', '.join(PARTS)} (default: all)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="where to write (default bench/RESULTS.md; with --quick or --only: print only)",
    )
    args = parser.parse_args()
    unknown = sorted(set(args.only or ()) - set(PARTS))
    if unknown:
        parser.error(f"unknown part(s) {', '.join(unknown)}; parts: {', '.join(PARTS)}")
    return args


def run_suites(ctx: Context, args: argparse.Namespace, parts: list[str], sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-npm-") as npm_tmp:
        runner = None
        if "suite" in parts and not args.no_deploy_cli:
            log(f"installing auth0-deploy-cli {dcli.pinned_version()} with npm ci ...")
            t0 = time.monotonic()
            try:
                runner = dcli.DeployCli(dcli.install(Path(npm_tmp)))
                ctx.deploy_cli = f"auth0-deploy-cli {dcli.pinned_version()}"
                log(f"  installed in {time.monotonic() - t0:.0f} s")
            except RuntimeError as exc:
                ctx.deploy_cli_error = str(exc)
                log(f"  {exc}")
        for tier in ctx.tiers:
            log(f"{tier.name}: {tier.rate:g}/s, burst {tier.burst}")
            if "suite" in parts:
                ctx.measures += suites.reconciler_suite(tier, sizes, ctx.big, progress)
            if "defaults" in parts:
                ctx.measures += suites.defaults_suite(tier, ctx.big, progress)
            if runner is not None:
                # deploy-cli's small sizes only at the first tier: its per-action requests are
                # the same at every tier, and its 10 and 50 runs at 2/s would push the whole
                # run past 20 minutes
                dcli_sizes = sizes if tier == ctx.tiers[0] else []
                ctx.measures += suites.deploy_cli_suite(runner, tier, dcli_sizes, ctx.big, progress)


def main() -> int:
    args = parse_args()
    parts = list(args.only or PARTS)
    tiers = [sc.ENTERPRISE] if args.quick else list(sc.TIERS)
    sizes, big = ([], 10) if args.quick else ([10, 50], 100)
    partial = args.quick or args.only is not None
    out_path = args.out or (None if partial else BENCH / "RESULTS.md")
    command = "python bench/run_all.py" + (" --quick" if args.quick else "")
    if args.only is not None:
        command += f" --only {','.join(parts)}"
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
    if "startup" in parts:
        log("start-up: reconciler --help vs import click, yaml ...")
        ctx.startup = startup.measure()
        log("\n".join(startup.lines(ctx.startup)))
    run_suites(ctx, args, parts, sizes)
    if "usage" in parts:
        log("CPU time and peak memory ...")
        ctx.usage = resources.run_all()
        log(resources.table(ctx.usage))
    if "side" in parts and not args.quick:
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

"""Benchmark: `reconciler apply` of N new actions, as a user runs it, against the emulator.

The emulator runs as its own process (`reconciler emulator serve`, 50 ms latency, 1 s builds) and
the CLI as another (`python -m reconciler apply --auto-approve`), so neither steals the other's
interpreter. Requests are counted from the emulator's request log (`/__emulator/requests`).

Floor (issue 6): the minimum requests the API allows for the job divided by the rate limit, plus
one build; `scenarios.floor` derives it (reads + N creates with deploy:true + 1 build poll + T
binding writes; the token is counted in the requests, not in the seconds). `bench/run_all.py`
runs this scenario and the others for both rate-limit tiers and writes bench/RESULTS.md.

    python bench/apply_bench.py [--sizes 10,50,100] [--rate 16 --burst 50]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import scenarios as sc


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10,50,100")
    parser.add_argument("--rate", type=float, default=16.0)
    parser.add_argument("--burst", type=int, default=50)
    args = parser.parse_args()
    tier = sc.Tier("custom", args.rate, args.burst)
    sizes = [int(s) for s in args.sizes.split(",")]
    print(
        f"apply N new actions: emulator latency {sc.LATENCY_MS} ms, builds "
        f"{sc.BUILD_SECONDS:.0f} s, rate limit {args.rate:g}/s burst {args.burst}; "
        f"client --rate-limit {args.rate:g}"
    )
    print(
        f"{'actions':>7} {'exit':>4} {'requests':>8} {'writes':>6} {'429s':>5} {'wall s':>7} "
        f"{'floor req':>9} {'floor s':>7} {'x floor':>7}  second run writes"
    )
    env = sc.reconciler_env()
    for count in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            root = work / "manifests"
            sc.write_reconciler(root, count)
            with sc.Emulator(tier, work / "state.json") as emu:
                argv = [sys.executable, "-m", "reconciler", "apply", str(root), "--auto-approve"]
                argv += [*emu.tenant_arg, "--rate-limit", f"{args.rate:g}"]
                first = sc.run(argv, env, work)
                m = sc.Measure("reconciler", tier.name, f"{count} new", first.code, first.wall)
                sc.count(emu.requests(), m, first.started_epoch)
                m.floor_requests, m.floor_seconds = sc.floor("new", tier, 0, count)
                emu.clear()
                second = sc.run(argv, env, work)
                again = sc.Measure("reconciler", tier.name, "again", second.code, second.wall)
                sc.count(emu.requests(), again, second.started_epoch)
        print(
            f"{count:>7} {m.exit_code:>4} {m.requests:>8} {m.writes:>6} {m.throttled:>5} "
            f"{m.wall:>7.1f} {m.floor_requests:>9} {m.floor_seconds:>7.1f} {m.x_floor:>7.2f}  "
            f"{again.writes} (exit {again.exit_code})"
        )
        if first.code != 0:
            print(f"        last lines: {first.tail()}")


if __name__ == "__main__":
    main()

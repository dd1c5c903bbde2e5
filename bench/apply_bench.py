"""Benchmark: `reconciler apply` of N new actions, as a user runs it, against the emulator.

The emulator runs as its own process (`reconciler emulator serve`, 50 ms latency, 1 s builds) and
the CLI as another (`python -m reconciler apply --auto-approve`), so neither steals the other's
interpreter. Requests are counted from the emulator's request log (`/__emulator/requests`).

Floor (issue 6): the minimum requests the API allows for the job divided by the rate limit, plus
one build. The minimum for N new actions bound to T triggers is: token 1 + triggers 1 +
ceil(N/100) action pages + T binding reads + N creates (deploy in the same call) + 1 build poll
+ T binding writes. `reconciler` adds one verification read (1 triggers + pages + T bindings)
after the last step; the table shows both.

    python bench/apply_bench.py [--sizes 10,50,100] [--rate 16 --burst 50]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

LATENCY_MS = 50
BUILD_SECONDS = 1.0
BOUND = 10  # actions bound to post-login (one owned trigger)


def write_manifests(root: Path, count: int) -> None:
    root.mkdir(parents=True, exist_ok=True)
    lines = ["actions:"]
    for i in range(count):
        name = f"bench-{i:03d}"
        (root / f"{name}.js").write_text(
            f"// bench action {i}\nexports.onExecutePostLogin = async (event, api) => {{\n"
            f"  api.idToken.setCustomClaim('https://example.com/n', {i});\n}};\n"
        )
        lines += [
            f"  - name: {name}",
            "    trigger: post-login",
            f"    code: {name}.js",
            "    dependencies:",
            "      lodash: 4.17.21",
            "    secrets:",
            "      API_KEY: ${BENCH_API_KEY}",
        ]
    lines += ["bindings:", "  post-login:"] + [f"    - bench-{i:03d}" for i in range(BOUND)]
    (root / "actions.yaml").write_text("\n".join(lines) + "\n")


class Emulator:
    def __init__(self, rate: float, burst: int, state: Path) -> None:
        argv = [sys.executable, "-m", "reconciler", "emulator", "serve", "--port", "0"]
        argv += ["--rate-limit", str(rate), "--burst", str(burst), "--state", str(state)]
        argv += ["--latency-ms", str(LATENCY_MS), "--build-seconds", str(BUILD_SECONDS)]
        self.proc = subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        self.url = ""
        assert self.proc.stdout is not None
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not self.url:
            line = self.proc.stdout.readline()
            if match := re.search(r"AUTH0_DOMAIN=(\S+)", line):
                self.url = match.group(1)
        if not self.url:
            self.stop()
            raise SystemExit("the emulator did not start")

    def requests(self) -> list[dict[str, object]]:
        with urllib.request.urlopen(f"{self.url}/__emulator/requests", timeout=10) as resp:
            data = json.load(resp)
        return list(data["requests"] if isinstance(data, dict) else data)

    def clear(self) -> None:
        req = urllib.request.Request(f"{self.url}/__emulator/requests", method="DELETE")
        urllib.request.urlopen(req, timeout=10).close()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


def apply(url: str, root: Path, rate: float, cwd: Path) -> tuple[int, float, str]:
    env = dict(os.environ, AUTH0_CLIENT_ID="local-client", AUTH0_CLIENT_SECRET="local-secret")
    env["BENCH_API_KEY"] = "bench-api-key-value-0001"
    argv = [sys.executable, "-m", "reconciler", "apply", str(root), "--auto-approve"]
    argv += ["--tenant", url, "--rate-limit", str(rate), "--parallelism", "8"]
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    return (
        done.returncode,
        wall,
        done.stdout.strip().splitlines()[-1] if done.stdout else done.stderr,
    )


def floor_requests(count: int, triggers: int = 1) -> int:
    pages = max(1, math.ceil(count / 100))
    return 1 + 1 + pages + triggers + count + 1 + triggers


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10,50,100")
    parser.add_argument("--rate", type=float, default=16.0)
    parser.add_argument("--burst", type=int, default=50)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(
        f"apply N new actions: emulator latency {LATENCY_MS} ms, builds {BUILD_SECONDS:.0f} s, "
        f"rate limit {args.rate:g}/s burst {args.burst}; client --rate-limit {args.rate:g}"
    )
    print(
        f"{'actions':>7} {'exit':>4} {'requests':>8} {'writes':>6} {'429s':>5} {'wall s':>7} "
        f"{'floor req':>9} {'floor s':>7} {'x floor':>7}  second run writes"
    )
    for count in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            root = work / "manifests"
            write_manifests(root, count)
            emu = Emulator(args.rate, args.burst, work / "state.json")
            try:
                code, wall, last = apply(emu.url, root, args.rate, work)
                log = emu.requests()
                writes = sum(1 for r in log if r["method"] in ("POST", "PATCH", "DELETE"))
                throttled = sum(1 for r in log if r["status"] == 429)
                emu.clear()
                code2, _, _ = apply(emu.url, root, args.rate, work)
                second = [r for r in emu.requests() if r["method"] in ("PATCH", "DELETE")]
                second += [
                    r
                    for r in emu.requests()
                    if r["method"] == "POST" and r["path"] != "/oauth/token"
                ]
            finally:
                emu.stop()
        floor_n = floor_requests(count)
        floor_s = floor_n / args.rate + BUILD_SECONDS
        writes_api = writes - 1  # the token request is a POST too
        print(
            f"{count:>7} {code:>4} {len(log):>8} {writes_api:>6} {throttled:>5} {wall:>7.1f} "
            f"{floor_n:>9} {floor_s:>7.1f} {wall / floor_s:>7.2f}  {len(second)} (exit {code2})"
        )
        if code != 0:
            print(f"        last line: {last}")


if __name__ == "__main__":
    main()

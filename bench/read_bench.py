"""Benchmark: a full read of the tenant (read_live) against the emulator at real rate limits.

For each plan (Enterprise production 16/s burst 50; Free 2/s burst 2) and tenant size (10 and 100
actions, two owned trigger-bound triggers with bindings), the emulator runs with 50 ms latency and
the client runs with its defaults (no --rate-limit). Printed per row: requests sent (token
included), 429s received, wall time, the rate floor (requests / rate limit) and the latency floor
(round trips on the critical path x latency: token -> triggers+actions -> bindings).

    /tmp/venv/bin/python bench/read_bench.py
"""

from __future__ import annotations

import math
import tempfile
import time
from pathlib import Path

from reconciler.auth0.client import Auth0Client
from reconciler.auth0.live_read import read_live
from reconciler.auth0.token import Credentials
from reconciler.core.trailer import with_trailer
from reconciler.emulator import EmulatorConfig, start_emulator

LATENCY_MS = 50.0
PLANS = (("enterprise", 16.0, 50), ("free", 2.0, 2))
SIZES = (10, 100)
OWNED = ("post-login", "credentials-exchange")
CODE = {
    "post-login": "exports.onExecutePostLogin = async (event, api) => {};\n",
    "credentials-exchange": "exports.onExecuteCredentialsExchange = async (event, api) => {};\n",
}


def prepare(state_file: str, count: int) -> None:
    """Seed `count` actions and bind one per owned trigger, on a fast emulator; persist."""
    seeds = []
    for i in range(count):
        trigger = OWNED[i % 2]
        seeds.append(
            {
                "name": f"action-{i:03d}",
                "supported_triggers": [
                    {"id": trigger, "version": "v3" if trigger == "post-login" else "v2"}
                ],
                "code": with_trailer(CODE[trigger], ""),
                "runtime": "node22",
                "dependencies": [{"name": "lodash", "version": "4.17.21"}],
            }
        )
    config = EmulatorConfig(state_file=state_file, rate_limit=1000.0, burst=1000)
    with start_emulator(config) as emu:
        ids = emu.seed(seeds)
        client = Auth0Client(emu.url, Credentials(emu.client_id, emu.client_secret))
        for i, trigger in enumerate(OWNED):
            client.update_bindings(trigger, [{"ref": {"type": "action_id", "value": ids[i]}}])
        client.close()


def measure(state_file: str, rate: float, burst: int) -> tuple[int, int, float, int]:
    config = EmulatorConfig(
        state_file=state_file, rate_limit=rate, burst=burst, latency_ms=LATENCY_MS
    )
    with start_emulator(config) as emu:
        client = Auth0Client(emu.url, Credentials(emu.client_id, emu.client_secret))
        started = time.perf_counter()
        live = read_live(client, tenant="bench", owned_triggers=OWNED)
        wall = time.perf_counter() - started
        client.close()
        log = emu.request_log
    return len(log), sum(1 for r in log if r.status == 429), wall, len(live.actions)


def main() -> None:
    header = (
        f"{'plan':<11}{'rate':>6}{'burst':>6}{'actions':>8}{'requests':>9}{'429s':>6}"
        f"{'wall s':>8}{'floor s':>8}{'latency floor s':>16}"
    )
    print(f"full read (read_live), emulator latency {LATENCY_MS:.0f} ms, client defaults")
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory(prefix="read-bench-") as tmp:
        for count in SIZES:
            state_file = str(Path(tmp) / f"tenant-{count}.json")
            prepare(state_file, count)
            for plan, rate, burst in PLANS:
                requests, too_many, wall, actions = measure(state_file, rate, burst)
                assert actions == count, (actions, count)
                pages = max(1, math.ceil(count / 100))
                trips = 1 + pages + 1  # token, triggers || action pages, bindings
                print(
                    f"{plan:<11}{rate:>6.0f}{burst:>6}{count:>8}{requests:>9}{too_many:>6}"
                    f"{wall:>8.2f}{requests / rate:>8.2f}{trips * LATENCY_MS / 1000:>16.2f}"
                )


if __name__ == "__main__":
    main()

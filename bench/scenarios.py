"""Shared pieces of the benchmarks: manifests, the emulator process, request counting, floors.

Everything here talks to an emulator started as its own process (`reconciler emulator serve`)
and counts requests from its log (`GET /__emulator/requests`), so the numbers are what the tenant
saw, whichever tool sent them.

The floor of a job (issue 8) is the minimum number of Management API requests the API allows
for it divided by the rate limit, plus one build when a build is involved. `floor()` derives
that count per scenario; `FLOOR_NOTES` says how, in words, for RESULTS.md.
"""

from __future__ import annotations

import json
import math
import os
import re
import ssl
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LATENCY_MS = 50
BUILD_SECONDS = 1.0
BOUND = 10  # the first BOUND actions are bound to post-login (one owned trigger)
OWNED_TRIGGERS = 1
SECRET_VAR = "BENCH_API_KEY"
SECRET_VALUE = "bench-api-key-value-0001"  # a dummy value for the emulator only
WRITE_METHODS = ("POST", "PATCH", "PUT", "DELETE")
API = "/api/v2/"
DEFAULTS = "defaults: no flags"  # the tag of the runs with no --rate-limit / --parallelism


@dataclass(frozen=True)
class Tier:
    name: str
    rate: float
    burst: int


ENTERPRISE = Tier("enterprise", 16.0, 50)
FREE = Tier("free", 2.0, 2)
TIERS = (ENTERPRISE, FREE)


# ----------------------------------------------------------------------------- manifests


#: reconciler's "1 changed" takes ~1.8 s, tens of ms of which are this shared machine's noise:
#: its row is the median of this many runs, each changing one more action (suites.py)
ONE_CHANGED_RUNS = 5


def action_name(i: int) -> str:
    return f"bench-{i:03d}"


def action_code(i: int, variant: int = 0, size: int = 0) -> str:
    """The JS of action `i`; `variant` changes it (an update); `size` pads it to ~size bytes."""
    lines = [
        f"// bench action {i} (variant {variant})",
        "exports.onExecutePostLogin = async (event, api) => {",
        f"  api.idToken.setCustomClaim('https://example.com/n', {i});",
    ]
    j = 0
    while size and sum(len(line) + 1 for line in lines) < size - 4:
        lines.append(f"  api.idToken.setCustomClaim('https://example.com/c{j}', {j}); // pad")
        j += 1
    lines.append("};")
    return "\n".join(lines) + "\n"


def variant_of(i: int, variant: int, bumped: frozenset[int]) -> int:
    """Code variant of action `i`: `variant` for all, one more for the `bumped` ones."""
    return variant + (1 if i in bumped else 0)


def write_reconciler(
    root: Path,
    count: int,
    *,
    variant: int = 0,
    bumped: frozenset[int] = frozenset(),
    code_size: int = 0,
) -> None:
    """reconciler manifests: `count` post-login actions (lodash, one secret), BOUND bound."""
    root.mkdir(parents=True, exist_ok=True)
    lines = ["actions:"]
    for i in range(count):
        name = action_name(i)
        code = action_code(i, variant_of(i, variant, bumped), code_size)
        (root / f"{name}.js").write_text(code)
        lines += [
            f"  - name: {name}",
            "    trigger: post-login",
            "    runtime: node22",
            f"    code: {name}.js",
            "    dependencies:",
            "      lodash: 4.17.21",
            "    secrets:",
            f"      API_KEY: ${{{SECRET_VAR}}}",
        ]
    lines += ["bindings:", "  post-login:"]
    lines += [f"    - {action_name(i)}" for i in range(min(BOUND, count))]
    (root / "actions.yaml").write_text("\n".join(lines) + "\n")


def write_deploy_cli(
    root: Path, count: int, *, variant: int = 0, bumped: frozenset[int] = frozenset()
) -> Path:
    """The same actions in auth0-deploy-cli's YAML format; returns the tenant.yaml path."""
    lines = ["actions:"]
    for i in range(count):
        name = action_name(i)
        folder = root / "actions" / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "code.js").write_text(action_code(i, variant_of(i, variant, bumped)))
        lines += [
            f"  - name: {name}",
            f"    code: ./actions/{name}/code.js",
            "    runtime: node22",
            "    deployed: true",
            "    dependencies:",
            "      - name: lodash",
            "        version: 4.17.21",
            "    secrets:",
            "      - name: API_KEY",
            f"        value: '##{SECRET_VAR}##'",
            "    supported_triggers:",
            "      - id: post-login",
            "        version: v3",
        ]
    lines += ["triggers:", "  post-login:"]
    for i in range(min(BOUND, count)):
        lines += [f"    - action_name: {action_name(i)}", f"      display_name: {action_name(i)}"]
    path = root / "tenant.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


# ----------------------------------------------------------------------------- emulator


class Emulator:
    """`reconciler emulator serve` (or a compatible launcher) as its own process."""

    def __init__(
        self,
        tier: Tier,
        state: Path,
        *,
        tls: bool = False,
        latency_ms: float = LATENCY_MS,
        build_seconds: float = BUILD_SECONDS,
        launcher: list[str] | None = None,
    ) -> None:
        argv = launcher or [sys.executable, "-m", "reconciler", "emulator", "serve"]
        argv = [*argv, "--port", "0", "--state", str(state)]
        argv += ["--rate-limit", f"{tier.rate:g}", "--burst", str(tier.burst)]
        argv += ["--latency-ms", f"{latency_ms:g}", "--build-seconds", f"{build_seconds:g}"]
        if tls:
            argv.append("--tls")
        self.state = state
        self.proc = subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        self.domain = self.url = ""
        self.ca_file: str | None = None
        assert self.proc.stdout is not None
        deadline = time.monotonic() + 30
        lines: list[str] = []
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            lines.append(line.rstrip())
            if match := re.search(r"AUTH0_DOMAIN=(\S+)", line):
                self.domain = match.group(1)
            elif match := re.search(r"CA file: (\S+)", line):
                self.ca_file = match.group(1)
            elif line.startswith("Press Ctrl-C"):
                break
        if not self.domain:
            self.stop()
            raise SystemExit("the emulator did not start:\n" + "\n".join(lines[-10:]))
        tls_on = self.ca_file is not None
        self.url = f"https://{self.domain}" if tls_on else self.domain
        self._ctx = ssl.create_default_context(cafile=self.ca_file) if tls_on else None

    @property
    def tenant_arg(self) -> list[str]:
        """The reconciler options that point at this emulator."""
        if self.ca_file:
            return ["--tenant", self.domain, "--ca-bundle", self.ca_file]
        return ["--tenant", self.url]

    def _open(self, method: str) -> Any:
        req = urllib.request.Request(f"{self.url}/__emulator/requests", method=method)
        return urllib.request.urlopen(req, timeout=30, context=self._ctx)  # noqa: S310 - loopback

    def requests(self) -> list[dict[str, Any]]:
        with self._open("GET") as resp:
            data = json.load(resp)
        return list(data["requests"])

    def clear(self) -> None:
        self._open("DELETE").close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
        if self.proc.stdout is not None:
            self.proc.stdout.close()

    def __enter__(self) -> Emulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def versions_made(state: Path) -> int:
    """Versions ever created on the tenant: the sum of each action's highest version number."""
    if not state.exists():
        return 0
    data = json.loads(state.read_text())
    return sum(max((v.get("number", 0) for v in vs), default=0) for vs in data["versions"].values())


# ----------------------------------------------------------------------------- measuring


def normalise_path(path: str) -> str:
    return re.sub(r"(/actions/actions/)[^/]+", r"\1{id}", path)


@dataclass
class Measure:
    """One run of one tool on one scenario."""

    tool: str
    tier: str
    scenario: str
    exit_code: int
    wall: float
    requests: int = 0
    writes: int = 0
    throttled: int = 0
    versions: int = 0
    pre_api: float = 0.0  # seconds from process start to its first Management API request
    per_path: dict[str, int] = field(default_factory=dict)
    floor_requests: int = 0
    floor_seconds: float = 0.0
    note: str = ""

    @property
    def x_floor(self) -> float:
        return self.wall / self.floor_seconds if self.floor_seconds else 0.0


def count(log: list[dict[str, Any]], m: Measure, started_epoch: float) -> None:
    m.requests = len(log)
    m.writes = sum(1 for r in log if r["method"] in WRITE_METHODS and r["path"].startswith(API))
    m.throttled = sum(1 for r in log if r["status"] == 429)
    api = [r["ts"] for r in log if r["path"].startswith(API)]
    m.pre_api = (min(api) - started_epoch) if api else 0.0
    per: Counter[str] = Counter(
        f"{r['method']} {normalise_path(r['path'])} {r['status']}" for r in log
    )
    m.per_path = dict(sorted(per.items()))


@dataclass
class RunResult:
    code: int
    wall: float
    started_epoch: float
    done: subprocess.CompletedProcess[str]

    def tail(self, lines: int = 3) -> str:
        text = (self.done.stdout or "") + (self.done.stderr or "")
        return " | ".join(text.strip().splitlines()[-lines:])


def run(argv: list[str], env: dict[str, str], cwd: Path, timeout: float = 900) -> RunResult:
    started_epoch = time.time()
    started = time.perf_counter()
    done = subprocess.run(
        argv, env=env, cwd=cwd, capture_output=True, text=True, check=False, timeout=timeout
    )
    return RunResult(done.returncode, time.perf_counter() - started, started_epoch, done)


def reconciler_env() -> dict[str, str]:
    env = dict(os.environ, AUTH0_CLIENT_ID="local-client", AUTH0_CLIENT_SECRET="local-secret")
    env[SECRET_VAR] = SECRET_VALUE
    env.pop("AUTH0_DOMAIN", None)
    env["NO_COLOR"] = "1"
    # An installed reconciler has its bytecode compiled (pip does it); this checkout would be
    # compiled again on every run if the sandbox's "don't write bytecode" were passed on.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


# ----------------------------------------------------------------------------- floors


def floor(scenario: str, tier: Tier, live: int, changed: int = 0) -> tuple[int, float]:
    """(requests including the token, seconds) for a scenario on a tenant of `live` actions.

    Reads: 1 trigger list + ceil(max(live,1)/100) action pages + T binding reads (T owned
    triggers). The token goes to the Authentication API, which has its own limit: it is counted
    in the requests but not in the seconds.
    """
    reads = 1 + max(1, math.ceil(live / 100)) + OWNED_TRIGGERS
    build = BUILD_SECONDS
    if scenario in ("plan", "no-change"):
        mgmt, build = reads, 0.0
    elif scenario == "new":  # live = 0; `changed` new actions created with deploy:true
        mgmt = reads + changed + 1 + OWNED_TRIGGERS  # + 1 build poll + T binding writes
    elif scenario == "update":  # `changed` drafts PATCHed, then deployed
        mgmt = reads + changed + 1 + changed  # + 1 build poll + one deploy each
    else:
        raise ValueError(scenario)
    return mgmt + 1, mgmt / tier.rate + build


FLOOR_NOTES = """\
Floor = (minimum Management API requests for the job) / rate limit, plus one build (1 s) when
something is built. The token request goes to the Authentication API (its own limit): it is in
"floor req" but not in "floor s". The burst is not credited, so a small job can beat its floor.
With T = 1 owned trigger (post-login, 10 of the actions bound) and L live actions:

- reads, needed by every job: 1 `GET /actions/triggers` + ceil(max(L,1)/100) `GET
  /actions/actions` pages + T `GET /actions/triggers/{id}/bindings` = 3 requests here;
- `plan` and a no-change `apply`: the reads only (3; floor req 4);
- `apply` of N new actions: reads + N `POST /actions/actions` with `deploy: true` (create and
  deploy in one call) + 1 `GET /actions/actions` to see the builds finish + T `PATCH
  .../bindings` = N + 5 (floor req N + 6);
- `apply` of C changed actions (code edit): reads + C `PATCH /actions/actions/{id}` + 1 build
  poll + C `POST /actions/actions/{id}/deploy` = 2C + 4 (C = 100: 204, floor req 205; C = 1:
  6, floor req 7). Bindings reference the action, not the version, so they need no write.
"""

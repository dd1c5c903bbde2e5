"""Soak: seeded random rounds of manifest mutations applied to the emulator under a low rate limit
with injected faults and occasional killed applies; invariants checked after every round.

    python bench/soak.py --rounds 300 --seed 1 [--fault-rate 0.15] [--rate-limit 2 --burst 2]

Each round mutates the manifests (add, remove with or without prune, rename, code, dependencies,
runtime, secrets, binding order, protect, settings.prune) and runs `reconciler apply
--auto-approve` in-process (sometimes as `plan --out` + `apply --plan`), or as a subprocess that
is SIGKILLed after a random short delay (the next round's apply must then converge). Some rounds
remove a protected action with `--allow-delete`: that apply must exit 3 and write nothing.

After every round, with faults off and the emulator's rate limit lifted for the observer only:
a fresh `plan --detailed-exitcode` exits 0; through raw HTTP (not reconciler's client) there is no
duplicate name, no managed action outside the manifests (except ones removed with prune off,
which must still be there), the unmanaged and marketplace actions are byte-for-byte as seeded,
every action's draft and deployed version hold the manifest's code, runtime, dependencies and
secret names (and, from the emulator's state, the secret values), and every binding list is
exactly as declared. No secret value or token ever appears in anything the tool wrote.

Prints rounds, faults survived (5xx, dropped connections, 429s and slow replies in the emulator's
request log), requests, wall time and every violation; exits 1 on any violation.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # soak_world, soak_checks

from soak_checks import Observer
from soak_world import HANDLERS, KINDS, SAFE_KINDS, Mutator, World, write_manifests

from reconciler.cli import run
from reconciler.core import masking
from reconciler.emulator import Emulator, EmulatorConfig, start_emulator

MARKETPLACE = {
    "name": "Fraud Shield",
    "supported_triggers": [{"id": "post-login", "version": "v3"}],
    "code": "exports.onExecutePostLogin = async () => {};",
    "integration": {"id": "int-1", "name": "Fraud Shield", "feature_type": "action"},
    "installed_integration_id": "inst-1",
}
UNMANAGED = {
    "name": "legacy-hand-made",
    "supported_triggers": [{"id": "credentials-exchange", "version": "v2"}],
    "code": "exports.onExecuteCredentialsExchange = async () => {};\n",
    "runtime": "node22",
    "dependencies": [{"name": "lodash", "version": "4.17.21"}],
}
WRITES = ("POST", "PATCH", "DELETE", "PUT")


@dataclass(frozen=True)
class SoakConfig:
    rounds: int = 300
    seed: int = 1
    fault_rate: float = 0.15
    rate_limit: float = 2.0
    burst: int = 2
    build_seconds: float = 0.2
    slow_ms: float = 400.0
    kill_chance: float = 0.08
    blocked_chance: float = 0.05
    saved_plan_chance: float = 0.15
    kill_delay: tuple[float, float] = (0.3, 3.0)


@dataclass
class SoakResult:
    rounds: int = 0
    violations: list[str] = field(default_factory=list)
    faults: Counter[str] = field(default_factory=Counter)
    requests: int = 0
    check_requests: int = 0
    seconds: float = 0.0
    kills: int = 0
    blocked: int = 0
    saved_plans: int = 0
    scanned: int = 0  # outputs and files scanned for secret values and tokens
    apply_reruns: list[str] = field(default_factory=list)  # failed under faults, rerun converged
    mutations: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        faults = ", ".join(f"{k} {v}" for k, v in sorted(self.faults.items())) or "none"
        lines = [
            f"rounds: {self.rounds}",
            f"faults survived: {sum(self.faults.values())} ({faults})",
            f"requests: {self.requests} by reconciler, {self.check_requests} by the checks",
            f"wall time: {self.seconds:.1f} s",
            f"killed applies: {self.kills}; blocked protected deletes: {self.blocked}; "
            f"saved-plan applies: {self.saved_plans}",
            f"outputs and files scanned for secrets and tokens: {self.scanned}",
            f"applies that failed under faults and converged on rerun: {len(self.apply_reruns)}",
            "mutations: " + ", ".join(f"{k} {v}" for k, v in sorted(self.mutations.items())),
            f"violations: {len(self.violations)}",
        ]
        lines += [f"  {v}" for v in self.violations]
        lines += [f"  rerun: {r}" for r in self.apply_reruns[:20]]
        return "\n".join(lines)


class Soak:
    def __init__(self, cfg: SoakConfig, emu: Emulator, workdir: Path) -> None:
        self.cfg, self.emu, self.work = cfg, emu, workdir
        self.rng = random.Random(cfg.seed)  # noqa: S311 - a reproducible test sequence
        # draws whose number depends on timing (retries, kill delays) use their own stream, so
        # they do not shift the sequence of rounds and mutations
        self.aux = random.Random(cfg.seed + 1)  # noqa: S311
        self.world = World(bindings={t: [] for t in HANDLERS})
        self.mutator = Mutator(self.rng, self.world)
        self.observer = Observer(emu, cfg.fault_rate)
        self.root = workdir / "manifests"
        self.var_file = workdir / "soak.env"
        self.result = SoakResult()
        self.tokens: set[str] = set()
        self.round = 0
        self.converged = True
        self.confirmed: set[str] = set()  # managed names seen live at the last check
        self.last_output = ""
        self._spy_tokens()
        seeded = self.emu.seed([MARKETPLACE, UNMANAGED])
        with self.observer.window():
            self.pristine = self.observer.snapshot(seeded)

    # ------------------------------------------------------------------ the loop

    def run(self) -> SoakResult:
        started = time.monotonic()
        for _ in range(4):
            self.mutator.add()
        self._write()
        self._apply_round(0, allow_delete=False, saved=False)
        self._check(0, full=True)
        for number in range(1, self.cfg.rounds + 1):
            self.round = number
            self._round(number)
            self.result.rounds = number
        self.result.seconds = time.monotonic() - started
        tool, checks, faults = self.observer.count(self.cfg.slow_ms)
        self.result.requests, self.result.check_requests, self.result.faults = tool, checks, faults
        self.result.mutations.update(self.mutator.counts)
        return self.result

    def _round(self, number: int) -> None:
        rng, cfg = self.rng, self.cfg
        blocked_roll, kill_roll = rng.random(), rng.random()  # always drawn: a stable sequence
        if self.converged and blocked_roll < cfg.blocked_chance and self.world.protected():
            self._blocked_round(number)
            return
        kill = self.converged and kill_roll < cfg.kill_chance
        kinds = list(KINDS) if self.converged and not kill else list(SAFE_KINDS)
        weights = [KINDS[k] for k in kinds]
        allow_delete = False
        for kind in rng.choices(kinds, weights, k=1 if rng.random() < 0.7 else 2):
            allow_delete |= self.mutator.mutate(kind)
        self._write()
        if kill:
            self._killed_round(number)
            return
        saved = rng.random() < cfg.saved_plan_chance
        self._apply_round(number, allow_delete=allow_delete, saved=saved)
        self._check(number, full=True)

    def _write(self, world: World | None = None) -> None:
        write_manifests(world or self.world, self.root, self.var_file)

    # ------------------------------------------------------------------ running the tool

    def _cli(self, argv: list[str], tag: str) -> int:
        """Run the CLI in-process (a fresh masker, as in a new process); scan what it wrote."""
        masking.MASKER.clear()
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = run([*argv, "--tenant", self.emu.url, "--var-file", str(self.var_file)])
        self._scan(f"{tag} stdout", out.getvalue())
        self._scan(f"{tag} stderr", err.getvalue())
        self.last_output = out.getvalue() + err.getvalue()
        return code

    def _apply_once(self, number: int, attempt: int, allow_delete: bool, saved: bool) -> int:
        journal = self.work / f"journal-{number}-{attempt}.jsonl"
        args = ["--journal", str(journal)] + (["--verbose"] if self.aux.random() < 0.3 else [])
        prune = ["--allow-delete"] if allow_delete else []
        tag = f"apply #{attempt}"
        if not saved:
            code = self._cli(["apply", str(self.root), "--auto-approve", *args, *prune], tag)
        else:
            plan = self.work / f"plan-{number}-{attempt}.json"
            code = self._cli(["plan", str(self.root), "--out", str(plan), *prune], tag + " plan")
            if code == 0:
                self._scan_file(plan)
                code = self._cli(["apply", str(self.root), "--plan", str(plan), *args], tag)
        self._scan_file(journal)
        return code

    def _apply_round(self, number: int, *, allow_delete: bool, saved: bool) -> None:
        """Apply with faults on; a clean exit 1 (an API call that failed after its retries) is
        rerun, and the fourth attempt runs without faults: it must succeed."""
        self.result.saved_plans += saved
        for attempt in range(1, 5):
            self.emu.set_fault_rate(0.0 if attempt == 4 else self.cfg.fault_rate)
            code = self._apply_once(number, attempt, allow_delete, saved)
            self.emu.set_fault_rate(self.cfg.fault_rate)
            if code == 0:
                self.converged = True
                return
            line = self._error_line()
            if code != 1 or attempt == 4 or "bug in reconciler" in self.last_output:
                self._violation(number, f"apply exited {code} (attempt {attempt}): {line}")
                self.converged = False
                return
            self.result.apply_reruns.append(f"round {number} attempt {attempt}: {line}")

    def _error_line(self) -> str:
        lines = [ln for ln in self.last_output.splitlines() if "error" in ln.lower()]
        return (lines or self.last_output.splitlines()[-1:] or [""])[0][:300]

    def _blocked_round(self, number: int) -> None:
        """Remove a protected action with --allow-delete: exit 3 and nothing written. Then the
        manifests are put back as they were for the checks."""
        name = self.rng.choice(self.world.protected())
        self._write(self.world.without(name))
        self.result.blocked += 1
        self.result.mutations["remove protected (blocked)"] += 1
        for attempt in range(1, 4):
            start = len(self.emu.request_log)
            code = self._apply_once(number, attempt, True, False)
            writes = [
                f"{r.method} {r.path}"
                for r in self.emu.request_log[start:]
                if r.method in WRITES and r.path.startswith("/api/")
            ]
            if writes:
                self._violation(number, f"blocked apply of {name} wrote: {writes[:5]}")
            if code == 3:
                break
            if code != 1 or attempt == 3:
                self._violation(number, f"removing protected {name}: exit {code}, expected 3")
                break
            self.result.apply_reruns.append(f"round {number} (blocked) {self._error_line()}")
        self._write()
        self._check(number, full=True)

    def _killed_round(self, number: int) -> None:
        """`python -m reconciler apply` SIGKILLed after a random short delay. The tenant is then
        mid-way; the next round's apply must converge."""
        self.result.kills += 1
        journal = self.work / f"journal-{number}-kill.jsonl"
        argv = [sys.executable, "-m", "reconciler", "apply", str(self.root), "--auto-approve"]
        argv += ["--tenant", self.emu.url, "--var-file", str(self.var_file)]
        argv += ["--journal", str(journal), "--verbose"]
        env = {**os.environ, "AUTH0_CLIENT_ID": self.emu.client_id, "NO_COLOR": "1"}
        env["AUTH0_CLIENT_SECRET"] = self.emu.client_secret
        proc = subprocess.Popen(  # noqa: S603 - our own CLI
            argv, env=env, cwd=self.work, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        try:
            out, err = proc.communicate(timeout=self.aux.uniform(*self.cfg.kill_delay))
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            out, err = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=30)
        self._scan("killed apply", (out + err).decode("utf-8", "replace"))
        self._scan_file(journal)
        if proc.returncode == 0:  # finished before the kill: a normal round
            self.result.mutations["kill came too late"] += 1
            self._check(number, full=True)
            return
        self.converged = False
        self._check(number, full=False)

    # ------------------------------------------------------------------ secrets

    def _spy_tokens(self) -> None:
        """Remember every access token the emulator issues, to scan outputs for them."""
        auth = self.emu.auth
        issue = auth.token_endpoint

        def spy(*args: Any, **kwargs: Any) -> Any:
            response = issue(*args, **kwargs)
            with contextlib.suppress(ValueError, KeyError, TypeError):
                self.tokens.add(json.loads(response.get_data())["access_token"])
            return response

        auth.token_endpoint = spy  # type: ignore[method-assign]

    def _scan(self, where: str, text: str) -> None:
        self.result.scanned += 1
        for value in (*self.mutator.ever, *self.tokens, self.emu.client_secret):
            if value in text:
                self._violation(self.round, f"{where}: holds a secret value or token")
                return

    def _scan_file(self, path: Path) -> None:
        if path.exists():
            self._scan(path.name, path.read_text(encoding="utf-8", errors="replace"))

    def _violation(self, number: int, text: str) -> None:
        self.result.violations.append(f"round {number}: {text}")

    # ------------------------------------------------------------------ invariants

    def _check(self, number: int, *, full: bool) -> None:
        with self.observer.window():
            live = self.observer.actions()
            problems = self.observer.always(live, self.pristine)
            if full:
                problems += self.observer.converged(self.world, live, self.confirmed)
                problems += self._fresh_plan()
                self.confirmed = {a["name"] for a in live}
        for problem in problems:
            self._violation(number, problem)

    def _fresh_plan(self) -> list[str]:
        plan = self.work / "check-plan.json"
        code = self._cli(
            ["plan", str(self.root), "--detailed-exitcode", "--out", str(plan)], "check plan"
        )
        self._scan_file(plan)
        return [] if code == 0 else [f"fresh plan exited {code}: {self.last_output[-600:]!r}"]


def soak(cfg: SoakConfig, workdir: Path) -> SoakResult:
    """Start an emulator for this soak, run it, stop the emulator (also on error)."""
    emu_cfg = EmulatorConfig(
        rate_limit=cfg.rate_limit,
        burst=cfg.burst,
        build_seconds=cfg.build_seconds,
        fault_rate=cfg.fault_rate,
        seed=cfg.seed,
        slow_ms=cfg.slow_ms,
    )
    keys = ("AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET", "NO_COLOR")
    saved = {k: os.environ.get(k) for k in keys}
    with start_emulator(emu_cfg) as emu:
        os.environ.update(
            {"AUTH0_CLIENT_ID": emu.client_id, "AUTH0_CLIENT_SECRET": emu.client_secret}
        )
        os.environ["NO_COLOR"] = "1"
        try:
            return Soak(cfg, emu, workdir).run()
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Soak reconciler against the emulator.")
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fault-rate", type=float, default=0.15)
    parser.add_argument("--rate-limit", type=float, default=2.0)
    parser.add_argument("--burst", type=int, default=2)
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep it (default: temp)")
    args = parser.parse_args(argv)
    cfg = SoakConfig(
        rounds=args.rounds,
        seed=args.seed,
        fault_rate=args.fault_rate,
        rate_limit=args.rate_limit,
        burst=args.burst,
    )
    workdir = Path(args.keep or tempfile.mkdtemp(prefix="reconciler-soak-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        result = soak(cfg, workdir)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print(  # noqa: T201 - a command-line report
        f"soak --rounds {cfg.rounds} --seed {cfg.seed}: fault rate {cfg.fault_rate}, "
        f"rate limit {cfg.rate_limit}/s burst {cfg.burst}\n{result.summary()}"
    )
    return 1 if result.violations else 0


if __name__ == "__main__":
    sys.exit(main())

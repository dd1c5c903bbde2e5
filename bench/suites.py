"""The scenario sequences, run by `reconciler` and by auth0-deploy-cli against the same emulator.

Per tool and rate-limit tier: `apply` of N new actions on an empty tenant for each small size
(a fresh tenant each), then on one tenant of `big` actions: create them all, run again with no
change, plan, change the code of all of them, then of one of them. Each step is measured from
the emulator's request log (cleared before the step) and its state file (versions).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import scenarios as sc
from deploycli.dcli import DeployCli

EMULATOR_PLUS = [
    sys.executable,
    str(Path(__file__).resolve().parent / "deploycli/emulator_plus.py"),
]
Progress = Callable[[sc.Measure], None]
Floor = tuple[int, float]


def bumps(n: int, runs: int = sc.ONE_CHANGED_RUNS) -> list[frozenset[int]]:
    """The `bumped` sets of the "1 changed" runs: each changes one more action than the last."""
    return [frozenset(range(n // 2, n // 2 + k + 1)) for k in range(runs)]


def median_run(runs: list[sc.Measure]) -> sc.Measure:
    """The run with the median wall time (a failed run, if any: it must not hide), with every
    run's wall time in its note."""
    failed = [m for m in runs if m.exit_code != 0]
    pick = failed[0] if failed else sorted(runs, key=lambda m: m.wall)[len(runs) // 2]
    walls = ", ".join(f"{m.wall:.2f}" for m in runs)
    told = f"median of {len(runs)} runs, each changing one more action (wall s: {walls})"
    pick.note = f"{pick.note} | {told}" if pick.note else told
    return pick


def _measure(
    emu: sc.Emulator,
    tool: str,
    tier: sc.Tier,
    scenario: str,
    argv: list[str],
    env: dict[str, str],
    cwd: Path,
    floor: Floor | None,
) -> sc.Measure:
    emu.clear()
    before = sc.versions_made(emu.state)
    result = sc.run(argv, env, cwd)
    log = emu.requests()
    m = sc.Measure(tool, tier.name, scenario, result.code, result.wall)
    sc.count(log, m, result.started_epoch)
    m.versions = sc.versions_made(emu.state) - before
    if floor is not None:
        m.floor_requests, m.floor_seconds = floor
    if result.code != 0:
        m.note = result.tail()
    return m


def reconciler_suite(
    tier: sc.Tier, sizes: list[int], big: int, progress: Progress
) -> list[sc.Measure]:
    out: list[sc.Measure] = []
    env = sc.reconciler_env()

    def cli(emu: sc.Emulator, *args: str) -> list[str]:
        argv = [sys.executable, "-m", "reconciler", *args]
        return [*argv, *emu.tenant_arg, "--rate-limit", f"{tier.rate:g}"]

    def step(
        emu: sc.Emulator,
        scenario: str,
        argv: list[str],
        work: Path,
        floor: Floor,
        environ: dict[str, str] | None = None,
    ) -> None:
        m = _measure(emu, "reconciler", tier, scenario, argv, environ or env, work, floor)
        out.append(m)
        progress(m)

    def one_changed(emu: sc.Emulator, root: Path, work: Path, n: int, argv: list[str]) -> None:
        runs = []
        for bumped in bumps(n):
            sc.write_reconciler(root, n, variant=1, bumped=bumped)
            floor = sc.floor("update", tier, n, 1)
            runs.append(
                _measure(emu, "reconciler", tier, f"apply 1 changed of {n}", argv, env, work, floor)
            )
        out.append(median_run(runs))
        progress(out[-1])

    with tempfile.TemporaryDirectory(prefix="bench-rec-") as tmp:
        for n in [*sizes, big]:
            work = Path(tmp) / f"n{n}"
            root = work / "manifests"
            sc.write_reconciler(root, n)
            with sc.Emulator(tier, work / "state.json", tls=True) as emu:
                apply = cli(emu, "apply", str(root), "--auto-approve")
                step(emu, f"apply {n} new", apply, work, sc.floor("new", tier, 0, n))
                if n != big:
                    continue
                step(emu, f"apply, no change ({n})", apply, work, sc.floor("no-change", tier, n))
                plan = cli(emu, "plan", str(root), "--detailed-exitcode")
                step(emu, f"plan, no change ({n})", plan, work, sc.floor("plan", tier, n))
                # the same plan where `node` is not on PATH, so the loader skips `node --check`
                (work / "empty-path").mkdir()
                no_node = dict(env, PATH=str(work / "empty-path"))
                scenario = f"plan, no change ({n}) [no node on PATH: no node --check]"
                step(emu, scenario, plan, work, sc.floor("plan", tier, n), no_node)
                sc.write_reconciler(root, n, variant=1)
                step(emu, f"apply {n} updated", apply, work, sc.floor("update", tier, n, n))
                one_changed(emu, root, work, n, apply)
    return out


def deploy_cli_suite(
    dcli: DeployCli, tier: sc.Tier, sizes: list[int], big: int, progress: Progress
) -> list[sc.Measure]:
    out: list[sc.Measure] = []

    def step(emu: sc.Emulator, scenario: str, argv: list[str], work: Path, floor: Floor) -> None:
        assert emu.ca_file is not None
        env = dcli.env(emu.domain, emu.ca_file, sc.SECRET_VAR, sc.SECRET_VALUE)
        m = _measure(emu, "deploy-cli", tier, scenario, argv, env, work, floor)
        out.append(m)
        progress(m)

    with tempfile.TemporaryDirectory(prefix="bench-dcli-") as tmp:
        for n in [*sizes, big]:
            work = Path(tmp) / f"n{n}"
            tenant = sc.write_deploy_cli(work / "tenant", n)
            state = work / "state.json"
            imp = dcli.import_argv(tenant)
            with sc.Emulator(tier, state, tls=True) as emu:
                step(emu, f"apply {n} new", imp, work, sc.floor("new", tier, 0, n))
                if n != big:
                    continue
                step(emu, f"apply, no change ({n})", imp, work, sc.floor("no-change", tier, n))
                export = dcli.export_argv(work / "export")
                step(emu, f"plan, no change ({n})", export, work, sc.floor("plan", tier, n))
                out[-1].scenario += " [export]"
                sc.write_deploy_cli(work / "tenant", n, variant=1)
                step(emu, f"apply {n} updated", imp, work, sc.floor("update", tier, n, n))
                sc.write_deploy_cli(work / "tenant", n, variant=1, bumped=frozenset({n // 2}))
                step(emu, f"apply 1 changed of {n}", imp, work, sc.floor("update", tier, n, 1))
            if n == big:  # the dry run needs GET /api/v2/clients: see deploycli/emulator_plus.py
                with sc.Emulator(tier, state, tls=True, launcher=EMULATOR_PLUS) as emu:
                    dry = dcli.import_argv(tenant, dry_run=True)
                    step(emu, f"plan, no change ({n})", dry, work, sc.floor("plan", tier, n))
                    out[-1].scenario += " [import --dry-run]"
            shutil.rmtree(work / "export", ignore_errors=True)
    return out


def defaults_suite(tier: sc.Tier, big: int, progress: Progress) -> list[sc.Measure]:
    """`reconciler` as a user runs it: no `--rate-limit`, no `--parallelism` (issue 16). A fresh
    tenant: apply `big` new actions, then (Enterprise only, the target's tier) one changed."""
    out: list[sc.Measure] = []
    env = sc.reconciler_env()
    with tempfile.TemporaryDirectory(prefix="bench-def-") as tmp:
        work = Path(tmp)
        root = work / "manifests"
        sc.write_reconciler(root, big)
        with sc.Emulator(tier, work / "state.json", tls=True) as emu:
            apply = [sys.executable, "-m", "reconciler", "apply", str(root), "--auto-approve"]
            apply += emu.tenant_arg
            name = f"apply {big} new [{sc.DEFAULTS}]"
            floor = sc.floor("new", tier, 0, big)
            out.append(_measure(emu, "reconciler", tier, name, apply, env, work, floor))
            progress(out[-1])
            if tier == sc.ENTERPRISE:
                name = f"apply 1 changed of {big} [{sc.DEFAULTS}]"
                floor = sc.floor("update", tier, big, 1)
                runs = []
                for bumped in bumps(big):
                    sc.write_reconciler(root, big, bumped=bumped)
                    runs.append(_measure(emu, "reconciler", tier, name, apply, env, work, floor))
                out.append(median_run(runs))
                progress(out[-1])
    return out

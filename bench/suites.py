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
                sc.write_reconciler(root, n, variant=1, bumped=frozenset({n // 2}))
                step(emu, f"apply 1 changed of {n}", apply, work, sc.floor("update", tier, n, 1))
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
            steps = [(f"apply {big} new", sc.floor("new", tier, 0, big), frozenset[int]())]
            if tier == sc.ENTERPRISE:
                one = frozenset({big // 2})
                steps.append((f"apply 1 changed of {big}", sc.floor("update", tier, big, 1), one))
            for scenario, floor, bumped in steps:
                if bumped:
                    sc.write_reconciler(root, big, bumped=bumped)
                name = f"{scenario} [{sc.DEFAULTS}]"
                m = _measure(emu, "reconciler", tier, name, apply, env, work, floor)
                out.append(m)
                progress(m)
    return out

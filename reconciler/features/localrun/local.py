"""Runs from the manifests, no tenant: one action with a payload, or every `tests:` case."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reconciler.core.errors import ManifestError, ReconcilerError
from reconciler.core.model import ActionTest, DesiredAction, DesiredSecret, DesiredState
from reconciler.features.localrun.cases import judge
from reconciler.features.localrun.payload import load_payload
from reconciler.features.localrun.runner import Job, ModuleCode, run, time_limit_from_env
from reconciler.manifest.interpolate import Variables, read_var_files
from reconciler.manifest.problems import did_you_mean


@dataclass(frozen=True)
class CaseResult:
    action: str
    case: ActionTest
    diff: list[str]  # empty: passed


def variables(var_files: Sequence[str | Path]) -> Variables:
    values, problems = read_var_files(var_files)
    if problems:
        raise ManifestError(problems)
    return Variables.build(os.environ, values)


def _resolve(
    secrets: Sequence[DesiredSecret], found: Variables, where: str, whose: str
) -> dict[str, str]:
    out: dict[str, str] = {}
    for secret in secrets:
        value, reason = found.resolve(secret.var)
        if value is None:
            raise ReconcilerError(
                f"{where}: {reason} (secret {secret.name} of {whose}); "
                "set it in the environment or in a dotenv file passed with --var-file"
            )
        out[secret.name] = value.reveal()
    return out


def secrets_of(action: DesiredAction, found: Variables) -> dict[str, str]:
    """The action's secrets, each read from the environment / --var-file (and masked)."""
    return _resolve(action.secrets, found, str(action.source), f"action {action.name}")


def modules_of(
    state: DesiredState, action: DesiredAction, found: Variables
) -> dict[str, ModuleCode]:
    """The code of the modules the action uses, from the manifests (a local run has only the
    manifests' code, whichever published version the action pins), with their secrets."""
    out: dict[str, ModuleCode] = {}
    for ref in action.modules:
        module = state.module(ref.name)
        if module is None:
            raise ReconcilerError(
                f"{ref.source}: action {action.name} uses module {ref.name!r}, which is not "
                "declared in these manifests (external); a local run needs its code: test it "
                "on a tenant with --tenant"
            )
        secrets = _resolve(module.secrets, found, str(module.source), f"module {module.name}")
        out[module.name] = ModuleCode(module.code, secrets, module.dependencies)
    return out


def pick(state: DesiredState, name: str) -> DesiredAction:
    action = state.action(name)
    if action is None:
        hint = did_you_mean(name, [a.name for a in state.actions])
        raise ReconcilerError(f"no action named {name!r} in the manifests under {state.root}{hint}")
    return action


def run_action(
    action: DesiredAction,
    event: Mapping[str, Any],
    found: Variables,
    modules: Mapping[str, str | ModuleCode] | None = None,
) -> dict[str, Any]:
    """The Test reply for `action` run locally with `event`."""
    job = Job(
        name=action.name,
        trigger=action.trigger,
        code=action.code,
        event=event,
        secrets=secrets_of(action, found),
        dependencies=action.dependencies,
        modules=dict(modules or {}),
        time_limit_s=time_limit_from_env(),
    )
    return run(job)


def run_cases(
    state: DesiredState,
    found: Variables,
    modules: Mapping[str, str | ModuleCode] | None = None,
    report: Callable[[CaseResult], None] = lambda _: None,
) -> list[CaseResult]:
    """Every test case of every action, in name order; `report` sees each as it finishes. Each
    action's modules come from the manifests, unless `modules` gives them."""
    root = Path(state.root)
    base = root if root.is_dir() else root.parent
    out: list[CaseResult] = []
    for action in state.actions:
        for case in action.tests:
            mods = modules if modules is not None else modules_of(state, action, found)
            reply = run_action(action, load_payload(base / case.payload), found, mods)
            result = CaseResult(action.name, case, judge(case, reply))
            report(result)
            out.append(result)
    return out

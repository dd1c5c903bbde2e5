"""Applying a plan's steps to the live state (a pure simulation of the API's effect) must leave
a tenant whose next plan is empty: the trailer, digests and comparisons agree with each other."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from reconciler.core.livemodel import (
    LiveAction,
    LiveBinding,
    LiveSecret,
    LiveState,
    LiveTriggerBindings,
    LiveVersion,
)
from reconciler.core.model import Dependency
from reconciler.plan import Plan, make_plan, step_to_dict
from tests.plan.cases import CASES

CONVERGING = sorted(set(CASES) - {"protected_delete", "max_deletes", "delete_prune_disabled"})


def _deps(items: list[dict[str, str]]) -> tuple[Dependency, ...]:
    return tuple(sorted((Dependency(d["name"], d["version"]) for d in items), key=lambda d: d.name))


def _deploy(a: LiveAction) -> LiveAction:
    number = a.deployed_version.number + 1 if a.deployed_version else 1
    version = LiveVersion(
        id=f"{a.id}_v{number}",
        number=number,
        code=a.code,
        runtime=a.runtime,
        dependencies=a.dependencies,
        secret_names=tuple(s.name for s in a.secrets),
        status="built",
        deployed=True,
    )
    return replace(a, deployed_version=version, all_changes_deployed=True)


def _write(a: LiveAction, payload: dict[str, Any]) -> LiveAction:
    changes: dict[str, Any] = {"updated_at": "later", "all_changes_deployed": False}
    if "supported_triggers" in payload:
        trigger = payload["supported_triggers"][0]
        changes.update(trigger=trigger["id"], trigger_version=trigger["version"])
    if "code" in payload:
        changes["code"] = payload["code"]
    if "runtime" in payload:
        changes["runtime"] = payload["runtime"]
    if "dependencies" in payload:
        changes["dependencies"] = _deps(payload["dependencies"])
    if "secrets" in payload:
        names = sorted(s["name"] for s in payload["secrets"])
        changes["secrets"] = tuple(LiveSecret(n) for n in names)
    return replace(a, **changes)


def apply(plan: Plan, live: LiveState) -> LiveState:
    assert not plan.blocked
    actions = {a.id: a for a in live.actions}
    by_name = {a.name: a.id for a in live.actions}
    bindings = {b.trigger: b for b in live.bindings}
    for step in plan.steps:
        p = step_to_dict(step)["payload"]
        if step.kind == "create":
            new_id = f"new_{p['name']}"
            blank = LiveAction(
                new_id, p["name"], "", "", "", "", (), (), "built", "now", "now", None
            )
            created = _write(blank, p)
            actions[new_id] = _deploy(created) if p["deploy"] else created
            by_name[p["name"]] = new_id
        elif step.kind == "update":
            actions[p["action_id"]] = _write(actions[p["action_id"]], p)
        elif step.kind == "deploy":
            actions[p["action_id"]] = _deploy(actions[p["action_id"]])
        elif step.kind == "rebind":
            entries = []
            for i, e in enumerate(p["bindings"]):
                action_id = e["action_id"] or by_name[e["action"]]
                name = actions[action_id].name
                entries.append(LiveBinding(f"b{i}", action_id, name, e["display_name"]))
            bindings[p["trigger"]] = LiveTriggerBindings(p["trigger"], tuple(entries))
        elif step.kind == "delete":
            assert all(
                e.action_id != p["action_id"] for b in bindings.values() for e in b.entries
            ), "deleting a bound action (409)"
            del actions[p["action_id"]]
    return replace(
        live,
        actions=tuple(sorted(actions.values(), key=lambda a: (a.name, a.id))),
        bindings=tuple(bindings[t] for t in sorted(bindings)),
    )


@pytest.mark.parametrize("case", CONVERGING)
def test_applying_the_plan_converges(case: str) -> None:
    desired, live, options = CASES[case]()
    first = make_plan(desired, live, options=options)
    after = apply(first, live)
    second = make_plan(desired, after, options=options)
    assert second.steps == (), [c.address for c in second.changes if c.planned]
    assert all(not c.drift for c in second.changes)

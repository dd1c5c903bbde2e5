"""The applier against the in-memory tenant, through the TenantAPI protocol (no HTTP server).

Plans come from the real, pure planner (desired and live states built in code) or are typed
step records; `sleep` is injected, so nothing waits. `parallelism=1` keeps the call log in plan
order where a test asserts it exactly. The HTTP side is covered by tests/integration.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from reconciler.apply import waits
from reconciler.apply.executor import Applier
from reconciler.apply.journal import Journal
from reconciler.apply.results import FAILED, OK, SKIPPED, StepResult
from reconciler.auth0.protocol import TenantAPI
from reconciler.core.errors import ApiError, ErrorKind
from reconciler.core.fields import ActionFields
from reconciler.core.model import DesiredAction, DesiredState
from reconciler.plan import Plan, make_plan
from reconciler.plan.kinds import (
    BindingEntry,
    DeleteAction,
    DeployAction,
    Rebind,
    Step,
    UpdateAction,
)
from tests.plan.factory import NOW, OPTIONS, TENANT, action, desired_state, live
from tests.support_fake import BOUND, NOT_BUILT, NOT_DEPLOYED, VERBS, FakeTenant

SECRET = "s3cret-value-never-shown"
NEW = action("new-one", secrets={"API_KEY": SECRET})
KEPT_OLD = action("kept", body="  api.idToken.setCustomClaim('y', 2);", deps={"axios": "1.7.2"})
KEPT = action("kept", deps={"axios": "1.7.2"})
GONE = action("gone")


class Run:
    """One apply (one step at a time, so the call log is in plan order): its results by step
    id and what it slept."""

    def __init__(
        self,
        api: FakeTenant,
        plan: Plan,
        desired: DesiredState,
        *,
        rebind_retry_seconds: float = 20.0,
        journal: Journal | None = None,
    ) -> None:
        self.slept: list[float] = []
        api.calls.clear()
        self.results = Applier(
            api,
            plan,
            desired,
            parallelism=1,
            journal=journal,
            rebind_retry_seconds=rebind_retry_seconds,
            sleep=self.slept.append,
        ).run()
        self.by_id = {r.step_id: r for r in self.results}

    def outcome(self) -> list[tuple[str, str, str]]:
        return [(r.step_id, r.status, r.message) for r in self.results]


def planned(api: FakeTenant, desired: DesiredState) -> Plan:
    """The plan for `desired` against what the fake tenant holds now."""
    owned = [b.trigger for b in desired.bindings]
    plan = make_plan(desired, api.read_live(tenant=TENANT, owned_triggers=owned), options=OPTIONS)
    assert not plan.blocked, plan.blocked
    return plan


def of_steps(steps: Sequence[Step]) -> Plan:
    """A plan made of typed step records only."""
    return Plan(TENANT, "", "", NOW, (), {}, (), tuple(steps))


def apply(
    api: FakeTenant,
    desired: DesiredState,
    plan: Plan | None = None,
    *,
    rebind_retry_seconds: float = 20.0,
    journal: Journal | None = None,
) -> Run:
    plan = plan or planned(api, desired)
    return Run(api, plan, desired, rebind_retry_seconds=rebind_retry_seconds, journal=journal)


def seeded(
    *actions: DesiredAction, bound: Sequence[str] = (), build_lag: int = 0, deploy_lag: int = 0
) -> FakeTenant:
    """A tenant holding `actions` as apply left them, `bound` ones on post-login in order."""
    api = FakeTenant(build_lag=build_lag, deploy_lag=deploy_lag)
    for a in actions:
        api.seed(live(a))
    if bound:
        api.bindings["post-login"] = [(f"act_{n}", n.capitalize()) for n in bound]
    return api


def id_of(api: FakeTenant, name: str) -> str:
    return next(a.id for a in api.actions.values() if a.name == name)


def everything() -> DesiredState:
    bindings = {"post-login": [("new-one", "New one"), ("kept", "Kept")]}
    return desired_state([NEW, KEPT], bindings, prune=True)


# ------------------------------------------------------------------------- the whole run


def test_the_fake_answers_refusals_as_errormap_classifies_them() -> None:
    api = FakeTenant()
    api.refuse("deploy_action", *NOT_BUILT)
    api.refuse("update_bindings", *NOT_DEPLOYED)
    api.refuse("delete_action", *BOUND)
    with pytest.raises(ApiError) as built:
        api.deploy_action("x")
    with pytest.raises(ApiError) as deployed:
        api.update_bindings("post-login", [])
    with pytest.raises(ApiError) as bound:
        api.delete_action("x")
    kinds = [e.value.kind for e in (built, deployed, bound)]
    assert kinds == [ErrorKind.NOT_BUILT_YET, ErrorKind.NOT_DEPLOYED_YET, ErrorKind.STILL_BOUND]
    assert [e.value.method for e in (built, deployed, bound)] == ["POST", "PATCH", "DELETE"]
    assert set(VERBS) <= {m for m in dir(TenantAPI) if not m.startswith("_")}


def test_create_update_deploy_rebind_delete_run_in_phase_order_with_these_calls() -> None:
    api = seeded(KEPT_OLD, GONE, bound=["gone", "kept"], build_lag=1, deploy_lag=1)
    run = apply(api, everything())
    new_id = id_of(api, "new-one")
    assert api.calls == [
        ("update_action_fields", "act_kept"),
        ("create_action", "new-one"),
        ("list_actions", ""),  # wait_build: both still building
        ("list_actions", ""),  # both built, new-one deployed with its create
        ("deploy_action", "act_kept"),
        ("list_actions", ""),  # the deploy is not visible yet
        ("list_actions", ""),
        ("update_bindings", "post-login"),  # gone unbound, new-one bound first
        ("delete_action", "act_gone"),
    ]
    assert run.outcome() == [
        ("update:kept", OK, "updated (code)"),
        ("create:new-one", OK, "created (deploys once built)"),
        ("wait_build", OK, "2 built"),
        ("deploy:kept", OK, "deployed version 2"),
        ("rebind:post-login", OK, "bound new-one, kept"),
        ("delete:gone", OK, "deleted"),
    ]
    assert api.bindings["post-login"] == [(new_id, "New one"), ("act_kept", "Kept")]
    assert sorted(a.name for a in api.actions.values()) == ["kept", "new-one"]
    assert api.secret_values[new_id] == {"API_KEY": SECRET}  # resolved at apply time
    kept = api.actions["act_kept"]
    assert kept.deployed_version is not None
    assert (kept.deployed_version.number, kept.deployed_version.code) == (2, kept.code)
    assert planned(api, everything()).steps == ()  # converged


def test_an_update_sends_only_the_fields_that_differ() -> None:
    api = seeded(KEPT)
    axios = replace(KEPT.dependencies[0], version="1.7.9")
    changed = replace(KEPT, runtime="node18", dependencies=(axios,))
    desired = desired_state([changed])
    plan = planned(api, desired)
    fields = ActionFields(runtime="node18", dependencies=changed.dependencies)
    assert plan.steps[0] == UpdateAction("act_kept", "kept", fields)
    run = apply(api, desired, plan)
    assert run.by_id["update:kept"].message == "updated (dependencies, runtime)"
    after = api.actions["act_kept"]
    before = live(KEPT)
    assert (after.runtime, after.dependencies) == ("node18", changed.dependencies)
    assert (after.code, after.secrets, after.trigger) == (before.code, before.secrets, "post-login")
    assert api.calls[:1] == [("update_action_fields", "act_kept")]


# ------------------------------------------------------------------------- retries


def test_a_deploy_answered_not_built_yet_is_retried_until_it_succeeds() -> None:
    api = seeded(KEPT)
    api.refuse("deploy_action", *NOT_BUILT, times=2)
    run = apply(api, desired_state([KEPT]), of_steps([DeployAction("act_kept", "kept")]))
    assert run.outcome() == [("deploy:kept", OK, "deployed version 2")]
    assert api.calls == [("deploy_action", "act_kept")] * 3 + [("list_actions", "")]
    assert run.slept == [waits.EXPECTED_BUILD_S] * 2  # one build's time between tries


def test_a_deploy_refused_otherwise_is_not_retried() -> None:
    api = seeded(KEPT)
    api.refuse("deploy_action", 400, "Invalid request")
    run = apply(api, desired_state([KEPT]), of_steps([DeployAction("act_kept", "kept")]))
    assert run.outcome() == [
        ("deploy:kept", FAILED, "POST /api/v2/actions/actions -> 400: Invalid request")
    ]
    assert api.calls == [("deploy_action", "act_kept")]
    assert run.slept == []


def rebind_kept() -> Plan:
    return of_steps([Rebind("post-login", (BindingEntry("kept", "act_kept", "Kept"),))])


def test_a_rebind_answered_not_deployed_yet_is_retried() -> None:
    api = seeded(KEPT)
    api.refuse("update_bindings", *NOT_DEPLOYED, times=2)
    run = apply(api, desired_state([KEPT]), rebind_kept())
    assert run.outcome() == [("rebind:post-login", OK, "bound kept")]
    assert api.calls == [("update_bindings", "post-login")] * 3
    assert run.slept == [waits.EXPECTED_BUILD_S] * 2
    assert api.bindings["post-login"] == [("act_kept", "Kept")]


def test_a_rebind_past_its_retry_time_fails_with_the_reply() -> None:
    api = seeded(KEPT)
    api.refuse("update_bindings", *NOT_DEPLOYED)
    run = apply(api, desired_state([KEPT]), rebind_kept(), rebind_retry_seconds=0.0)
    assert run.outcome() == [
        ("rebind:post-login", FAILED, "PATCH /api/v2/actions/actions -> 400: " + NOT_DEPLOYED[1])
    ]
    assert "post-login" not in api.bindings


# ------------------------------------------------------------------------- a concurrent apply


def test_a_409_on_create_with_an_identical_twin_is_adopted() -> None:
    api, desired = FakeTenant(), desired_state([NEW], {"post-login": [("new-one", "New one")]})
    plan = planned(api, desired)
    first = apply(api, desired, plan)  # the concurrent apply, a moment earlier
    assert first.by_id["create:new-one"].message == "created (deploys once built)"
    second = apply(api, desired, plan)
    assert second.outcome() == [
        ("create:new-one", OK, "created identically by a concurrent apply (deploys once built)"),
        ("wait_build", OK, "1 built"),
        ("rebind:post-login", OK, "bound new-one"),
    ]
    assert api.calls[:2] == [("create_action", "new-one"), ("list_actions", "new-one")]
    assert [a.name for a in api.actions.values()] == ["new-one"]
    assert api.bindings["post-login"] == [(id_of(api, "new-one"), "New one")]


def test_a_409_on_create_with_a_different_twin_fails_and_skips_its_dependents() -> None:
    other_value = action("new-one", secrets={"API_KEY": "another-value"})
    for twin in (other_value, replace(NEW, code=NEW.code.replace("'x'", "'z'"))):
        api, desired = FakeTenant(), desired_state([NEW], {"post-login": ["new-one"]})
        plan = planned(api, desired)
        apply(api, desired_state([twin]))  # the other apply wrote something else
        run = apply(api, desired, plan)
        assert run.outcome() == [
            (
                "create:new-one",
                FAILED,
                "POST /api/v2/actions/actions -> 409: An action with the name 'new-one' exists.",
            ),
            ("wait_build", SKIPPED, "skipped: depends on create:new-one, which did not complete"),
            (
                "rebind:post-login",
                SKIPPED,
                "skipped: depends on create:new-one, which did not complete",
            ),
        ]
        assert api.calls == [("create_action", "new-one"), ("list_actions", "new-one")]
        assert "post-login" not in api.bindings


# ------------------------------------------------------------------------- deletes


def test_deleting_an_action_that_is_already_gone_is_ok() -> None:
    api, desired = seeded(KEPT, GONE), desired_state([KEPT], prune=True)
    plan = planned(api, desired)
    del api.actions["act_gone"]  # someone deleted it after the plan
    run = apply(api, desired, plan)
    assert run.outcome() == [("delete:gone", OK, "deleted (it was already gone)")]
    assert api.calls == [("delete_action", "act_gone")]


def test_deleting_an_action_still_bound_fails_saying_the_plan_was_wrong() -> None:
    api, desired = seeded(KEPT, GONE), desired_state([KEPT], prune=True)
    plan = planned(api, desired)
    assert plan.steps == (DeleteAction("act_gone", "gone"),)
    api.bindings["post-login"] = [("act_gone", "Gone")]  # bound after the plan
    run = apply(api, desired, plan)
    assert run.outcome() == [
        (
            "delete:gone",
            FAILED,
            "the tenant refused: the action is still bound to a trigger, so this plan was "
            "wrong; run plan again",
        )
    ]
    assert "act_gone" in api.actions


# ------------------------------------------------------------------------- failures


def test_a_failed_build_skips_its_deploy_and_rebind_and_independent_steps_run() -> None:
    other_old = action("other", body="  api.idToken.setCustomClaim('o', 1);")
    other = action("other")
    api = seeded(KEPT_OLD, other_old, GONE)
    api.broken.add("kept")
    desired = desired_state([KEPT, other], {"post-login": ["kept"]}, prune=True)
    run = apply(api, desired)
    assert run.outcome() == [
        ("update:kept", OK, "updated (code)"),
        ("update:other", OK, "updated (code)"),
        (
            "wait_build",
            FAILED,
            "kept: build failed: status failed, Auth0 gave no build errors (runtime node22, "
            "dependencies: axios@1.7.2); check that every dependency version exists on npm; "
            "version 1 stays deployed",
        ),
        ("deploy:kept", SKIPPED, "skipped: kept did not build"),
        ("deploy:other", OK, "deployed version 2"),
        ("rebind:post-login", SKIPPED, "skipped: depends on deploy:kept, which did not complete"),
        ("delete:gone", OK, "deleted"),
    ]
    assert ("deploy_action", "act_kept") not in api.calls
    assert ("update_bindings", "post-login") not in api.calls
    kept = api.actions["act_kept"]
    assert kept.deployed_version is not None
    assert kept.deployed_version.number == 1


def test_no_step_result_or_journal_line_holds_a_secret_value(tmp_path: Path) -> None:
    journal_path = tmp_path / "journal.jsonl"
    journal = Journal(journal_path)
    results: list[StepResult] = []
    api = seeded(KEPT_OLD)
    results += apply(api, everything(), journal=journal).results  # create and update
    rotated = action("new-one", secrets={"API_KEY": SECRET + "-rotated"})
    results += apply(api, desired_state([rotated, KEPT]), journal=journal).results  # update
    twin_api, desired = FakeTenant(), desired_state([NEW])
    plan = planned(twin_api, desired)
    apply(twin_api, desired_state([rotated]))
    results += apply(twin_api, desired, plan, journal=journal).results  # 409, not a twin
    unset = desired_state([action("new-one", secrets={"API_KEY": None})])
    results += apply(FakeTenant(), unset, plan, journal=journal).results  # no value
    assert {r.status for r in results} == {OK, FAILED, SKIPPED}
    assert any("$NEW_ONE_API_KEY" in r.message for r in results)
    assert [r.message for r in results if SECRET in r.message] == []
    lines = [json.loads(line) for line in journal_path.read_text().splitlines()]
    assert len(lines) > len(results)
    assert SECRET not in journal_path.read_text()

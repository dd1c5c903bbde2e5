"""The waits against the in-memory tenant: one list read per round, outcomes per action."""

from __future__ import annotations

from dataclasses import replace

from reconciler.apply import waits
from reconciler.auth0.protocol import TenantAPI
from reconciler.core.livemodel import BuildError
from reconciler.core.model import Dependency
from tests.client.fakes import FakeTime
from tests.support_fake import FakeTenant


def test_the_fake_is_a_tenant_api() -> None:
    api: TenantAPI = FakeTenant()  # mypy checks the protocol; this checks it is importable
    assert api.list_actions() == []


def test_a_deploy_seen_after_the_lag_is_done_with_one_list_per_round() -> None:
    api, clock = FakeTenant(deploy_lag=2), FakeTime()
    one, two = api.add("one"), api.add("two")
    v1, v2 = api.deploy_action(one), api.deploy_action(two)
    assert v1.id is not None
    assert v2.id is not None
    checks = {one: waits.deployed(v1.id, v1.number), two: waits.deployed(v2.id, v2.number)}
    out = waits.wait(api, checks, timeout=60, clock=clock.time, sleep=clock.sleep)
    assert out == {one: (True, "deployed version 1"), two: (True, "deployed version 1")}
    assert [c for c in api.calls if c[0] == "list_actions"] == [("list_actions", "")] * 3
    assert clock.slept == [waits.interval(0), waits.interval(1)]


def test_a_wait_times_out_and_names_a_vanished_action() -> None:
    api, clock = FakeTenant(deploy_lag=1000), FakeTime()
    kept = api.add("kept")
    version = api.deploy_action(kept)
    assert version.id is not None
    checks = {kept: waits.deployed(version.id), "gone": waits.built(False)}
    out = waits.wait(api, checks, timeout=2, clock=clock.time, sleep=clock.sleep)
    assert out == {"gone": (False, "the action disappeared"), kept: (False, "timed out after 2 s")}


def test_a_newer_deploy_by_someone_else_ends_the_wait() -> None:
    api = FakeTenant()
    action_id = api.add("x")
    mine = api.deploy_action(action_id)
    api.deploy_action(action_id)  # a concurrent apply deployed after us
    assert mine.id is not None
    out = waits.wait(api, {action_id: waits.deployed(mine.id, mine.number)}, timeout=1)
    assert out == {action_id: (True, "deployed version 1, since replaced by version 2")}


def test_build_checks_read_typed_actions() -> None:
    api = FakeTenant()
    action = api.actions[api.add("x")]
    assert waits.built(False)(action) == (True, "built")
    assert waits.built(True)(action) is None  # not deployed yet
    assert waits.built(False)(replace(action, status="building")) is None
    failed = replace(action, status="failed", dependencies=(Dependency("left-pad", "99"),))
    assert waits.built(False)(failed) == (
        False,
        "build failed: status failed, Auth0 gave no build errors (runtime node22, dependencies: "
        "left-pad@99); check that every dependency version exists on npm",
    )
    errs = replace(failed, errors=(BuildError("e1", "npm said no"),))
    assert waits.built(False)(errs) == (False, "build failed: npm said no")
    api.deploy_action(action.id)
    assert waits.built(True)(api.actions[action.id]) == (
        True,
        "built and deployed as version 1",
    )


def test_build_error_text_shows_unprintables_as_question_marks_and_is_clipped() -> None:
    hostile = BuildError("e1", "npm \x1b[31mERR\u202e\n" + "x" * 100)
    message = waits.why_failed((hostile,), "node22", (), None)
    assert message == "npm ?[31mERR??" + "x" * 63 + "..."
    assert len(message) == 80

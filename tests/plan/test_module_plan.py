"""Planning Actions Modules (issue 15), pure: the steps and their order, pins, guards, the plan
document's round trip and the exact text rendering of a module change."""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

from reconciler.core.fields import ModulePin
from reconciler.core.livemodel import LiveModule, LiveModuleRef, LiveState
from reconciler.core.model import DesiredModule, DesiredModuleRef, DesiredState
from reconciler.core.trailer import compute_digest, with_trailer
from reconciler.plan import Plan, make_plan
from reconciler.plan.kinds import UpdateAction
from reconciler.plan.planfile import dumps, loads
from reconciler.render import render_text
from tests.plan.factory import (
    ITERATIONS,
    LIVE_SALT,
    OPTIONS,
    action,
    desired_state,
    live,
    live_state,
)

HELPERS = "module.exports = { claim: (n) => `ns/${n}` };\n"


def _module(code: str = HELPERS, *, protect: bool = False) -> DesiredModule:
    return DesiredModule("helpers", code, "modules/helpers.js", protect=protect)


def _live_module(module: DesiredModule, *, latest: int = 1) -> LiveModule:
    digest = compute_digest({}, salt=LIVE_SALT, iterations=ITERATIONS)
    return LiveModule(
        id="mod_helpers",
        name="helpers",
        code=with_trailer(module.code, digest, protect=module.protect),
        dependencies=(),
        secrets=(),
        all_changes_published=True,
        actions_using_module_total=1,
        latest_version_number=latest,
        latest_version_id=f"mver_{latest}",
        created_at="2026-07-01T00:00:00.000Z",
        updated_at="2026-07-02T00:00:00.000Z",
    )


def _states(
    code: str, version: int | Literal["latest"] = "latest"
) -> tuple[DesiredState, LiveState]:
    pinned = action("enrich")
    desired_action = replace(pinned, modules=(DesiredModuleRef("helpers", version),))
    desired = replace(desired_state([desired_action]), modules=(_module(code),))
    ref = LiveModuleRef("mod_helpers", "helpers", "mver_1", 1)
    current = replace(live(pinned), modules=(ref,))
    return desired, replace(live_state([current]), modules=(_live_module(_module()),))


def _plan(code: str, version: int | Literal["latest"] = "latest") -> Plan:
    desired, current = _states(code, version)
    return make_plan(desired, current, options=OPTIONS)


EXPECTED_TEXT = """\
reconciler plan for acme.eu.auth0.com
Symbols: + create  ~ update  ^ deploy  - delete  > rebind  = adopt (take over)

~ module.helpers (update, publish)
    draft differs from the manifest: code; draft differs from published version 1
    code:
      --- helpers (tenant draft)
      +++ helpers (manifest: modules/helpers.js)
      @@ -1 +1,2 @@
       module.exports = { claim: (n) => `ns/${n}` };
      +// v2

~ action.enrich (update, deploy)
    modules differ: helpers 1 -> helpers 2

Plan: 0 to create, 2 to update, 2 to deploy, 0 to rebind, 0 to delete.
"""


def test_module_change_publishes_then_moves_the_action_in_phase_order() -> None:
    plan = _plan(HELPERS + "// v2\n")
    assert [(s.id, s.depends_on) for s in plan.steps] == [
        ("update_module:helpers", ()),
        ("publish_module:helpers", ("update_module:helpers",)),
        ("update:enrich", ("publish_module:helpers",)),
        ("wait_build", ("update:enrich",)),
        ("deploy:enrich", ("update:enrich", "wait_build")),
    ]
    update = plan.steps[2]
    assert isinstance(update, UpdateAction)
    assert update.fields.modules == (ModulePin("helpers", 2),)
    assert plan.summary["deploy"] == 2  # the publish counts as the module's deploy
    assert [c.actions for c in plan.changes] == [("update", "publish"), ("update", "deploy")]


def test_exact_text_rendering_of_a_module_plan() -> None:
    assert render_text(_plan(HELPERS + "// v2\n"), color=False) == EXPECTED_TEXT


def test_plan_document_round_trips_module_steps() -> None:
    plan = _plan(HELPERS + "// v2\n")
    text = dumps(plan)
    assert '"kind": "publish_module"' in text
    assert '"address": "module.helpers"' in text
    again = loads(text)
    assert again == plan
    assert dumps(again) == text


def test_in_sync_module_and_pin_plan_nothing() -> None:
    plan = _plan(HELPERS)
    assert plan.steps == ()
    assert plan.blocked == ()


def test_a_pin_to_a_version_that_does_not_exist_blocks_the_plan() -> None:
    assert _plan(HELPERS, 5).blocked == (
        "action.enrich: module helpers has no version 5 (the newest is 1 after this plan)",
    )


def test_latest_of_a_module_created_unpublished_blocks() -> None:
    desired, current = _states(HELPERS)
    unpublished = replace(desired.modules[0], publish=False)
    plan = make_plan(
        replace(desired, modules=(unpublished,)), replace(current, modules=()), options=OPTIONS
    )
    assert [s.id for s in plan.steps][:1] == ["create_module:helpers"]
    assert plan.blocked == (
        "action.enrich: module helpers has no published version (set publish: true)",
    )


def test_an_orphan_module_used_by_an_action_staying_on_it_is_blocked() -> None:
    desired, current = _states(HELPERS)
    plan = make_plan(replace(desired, modules=()), current, options=OPTIONS)
    assert "action.enrich: module helpers is not in the tenant" not in " ".join(plan.blocked)
    orphan = replace(desired, modules=(), settings=replace(desired.settings, prune=True))
    plan = make_plan(orphan, current, options=OPTIONS)
    deletes = [s.id for s in plan.steps if s.kind.value == "delete_module"]
    assert deletes == ["delete_module:helpers"]
    assert plan.blocked == (
        "module.helpers: still used by enrich, which this plan does not move off it; the tenant "
        "refuses to delete a module in use",
    )

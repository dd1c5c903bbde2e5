"""The typed plan records and the plan document: every action step kind and every change
record goes typed -> JSON -> typed unchanged, and a step whose id or address is not the one its
record gives is refused with one line."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from reconciler.core.errors import ReconcilerError
from reconciler.core.fields import ActionFields, SecretRef, TriggerRef
from reconciler.core.model import Dependency
from reconciler.diff import Drift
from reconciler.diff.bindings import bindings_change
from reconciler.diff.records import (
    CodeDiff,
    DeletedDetail,
    DependencyChange,
    FieldChange,
    FieldDiff,
    SecretChange,
)
from reconciler.plan import (
    ActionPrecondition,
    BindingsPrecondition,
    Change,
    StepKind,
    change_to_dict,
    make_plan,
    step_to_dict,
)
from reconciler.plan.kinds import (
    BindingEntry,
    CreateAction,
    DeleteAction,
    DeployAction,
    Rebind,
    Step,
    UpdateAction,
    WaitBuild,
    ordered,
)
from reconciler.plan.planfile import plan_from_dict, plan_to_dict
from reconciler.plan.planfile.decode import change_from_json, step_from_json
from reconciler.plan.steps import binding_reason
from tests.plan.cases import CASES

FULL = ActionFields(
    supported_triggers=(TriggerRef("post-login", "v3"),),
    code="exports.onExecutePostLogin = async () => {};\n",
    runtime="node22",
    dependencies=(Dependency("axios", "1.7.9"), Dependency("uuid", "10.0.0")),
    secrets=(SecretRef("API_KEY", "ENRICH_API_KEY"),),
)

STEPS: list[Step] = [
    CreateAction("enrich-token", FULL, deploy=True),
    CreateAction("draft-only", FULL, deploy=False),
    UpdateAction("act_1", "enrich-token", ActionFields(runtime="node22")),
    UpdateAction("act_2", "quota", ActionFields(code="x", secrets=())),
    WaitBuild(("enrich-token", "quota"), ("create:enrich-token", "update:quota")),
    DeployAction("act_1", "enrich-token", ("update:enrich-token", "wait_build")),
    Rebind(
        "post-login",
        (BindingEntry("enrich-token", None, "Enrich"), BindingEntry("quota", "act_2", "quota")),
        ("create:enrich-token", "wait_build"),
    ),
    Rebind("credentials-exchange", ()),
    DeleteAction("act_9", "old-thing", ("rebind:post-login",)),
]


@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.id)
def test_every_action_step_kind_round_trips(step: Step) -> None:
    data = step_to_dict(step)
    assert data["id"] == step.id
    assert data["kind"] == step.kind.value
    assert data["address"] == step.address
    assert step_from_json(json.loads(json.dumps(data))) == step


def test_the_kinds_of_the_round_trip_cover_every_action_step_kind() -> None:
    action_kinds = {
        StepKind.CREATE,
        StepKind.UPDATE,
        StepKind.WAIT_BUILD,
        StepKind.DEPLOY,
        StepKind.REBIND,
        StepKind.DELETE,
    }
    assert {s.kind for s in STEPS} == action_kinds
    phases = [s.kind.phase for s in ordered(list(reversed(STEPS)))]
    assert phases == sorted(phases)


CHANGES = [
    Change(
        "action.enrich-token",
        ("create", "deploy"),
        "not in the tenant",
        FieldDiff(
            against="nothing",
            trigger=FieldChange(None, "post-login v3"),
            runtime=FieldChange(None, "node22"),
            dependencies=(DependencyChange("axios", None, "1.7.9"),),
            secrets=(SecretChange("API_KEY", "added"),),
            code=CodeDiff("enrich-token.js", lines=12),
        ),
        (),
        ActionPrecondition(None, None, None),
    ),
    Change(
        "action.quota",
        ("update",),
        "draft differs from the manifest: code",
        FieldDiff(
            against="tenant draft",
            protect=FieldChange(False, True),
            code=CodeDiff("quota.js", unified=("--- a", "+++ b", "@@ -1 +1 @@", "-x", "+y")),
        ),
        (Drift("undeployed-dashboard-draft", "edited"),),
        ActionPrecondition("act_2", "2026-01-01T00:00:00Z", "ver_1"),
    ),
    Change(
        "action.old-thing",
        ("delete",),
        "would delete (prune disabled)",
        FieldDiff(deleted=DeletedDetail("post-login", "v3", None, 10, 1, ("// x",))),
        planned=False,
    ),
    Change(
        "bindings.post-login",
        ("rebind",),
        "bind quota",
        bindings_change([("a", "A")], [("quota", "Q"), ("a", "A")]),
        (),
        BindingsPrecondition("sha256:" + "0" * 64),
    ),
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda c: c.address)
def test_every_change_record_round_trips(change: Change) -> None:
    assert change_from_json(json.loads(json.dumps(change_to_dict(change)))) == change


def test_unplanned_changes_have_empty_preconditions_in_the_document() -> None:
    assert change_to_dict(CHANGES[2])["preconditions"] == {}
    assert change_to_dict(CHANGES[2])["diff"] == {
        "deleted": change_to_dict(CHANGES[2])["diff"]["deleted"]
    }


def test_the_rebind_reason_is_read_from_the_typed_change() -> None:
    change = bindings_change(
        [("a", "A"), ("b", "B"), ("gone", "G")], [("b", "B"), ("a", "A2"), ("new", "N")]
    )
    assert change.added == ["new"]
    assert change.removed == ["gone"]
    assert binding_reason(change) == (
        "bind new; unbind gone; change the order; change the display name of a"
    )


def _document(case: str) -> dict[str, Any]:
    desired, live, options = CASES[case]()
    return plan_to_dict(make_plan(desired, live, options=options))


def test_a_step_whose_id_disagrees_with_its_record_is_refused_in_one_line() -> None:
    data = copy.deepcopy(_document("create"))
    step = data["steps"][0]
    assert step["id"].startswith("create:")
    step["id"] = "create:somebody-else"
    with pytest.raises(ReconcilerError) as info:
        plan_from_dict(data, source="plan.json")
    message = str(info.value)
    assert message.startswith(
        "plan.json: invalid plan file: step create:somebody-else does not "
        "match its create record (whose id is create:"
    )
    assert "\n" not in message


def test_a_step_whose_address_disagrees_with_its_record_is_refused_in_one_line() -> None:
    data = copy.deepcopy(_document("create"))
    data["steps"][0]["address"] = "action.somebody-else"
    with pytest.raises(ReconcilerError) as info:
        plan_from_dict(data, source="plan.json")
    assert "address action.somebody-else is not action." in str(info.value)
    assert str(info.value).startswith("plan.json: invalid plan file: step create:")
    assert "\n" not in str(info.value)


def test_a_diff_mixing_an_action_and_a_binding_list_is_refused() -> None:
    data = copy.deepcopy(_document("create"))
    data["changes"][0]["diff"]["positions"] = []
    with pytest.raises(ReconcilerError, match="^plan.json: invalid plan file: diff: a binding"):
        plan_from_dict(data, source="plan.json")


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_case_document_reads_back_to_the_same_records(case: str) -> None:
    data = _document(case)
    plan = plan_from_dict(json.loads(json.dumps(data)))
    assert plan_to_dict(plan) == data

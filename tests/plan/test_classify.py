"""Each classification of issue 5, asserted exactly on the plan data (changes and steps)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from reconciler.core.errors import ReconcilerError
from reconciler.core.trailer import strip_trailer, verify
from reconciler.diff import Drift
from reconciler.plan import Plan, change_to_dict, exit_code, make_plan, step_to_dict
from tests.plan import cases
from tests.plan.factory import (
    OPTIONS,
    action,
    code,
    desired_state,
    live,
    live_state,
)


def plan_of(case: str) -> Plan:
    desired, current, options = cases.CASES[case]()
    return make_plan(desired, current, options=options)


def shape(plan: Plan) -> list[tuple[str, tuple[str, ...], bool]]:
    return [(c.address, c.actions, c.planned) for c in plan.changes]


def steps(plan: Plan) -> list[tuple[str, tuple[str, ...]]]:
    return [(s.id, s.depends_on) for s in plan.steps]


def test_create_writes_trailer_secret_refs_and_deploys_in_the_same_call() -> None:
    plan = plan_of("create")
    assert shape(plan) == [
        ("action.enrich-token", ("create", "deploy"), True),
        ("bindings.post-login", ("rebind",), True),
    ]
    assert steps(plan) == [
        ("create:enrich-token", ()),
        ("wait_build", ("create:enrich-token",)),
        ("rebind:post-login", ("create:enrich-token", "wait_build")),
    ]
    payload = step_to_dict(plan.steps[0])["payload"]
    assert sorted(payload) == [
        "code",
        "dependencies",
        "deploy",
        "name",
        "runtime",
        "secrets",
        "supported_triggers",
    ]
    assert payload["deploy"] is True
    assert payload["supported_triggers"] == [{"id": "post-login", "version": "v3"}]
    assert payload["dependencies"] == [{"name": "axios", "version": "1.7.9"}]
    assert payload["secrets"] == [{"name": "API_KEY", "var": "ENRICH_TOKEN_API_KEY"}]
    body, info = strip_trailer(payload["code"])
    assert body == cases.ENRICH.code
    assert info is not None
    assert verify(info.secrets, {"API_KEY": "enrich-key-0001"})
    assert info.secrets.split("$")[:2] == ["pbkdf2-sha256", "50"]
    assert step_to_dict(plan.steps[2])["payload"] == {
        "trigger": "post-login",
        "bindings": [{"action": "enrich-token", "action_id": None, "display_name": "Enrich token"}],
    }
    assert change_to_dict(plan.changes[0])["preconditions"] == {
        "id": None,
        "updated_at": None,
        "deployed_version_id": None,
    }
    assert plan.summary == {
        "create": 1,
        "update": 0,
        "deploy": 1,
        "rebind": 1,
        "delete": 0,
        "adopt": 0,
        "unmanaged": 0,
    }


def test_update_sends_only_changed_fields_and_deploys() -> None:
    plan = plan_of("update")
    assert shape(plan) == [("action.enrich-token", ("update", "deploy"), True)]
    assert steps(plan) == [
        ("update:enrich-token", ()),
        ("wait_build", ("update:enrich-token",)),
        ("deploy:enrich-token", ("update:enrich-token", "wait_build")),
    ]
    payload = step_to_dict(plan.steps[0])["payload"]
    assert sorted(payload) == [
        "action_id",
        "code",
        "dependencies",
        "name",
        "runtime",
        "secrets",
    ]
    assert payload["action_id"] == "act_enrich-token"
    assert payload["runtime"] == "node22"
    assert payload["dependencies"] == [
        {"name": "axios", "version": "1.7.9"},
        {"name": "zod", "version": "3.23.8"},
    ]
    diff = change_to_dict(plan.changes[0])["diff"]
    assert diff["dependencies"] == [
        {"name": "axios", "before": "1.7.2", "after": "1.7.9"},
        {"name": "lodash", "before": "4.17.21", "after": None},
        {"name": "zod", "before": None, "after": "3.23.8"},
    ]
    assert diff["secrets"] == [{"name": "NEW_SECRET", "change": "added"}]
    assert change_to_dict(plan.changes[0])["preconditions"] == {
        "id": "act_enrich-token",
        "updated_at": "2026-07-02T00:00:00.000Z",
        "deployed_version_id": "ver_enrich-token_1",
    }


def test_a_code_only_change_keeps_the_live_secret_digest_and_sends_no_secrets() -> None:
    old = action("enrich-token", body="  // old", secrets={"API_KEY": "enrich-key-0001"})
    new = action("enrich-token", secrets={"API_KEY": "enrich-key-0001"})
    current = live(old)
    plan = make_plan(desired_state([new]), live_state([current]), options=OPTIONS)
    payload = step_to_dict(plan.steps[0])["payload"]
    assert sorted(payload) == ["action_id", "code", "name"]
    new_info = strip_trailer(payload["code"])[1]
    old_info = strip_trailer(current.code)[1]
    assert new_info is not None
    assert old_info is not None
    assert new_info.secrets == old_info.secrets  # same salt: the values did not change
    assert new_info.code_hash != old_info.code_hash


def test_deploy_only_when_the_draft_already_matches() -> None:
    plan = plan_of("deploy_only")
    assert shape(plan) == [("action.enrich-token", ("deploy",), True)]
    assert steps(plan) == [("deploy:enrich-token", ())]
    assert step_to_dict(plan.steps[0])["payload"] == {
        "action_id": "act_enrich-token",
        "name": "enrich-token",
    }
    assert change_to_dict(plan.changes[0])["diff"]["against"] == "deployed version 4"


def test_never_deployed_draft_gets_deploy_alone() -> None:
    plan = plan_of("never_deployed")
    assert shape(plan) == [("action.enrich-token", ("deploy",), True)]
    assert plan.changes[0].reason == "never deployed"
    assert change_to_dict(plan.changes[0])["preconditions"]["deployed_version_id"] is None


def test_deploy_false_never_deploys() -> None:
    new = action("enrich-token", deploy=False)
    plan = make_plan(desired_state([new]), live_state([live(new, deployed=False)]), options=OPTIONS)
    assert plan.changes == ()
    assert not plan.has_changes


def test_adopt_rewrites_code_with_the_trailer() -> None:
    plan = plan_of("adopt")
    assert shape(plan) == [("action.enrich-token", ("adopt", "update"), True)]
    assert sorted(step_to_dict(plan.steps[0])["payload"]) == ["action_id", "code", "name"]
    assert strip_trailer(step_to_dict(plan.steps[0])["payload"]["code"])[1] is not None
    assert plan.summary["adopt"] == 1
    assert plan.summary["update"] == 1


def test_adopt_with_secrets_rewrites_them_and_deploys() -> None:
    new = action("enrich-token", secrets={"API_KEY": "enrich-key-0001"})
    hand_made = live(new, code=new.code, deployed_code=new.code)
    plan = make_plan(desired_state([new]), live_state([hand_made]), options=OPTIONS)
    assert shape(plan) == [("action.enrich-token", ("adopt", "update", "deploy"), True)]
    assert change_to_dict(plan.changes[0])["diff"]["secrets"] == [
        {"name": "API_KEY", "change": "value unknown (not written by reconciler)"}
    ]
    assert step_to_dict(plan.steps[0])["payload"]["secrets"] == [
        {"name": "API_KEY", "var": "ENRICH_TOKEN_API_KEY"}
    ]


def test_delete_without_allow_delete_is_shown_but_has_no_step() -> None:
    plan = plan_of("delete_prune_disabled")
    assert shape(plan) == [("action.old-thing", ("delete",), False)]
    assert plan.changes[0].reason == "would delete (prune disabled)"
    assert plan.steps == ()
    assert plan.blocked == ()
    assert plan.summary["delete"] == 0
    assert not plan.has_changes


def test_delete_with_allow_delete_unbinds_first() -> None:
    plan = plan_of("delete_allowed")
    assert shape(plan) == [
        ("action.hand-made", ("unmanaged",), False),
        ("action.old-thing", ("delete",), True),
        ("bindings.post-login", ("rebind",), True),
    ]
    assert steps(plan) == [
        ("rebind:post-login", ()),
        ("delete:old-thing", ("rebind:post-login",)),
    ]
    assert step_to_dict(plan.steps[0])["payload"] == {
        "trigger": "post-login",
        "bindings": [
            {"action": "hand-made", "action_id": "act_hand-made", "display_name": "Hand made"}
        ],
    }
    assert step_to_dict(plan.steps[1])["payload"] == {
        "action_id": "act_old-thing",
        "name": "old-thing",
    }


def test_settings_prune_enables_deletes() -> None:
    gone = live(action("old-thing"))
    plan = make_plan(desired_state([], prune=True), live_state([gone]), options=OPTIONS)
    assert steps(plan) == [("delete:old-thing", ())]


def test_protected_delete_blocks_and_protection_comes_from_the_trailer() -> None:
    plan = plan_of("protected_delete")
    assert shape(plan) == [("action.old-thing", ("delete",), False)]
    assert plan.steps == ()
    assert plan.blocked == (
        "action.old-thing: protected (protect: true) but no longer in the manifests; put it "
        "back, or apply it with protect: false before removing it",
    )


def test_turning_protect_on_rewrites_the_trailer() -> None:
    old = action("enrich-token")
    new = action("enrich-token", protect=True)
    plan = make_plan(desired_state([new]), live_state([live(old)]), options=OPTIONS)
    assert shape(plan) == [("action.enrich-token", ("update",), True)]
    assert plan.changes[0].reason == "protect changed"
    assert change_to_dict(plan.changes[0])["diff"]["protect"] == {"before": False, "after": True}
    info = strip_trailer(step_to_dict(plan.steps[0])["payload"]["code"])[1]
    assert info is not None
    assert info.protect


def test_more_deletes_than_max_deletes_blocks() -> None:
    plan = plan_of("max_deletes")
    assert [s.id for s in plan.steps] == ["delete:old-0", "delete:old-1", "delete:old-2"]
    assert plan.blocked == ("3 actions would be deleted, more than --max-deletes 2",)


def test_drift_dashboard_edit_deployed() -> None:
    plan = plan_of("drift_deployed_edit")
    assert shape(plan) == [("action.enrich-token", ("update", "deploy"), True)]
    assert plan.changes[0].drift == (
        Drift(
            "dashboard-edit-deployed",
            "deployed version 7 was edited outside reconciler and differs from the manifest",
        ),
    )


def test_manifest_change_is_not_drift() -> None:
    plan = plan_of("update")
    assert plan.changes[0].drift == ()


def test_drift_undeployed_dashboard_draft() -> None:
    plan = plan_of("drift_undeployed_draft")
    assert shape(plan) == [("action.enrich-token", ("update",), True)]
    assert [d.category for d in plan.changes[0].drift] == ["undeployed-dashboard-draft"]


def test_secret_value_changed_is_a_planned_input_change_not_drift() -> None:
    # issue 14: a new value in the var file or environment is a change of the input; the
    # tenant did not move, so it is no longer reported as drift (changed on purpose)
    plan = plan_of("secret_value_changed")
    change = plan.changes[0]
    assert change.actions == ("update", "deploy")
    assert change_to_dict(change)["diff"]["secrets"] == [{"name": "API_KEY", "change": "new value"}]
    assert change.drift == ()
    payload = step_to_dict(plan.steps[0])["payload"]
    assert payload["secrets"] == [
        {"name": "API_KEY", "var": "ENRICH_TOKEN_API_KEY"},
        {"name": "OTHER", "var": "ENRICH_TOKEN_OTHER"},
    ]
    info = strip_trailer(payload["code"])[1]
    assert info is not None
    assert verify(info.secrets, {"API_KEY": "rotated-key-0002", "OTHER": "other-value-1"})
    assert info.secrets.split("$")[2] != ""  # a fresh salt from the injected source


def test_drift_secret_added_and_removed_in_the_tenant() -> None:
    plan = plan_of("secret_added_removed")
    assert [(d.category, d.detail) for d in plan.changes[0].drift] == [
        ("secret-added", "secret EXTRA was added outside reconciler"),
        ("secret-removed", "secret API_KEY was removed outside reconciler"),
    ]


def test_unmanaged_and_marketplace_and_ignored_are_listed_never_touched() -> None:
    assert shape(plan_of("unmanaged")) == [("action.someone-elses", ("unmanaged",), False)]
    market = plan_of("marketplace")
    assert shape(market) == [("action.Fraud Shield", ("unmanaged",), False)]
    assert market.changes[0].reason == "marketplace integration"
    ignored = plan_of("ignore_globs")
    assert shape(ignored) == [("action.legacy-login", ("unmanaged",), False)]
    assert ignored.steps == ()
    assert ignored.warnings == (
        "action legacy-signup is in the manifests but matches settings.ignore glob "
        "'legacy-*': not touched",
    )
    for plan in (plan_of("unmanaged"), market, ignored):
        assert not plan.has_changes
        assert plan.summary["unmanaged"] == 1


def test_rebind_order_change_is_one_step_writing_the_whole_list() -> None:
    plan = plan_of("rebind_order")
    assert steps(plan) == [("rebind:post-login", ())]
    assert step_to_dict(plan.steps[0])["payload"]["bindings"] == [
        {
            "action": "block-bad-ips",
            "action_id": "act_block-bad-ips",
            "display_name": "Block bad IPs",
        },
        {"action": "enrich-token", "action_id": "act_enrich-token", "display_name": "Enrich token"},
    ]
    assert plan.changes[0].reason == ("change the order; change the display name of block-bad-ips")
    assert change_to_dict(plan.changes[0])["preconditions"]["digest"].startswith("sha256:")


def test_noop_plan_is_empty() -> None:
    plan = plan_of("noop")
    assert plan.steps == ()
    assert [c.actions for c in plan.changes] == [("unmanaged",)]
    assert not plan.has_changes


def test_dependency_order_does_not_matter() -> None:
    new = action("enrich-token", deps={"axios": "1.7.9", "zod": "3.23.8"})
    current = live(new)
    shuffled = replace(current, dependencies=tuple(reversed(current.dependencies)))
    plan = make_plan(desired_state([new]), live_state([shuffled]), options=OPTIONS)
    assert plan.changes == ()


def test_trailing_whitespace_at_end_of_code_is_not_a_change() -> None:
    new = action("enrich-token")
    current = live(new)
    spaced = replace(current, code=current.code.replace("};\n//", "};\n\n  \n//"))
    plan = make_plan(desired_state([new]), live_state([spaced]), options=OPTIONS)
    assert plan.changes == ()


def test_target_narrows_and_warns() -> None:
    plan = plan_of("targeted")
    assert shape(plan) == [
        ("action.enrich-token", ("update", "deploy"), True),
        ("bindings.post-login", ("rebind",), True),
    ]
    assert plan.targets == ("enrich-token",)
    assert plan.warnings[0].startswith("targeting in effect: only enrich-token")


def test_binding_an_action_outside_the_target_blocks() -> None:
    a, b = action("a-one"), action("b-two")
    desired = desired_state([a, b], {"post-login": ["a-one", "b-two"]})
    plan = make_plan(desired, live_state([]), options=replace(OPTIONS, targets=("a-one",)))
    assert plan.blocked == (
        "bindings.post-login: action 'b-two' is not in the tenant and this plan does not create it",
    )


def test_binding_an_undeployed_create_blocks() -> None:
    a = action("a-one", deploy=False)
    plan = make_plan(desired_state([a], {"post-login": ["a-one"]}), live_state([]), options=OPTIONS)
    assert plan.blocked == (
        "bindings.post-login: a-one is created with deploy: false and cannot be bound before "
        "it is deployed",
    )


def test_newly_bound_update_waits_for_its_deploy() -> None:
    old = action("enrich-token", runtime="node18")
    new = action("enrich-token")
    plan = make_plan(
        desired_state([new], {"post-login": ["enrich-token"]}),
        live_state([live(old)]),
        options=OPTIONS,
    )
    assert dict(steps(plan))["rebind:post-login"] == ("deploy:enrich-token",)


def test_duplicate_live_names_are_an_error_naming_the_ids() -> None:
    a = action("enrich-token")
    current = live_state([live(a, id="act_1"), live(a, id="act_2")])
    with pytest.raises(ReconcilerError, match=r"2 actions named 'enrich-token' \(act_1, act_2\)"):
        make_plan(desired_state([a]), current, options=OPTIONS)


def test_manifest_action_named_like_a_marketplace_one_is_an_error() -> None:
    a = action("Fraud Shield")
    current = live_state([live(a, marketplace=True)])
    with pytest.raises(ReconcilerError, match="marketplace integration"):
        make_plan(desired_state([a]), current, options=OPTIONS)


def test_unresolved_secrets_are_reported_not_compared() -> None:
    resolved = action("enrich-token", body="  // old", secrets={"API_KEY": "enrich-key-0001"})
    unresolved = action("enrich-token", secrets={"API_KEY": None})
    plan = make_plan(desired_state([unresolved]), live_state([live(resolved)]), options=OPTIONS)
    assert change_to_dict(plan.changes[0])["diff"]["secrets"] == [
        {"name": "API_KEY", "change": "not compared (value unresolved)"}
    ]
    assert "secrets" not in step_to_dict(plan.steps[0])["payload"]  # the live digest is kept
    assert plan.warnings == ("action enrich-token: secret values were not compared (unresolved)",)


def test_creating_with_unresolved_secrets_is_an_error() -> None:
    unresolved = action("enrich-token", secrets={"API_KEY": None})
    with pytest.raises(ReconcilerError, match="secret values are unresolved"):
        make_plan(desired_state([unresolved]), live_state([]), options=OPTIONS)


def test_plan_is_deterministic_for_a_given_salt_and_clock() -> None:
    first, second = plan_of("secret_value_changed"), plan_of("secret_value_changed")
    assert first == second
    other = make_plan(
        *cases.CASES["secret_value_changed"]()[:2],
        options=replace(OPTIONS, salt=lambda name: b"another-salt-16b"),
    )
    assert other.plan_digest != first.plan_digest


def test_created_at_is_not_part_of_the_plan_digest() -> None:
    desired, current, options = cases.CASES["create"]()
    later = make_plan(
        desired, current, options=replace(options, now=lambda: "2030-01-01T00:00:00Z")
    )
    assert later.plan_digest == plan_of("create").plan_digest
    assert later.created_at != plan_of("create").created_at


def test_unmanaged_action_without_trailer_is_never_deleted_even_with_prune() -> None:
    other = live(action("someone-elses"), code=code("someone-elses"))
    plan = make_plan(desired_state([], prune=True), live_state([other]), options=OPTIONS)
    assert plan.steps == ()


@pytest.mark.parametrize(
    ("case", "detailed", "code"),
    [
        ("noop", True, 0),
        ("delete_prune_disabled", True, 0),
        ("update", False, 0),
        ("update", True, 2),
        ("protected_delete", False, 3),
        ("max_deletes", True, 3),
    ],
)
def test_exit_codes(case: str, detailed: bool, code: int) -> None:
    assert exit_code(plan_of(case), detailed=detailed) == code

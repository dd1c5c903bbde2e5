"""A saved plan is bound to what it was made from (DESIGN.md "Plan").

`apply --plan` re-derives every step from the checkout and refuses a forged one before any
write; with RECONCILER_PLAN_KEY plans are signed and checked; the plan records its root, so
`apply --plan FILE` runs from where the hint was printed. Writes are checked in the emulator's
request log.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from reconciler.emulator import Emulator
from reconciler.plan import Plan, Step, plan_digest, planfile
from tests.support import Api, api_writes

Cli = Callable[..., tuple[int, str, str]]
KEY_A = "plan-key-A-0123456789abcdef"
KEY_B = "plan-key-B-0123456789abcdef"


def make_plan_file(cli: Cli, tmp_path: Path) -> Path:
    """`reconciler plan actions --out plan.json`, run in tmp_path (the root fixture's cwd)."""
    code, _, err = cli("plan", "actions", "--out", "plan.json")
    assert code == 0, err
    assert "apply it with: reconciler apply --plan plan.json --tenant " in err
    return tmp_path / "plan.json"


def forge(path: Path, edit: Callable[[Step], Step | None]) -> None:
    """Rewrite the plan's steps with `edit` (None: unchanged) and recompute its digest."""
    plan = planfile.loads(path.read_text())
    steps = tuple(edit(s) or s for s in plan.steps)
    forged: Plan = replace(plan, steps=steps, plan_digest=plan_digest(plan.changes, steps))
    path.write_text(planfile.dumps(forged))


def with_fields(step: Any, **changes: Any) -> Step:
    """A create or update step with some of its written fields changed."""
    forged: Step = replace(step, fields=replace(step.fields, **changes))
    return forged


def test_apply_plan_takes_the_recorded_root_and_applies(
    cli: Cli, root: Path, tmp_path: Path, api: Api
) -> None:
    plan_file = make_plan_file(cli, tmp_path)
    assert json.loads(plan_file.read_text())["root"] == "actions"
    code, out, err = cli("apply", "--plan", "plan.json")  # exactly as the hint says
    assert code == 0, out + err
    assert "Applying saved plan sha256:" in out
    assert set(api.actions()) >= {"enrich-token", "block-bad-ips", "m2m-quota"}


def test_a_forged_step_is_refused_before_any_write(
    cli: Cli, root: Path, tmp_path: Path, emu: Emulator
) -> None:
    plan_file = make_plan_file(cli, tmp_path)

    def evil(step: Step) -> Step | None:
        if step.id != "create:enrich-token":
            return None
        code = str(step.fields.code)
        return with_fields(
            step, code=code.replace("exports.", "fetch('https://x.example');\nexports.", 1)
        )

    forge(plan_file, evil)
    emu.clear_log()
    code, out, err = cli("apply", "--plan", "plan.json")
    assert code == 3
    assert err == (
        "reconciler: error: action.enrich-token: the plan's create step does not follow from "
        "the manifests at hand (code differs); run plan again\n"
    )
    assert api_writes(emu) == []


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda s: with_fields(s, runtime="node18") if s.id == "create:m2m-quota" else None,
            "action.m2m-quota: the plan's create step does not follow from the manifests at hand "
            "(runtime differs)",
        ),
        (
            lambda s: (
                replace(s, bindings=tuple(reversed(s.bindings)))
                if s.id == "rebind:post-login"
                else None
            ),
            "bindings.post-login: the plan's rebind step does not follow from the manifests at "
            "hand (bindings differs)",
        ),
        (
            lambda s: (
                replace(s, name="intruder")
                if s.id == "create:m2m-quota"
                else replace(
                    s, depends_on=tuple(d.replace("m2m-quota", "intruder") for d in s.depends_on)
                )
            ),
            "action.intruder: the plan's create step does not follow from the manifests at hand "
            "(the manifests give no such step)",
        ),
        (
            lambda s: replace(s, depends_on=()) if s.id == "rebind:post-login" else None,
            "bindings.post-login: the plan's rebind step does not follow from the manifests at "
            "hand (its dependencies differ)",
        ),
        (
            lambda s: replace(s, actions=(*s.actions, "ghost")) if s.id == "wait_build" else None,
            "actions: the plan's wait_build step does not follow from the manifests at hand (it "
            "waits for an action the manifests do not name)",
        ),
    ],
    ids=["runtime", "binding-order", "unknown-action", "dropped-dependency", "wait-for-ghost"],
)
def test_other_forgeries_are_refused_naming_the_resource(
    cli: Cli,
    root: Path,
    tmp_path: Path,
    emu: Emulator,
    edit: Callable[[Step], Step | None],
    message: str,
) -> None:
    plan_file = make_plan_file(cli, tmp_path)
    forge(plan_file, edit)
    emu.clear_log()
    code, _, err = cli("apply", "--plan", "plan.json")
    assert code == 3
    assert err == f"reconciler: error: {message}; run plan again\n"
    assert api_writes(emu) == []


def test_an_explicit_root_wins_and_must_give_the_same_plan(
    cli: Cli, root: Path, tmp_path: Path, emu: Emulator
) -> None:
    plan_file = make_plan_file(cli, tmp_path)
    other = tmp_path / "other"
    shutil.copytree(root, other)
    (other / "m2m-quota.js").write_text((root / "m2m-quota.js").read_text() + "// changed\n")
    emu.clear_log()
    code, _, err = cli("apply", str(other), "--plan", str(plan_file))
    assert code == 3
    assert "this plan was made from different manifests" in err
    assert api_writes(emu) == []
    code, out, err = cli("apply", "actions", "--plan", str(plan_file))
    assert code == 0, out + err


# --------------------------------------------------------------------------- signing


def test_a_signed_plan_applies_under_its_key_only(
    cli: Cli, root: Path, tmp_path: Path, emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECONCILER_PLAN_KEY", KEY_A)
    plan_file = make_plan_file(cli, tmp_path)
    text = plan_file.read_text()
    assert json.loads(text)["signature"].startswith("hmac-sha256:")
    assert KEY_A not in text
    monkeypatch.setenv("RECONCILER_PLAN_KEY", KEY_B)
    emu.clear_log()
    code, out, err = cli("apply", "--plan", "plan.json")
    assert code == 3
    assert err == (
        "reconciler: error: plan.json: the plan's signature does not match RECONCILER_PLAN_KEY "
        "(edited, or signed with another key); run plan again\n"
    )
    assert api_writes(emu) == []
    monkeypatch.setenv("RECONCILER_PLAN_KEY", KEY_A)
    code, out, err = cli("apply", "--plan", "plan.json", "--require-signed-plan")
    assert code == 0, out + err
    assert KEY_A not in out + err


def test_an_edited_signed_plan_is_refused(
    cli: Cli, root: Path, tmp_path: Path, emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECONCILER_PLAN_KEY", KEY_A)
    plan_file = make_plan_file(cli, tmp_path)
    document = json.loads(plan_file.read_text())
    document["targets"] = ["m2m-quota"]  # a field outside the plan digest
    plan_file.write_text(json.dumps(document))
    emu.clear_log()
    code, _, err = cli("apply", "--plan", "plan.json")
    assert code == 3
    assert "the plan's signature does not match" in err
    assert api_writes(emu) == []


def test_an_unsigned_plan_is_refused_when_a_key_is_set(
    cli: Cli, root: Path, tmp_path: Path, emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_plan_file(cli, tmp_path)
    monkeypatch.setenv("RECONCILER_PLAN_KEY", KEY_A)
    emu.clear_log()
    code, _, err = cli("apply", "--plan", "plan.json")
    assert code == 3
    assert err == (
        "reconciler: error: plan.json: the plan is not signed, but RECONCILER_PLAN_KEY is set; "
        "make it with plan --out under the same key\n"
    )
    assert api_writes(emu) == []


@pytest.mark.parametrize("how", ["flag", "env"])
def test_requiring_signed_plans_without_a_key_is_an_error(
    cli: Cli, root: Path, tmp_path: Path, emu: Emulator, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    make_plan_file(cli, tmp_path)
    args = ["apply", "--plan", "plan.json"]
    if how == "flag":
        args.append("--require-signed-plan")
    else:
        monkeypatch.setenv("RECONCILER_REQUIRE_SIGNED_PLAN", "1")
    emu.clear_log()
    code, _, err = cli(*args)
    assert code == 1
    assert err == (
        "reconciler: error: signed plans are required (--require-signed-plan or "
        "RECONCILER_REQUIRE_SIGNED_PLAN) but RECONCILER_PLAN_KEY is not set\n"
    )
    assert emu.request_log == []  # refused before the tenant was even contacted


def test_a_short_key_is_refused(
    cli: Cli, root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECONCILER_PLAN_KEY", "short-key")
    code, _, err = cli("plan", "actions", "--out", "plan.json")
    assert code == 1
    assert err == (
        "reconciler: error: RECONCILER_PLAN_KEY is too short: use at least 16 characters\n"
    )
    assert "short-key" not in err
    assert not (tmp_path / "plan.json").exists()

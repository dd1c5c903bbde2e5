"""Applier scenarios against the emulator over loopback HTTP (issue 6 "Done when")."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from reconciler.emulator import Emulator
from tests.support import Api, api_writes, env_values

Cli = Callable[..., tuple[int, str, str]]
MANAGED = "// managed-by: reconciler"


def converge(cli: Cli, root: Path, *extra: str) -> str:
    code, out, err = cli("apply", str(root), "--auto-approve", *extra)
    assert code == 0, out + err
    code, out, err = cli("plan", str(root), "--detailed-exitcode")
    assert code == 0, out + err
    assert "No changes." in out
    return out


def test_apply_examples_from_empty_then_nothing_to_do(
    cli: Cli, root: Path, emu: Emulator, api: Api
) -> None:
    code, out, err = cli("apply", str(root), "--auto-approve")
    assert code == 0, out + err
    assert "+ enrich-token created (deploys once built)" in out
    assert re.search(r"> post-login bound block-bad-ips, enrich-token, Fraud Shield \(", out)
    assert "Apply complete: " in out
    actions = api.actions()
    assert set(actions) == {
        "Fraud Shield",
        "block-bad-ips",
        "enrich-token",
        "m2m-quota",
        "signup-domain-allowlist",
        "sms-via-twilio",
    }
    for name, action in actions.items():
        if name != "Fraud Shield":
            assert MANAGED in action["code"]
            assert action["deployed_version"]["number"] == 1
    assert api.bindings("post-login") == ["Block bad IPs", "enrich-token", "Fraud Shield"]
    assert api.bindings("pre-user-registration") == ["Work e-mail only"]

    code, out, _ = cli("plan", str(root), "--detailed-exitcode")
    assert code == 0
    assert out.strip().splitlines()[-1] == "No changes. The tenant matches the manifests."

    emu.clear_log()
    code, out, _ = cli("apply", str(root), "--auto-approve")
    assert code == 0
    assert api_writes(emu) == []


def test_changed_code_dependency_and_runtime_are_updated_and_deployed(
    cli: Cli, root: Path, api: Api
) -> None:
    converge(cli, root)
    js = root / "login" / "enrich-token.js"
    js.write_text(js.read_text() + "\n// tuned timeouts\n")
    manifest = root / "login.yaml"
    text = manifest.read_text().replace("axios: 1.7.9", "axios: 1.7.8", 1)
    manifest.write_text(text.replace("runtime: node22", "runtime: node18-actions", 1))
    code, out, _ = cli("plan", str(root), "--detailed-exitcode")
    assert code == 2
    assert "~ action.enrich-token (update, deploy)" in out
    assert "+// tuned timeouts" in out
    assert "axios  1.7.9 -> 1.7.8" in out
    out = converge(cli, root)
    action = api.actions()["enrich-token"]
    assert action["runtime"] == "node18-actions"
    assert action["dependencies"] == [{"name": "axios", "version": "1.7.8"}]
    assert "// tuned timeouts" in action["deployed_version"]["code"]
    assert action["deployed_version"]["number"] == 2


MODULES_LIST = "GET /api/v2/actions/modules"


def test_the_deploy_wait_read_is_the_verifying_reread(
    cli: Cli, root: Path, emu: Emulator, api: Api
) -> None:
    """After the last deploy one read of the actions (with the owned bindings alongside) both
    sees the deploy done and is the state the verify re-plans from (issue 16): no second
    action list. The old apply polled once and then read the actions again."""
    converge(cli, root)
    js = root / "login" / "enrich-token.js"
    js.write_text(js.read_text() + "\n// one more line\n")
    emu.clear_log()
    code, out, err = cli("apply", str(root), "--auto-approve")
    assert code == 0, out + err
    assert "verify" not in err
    calls = [f"{r.method} {r.path.split('?')[0]}" for r in emu.request_log]
    last_deploy = max(i for i, c in enumerate(calls) if c.endswith("/deploy"))
    after = calls[last_deploy + 1 :]
    assert after.count("GET /api/v2/actions/actions") == 1, after
    # the examples use a module: its list is read alongside (issue 15)
    bindings = [c for c in after if c not in ("GET /api/v2/actions/actions", MODULES_LIST)]
    assert "GET /api/v2/actions/triggers/post-login/bindings" in bindings
    assert all(re.fullmatch(r"GET /api/v2/actions/triggers/[a-z-]+/bindings", c) for c in bindings)
    assert len(set(bindings)) == len(bindings), after
    assert "// one more line" in api.actions()["enrich-token"]["deployed_version"]["code"]
    code, out, _ = cli("plan", str(root), "--detailed-exitcode")
    assert code == 0, out


def test_secret_value_change_is_shown_by_name_and_pushed(
    cli: Cli, root: Path, monkeypatch: pytest.MonkeyPatch, api: Api
) -> None:
    converge(cli, root)
    before = api.actions()["m2m-quota"]["deployed_version"]["number"]
    monkeypatch.setenv("QUOTA_API_TOKEN", "rotated-quota-token-1111")
    code, out, err = cli("plan", str(root), "--detailed-exitcode")
    assert code == 2
    assert "secret QUOTA_API_TOKEN: new value" in out  # issue 14: an input change, not drift
    assert "Drift" not in out
    assert "rotated-quota-token-1111" not in out + err
    converge(cli, root)
    assert api.actions()["m2m-quota"]["deployed_version"]["number"] == before + 1


def test_binding_order_change_is_one_rebind(cli: Cli, root: Path, emu: Emulator, api: Api) -> None:
    converge(cli, root)
    bindings = root / "bindings.yaml"
    text = bindings.read_text()
    text = text.replace(
        "    - action: block-bad-ips # deny first, before any other work\n"
        "      display_name: Block bad IPs\n    - enrich-token\n",
        "    - enrich-token\n    - action: block-bad-ips\n      display_name: Block bad IPs\n",
    )
    bindings.write_text(text)
    emu.clear_log()
    code, out, _ = cli("apply", str(root), "--auto-approve")
    assert code == 0, out
    assert api_writes(emu) == ["PATCH /api/v2/actions/triggers/post-login/bindings"]
    assert api.bindings("post-login") == ["enrich-token", "Block bad IPs", "Fraud Shield"]


def _drop_signup(root: Path) -> None:
    (root / "signup.yaml").unlink()
    bindings = root / "bindings.yaml"
    text = bindings.read_text().replace(
        "  pre-user-registration:\n    - action: signup-domain-allowlist\n"
        "      display_name: Work e-mail only\n",
        "  pre-user-registration: []\n",
    )
    bindings.write_text(text)


def test_removed_action_kept_without_allow_delete_and_deleted_with_it(
    cli: Cli, root: Path, api: Api
) -> None:
    converge(cli, root)
    _drop_signup(root)
    code, out, err = cli("apply", str(root), "--auto-approve")
    assert code == 0, out + err
    assert "would delete (prune disabled)" in out
    assert "signup-domain-allowlist" in api.actions()
    assert api.bindings("pre-user-registration") == []

    code, out, err = cli("apply", str(root), "--auto-approve", "--allow-delete")
    assert code == 0, out + err
    assert "- signup-domain-allowlist deleted (" in out
    assert "signup-domain-allowlist" not in api.actions()


def test_adopts_a_hand_made_action(cli: Cli, root: Path, api: Api) -> None:
    api.call(
        "POST",
        "/actions/actions",
        json={
            "name": "m2m-quota",
            "supported_triggers": [{"id": "credentials-exchange", "version": "v2"}],
            "code": "exports.onExecuteCredentialsExchange = async () => {};",
            "runtime": "node22",
        },
    )
    code, out, _ = cli("plan", str(root))
    assert code == 0
    assert "= action.m2m-quota (adopt, update, deploy)" in out
    converge(cli, root)
    actions = [a for a in api.call("GET", "/actions/actions?per_page=100")["actions"]]
    assert [a["name"] for a in actions].count("m2m-quota") == 1
    assert MANAGED in api.actions()["m2m-quota"]["code"]


@pytest.mark.emulator(fail_dependencies=("left-pad",))
def test_build_failure_stops_that_action_only_and_rerun_converges(
    cli: Cli, root: Path, api: Api
) -> None:
    manifest = root / "login.yaml"
    good = manifest.read_text()
    manifest.write_text(good.replace("axios: 1.7.9", "axios: 1.7.9\n      left-pad: 1.3.0", 1))
    code, out, err = cli("apply", str(root), "--auto-approve")
    assert code == 1, out + err
    assert re.search(r"! actions wait_build failed: enrich-token: build failed: .+", out), out
    assert "  post-login rebind skipped: enrich-token did not build" in out
    assert "Apply failed: " in out
    assert "m2m-quota" in api.actions()  # independent actions went on
    assert api.bindings("credentials-exchange") == ["m2m-quota"]
    assert api.bindings("post-login") == []
    manifest.write_text(good)
    converge(cli, root)
    assert api.bindings("post-login") == ["Block bad IPs", "enrich-token", "Fraud Shield"]


def test_stale_saved_plan_is_refused_naming_the_resource(
    cli: Cli, root: Path, api: Api, tmp_path: Path
) -> None:
    converge(cli, root)
    js = root / "m2m-quota.js"
    js.write_text(js.read_text() + "\n// v2\n")
    plan_file = tmp_path / "plan.json"
    code, out, err = cli("plan", str(root), "--out", str(plan_file))
    assert code == 0, err
    quota = api.actions()["m2m-quota"]
    api.call("PATCH", f"/actions/actions/{quota['id']}", json={"code": quota["code"] + "//x\n"})
    code, out, err = cli("apply", str(root), "--plan", str(plan_file))
    assert code == 3
    assert "the tenant changed since this plan was made; run plan again:" in err
    assert "action.m2m-quota: the action was updated since the plan" in err
    assert "// v2" not in api.actions()["m2m-quota"]["code"]


def test_saved_plan_applies_exactly_and_refuses_another_tenant(
    cli: Cli, root: Path, tmp_path: Path
) -> None:
    from reconciler.emulator import EmulatorConfig, start_emulator

    plan_file = tmp_path / "plan.json"
    code, _, err = cli("plan", str(root), "--out", str(plan_file))
    assert code == 0, err
    document = json.loads(plan_file.read_text())
    assert document["format_version"] == "1"
    assert document["summary"]["create"] == 6  # 5 actions and the module
    with start_emulator(EmulatorConfig(build_seconds=0.05, rate_limit=1000.0, burst=1000)) as other:
        code, out, err = cli("apply", str(root), "--plan", str(plan_file), tenant=other.url)
    assert code == 3
    assert "this plan was made for tenant" in err
    code, out, err = cli("apply", str(root), "--plan", str(plan_file))
    assert code == 0, out + err
    assert "Applying saved plan sha256:" in out
    code, out, _ = cli("plan", str(root), "--detailed-exitcode")
    assert code == 0


def test_apply_refuses_without_auto_approve_when_stdin_is_not_a_terminal(
    cli: Cli, root: Path, emu: Emulator
) -> None:
    emu.clear_log()
    code, out, err = cli("apply", str(root))
    assert code == 1
    assert "refusing to apply without confirmation: stdin is not a terminal" in err
    assert api_writes(emu) == []


def test_journal_records_every_step_and_no_secret(cli: Cli, root: Path, tmp_path: Path) -> None:
    journal = tmp_path / "journal.jsonl"
    code, out, err = cli("apply", str(root), "--auto-approve", "--journal", str(journal))
    assert code == 0, out + err
    events = [json.loads(line) for line in journal.read_text().splitlines()]
    finished = [e for e in events if e["event"] == "step" and e["status"] == "ok"]
    assert {e["step"] for e in finished} >= {
        "create:enrich-token",
        "wait_build",
        "rebind:post-login",
    }
    assert events[-1]["event"] == "done"
    assert events[-1]["ok"] is True
    text = journal.read_text() + out + err
    for value in env_values().values():
        if len(value) >= 4 and not value.startswith("http"):
            assert value not in text


def test_rollback_redeploys_previous_version_and_plan_shows_manifest_again(
    cli: Cli, root: Path, api: Api
) -> None:
    converge(cli, root)
    js = root / "m2m-quota.js"
    js.write_text(js.read_text() + "\n// second\n")
    converge(cli, root)
    code, out, err = cli("rollback", "m2m-quota")
    assert code == 0, err
    assert "m2m-quota: rolled back from version 2 to version 1 (deployed as version 3)." in out
    action = api.actions()["m2m-quota"]
    assert "// second" not in action["deployed_version"]["code"]
    code, out, _ = cli("plan", str(root), "--detailed-exitcode")
    assert code == 2
    assert "~ action.m2m-quota (update, deploy)" in out

"""Export round trip on an emulator tenant: export, validate, then plan against the same tenant
shows only 'adopt' (plus the update/deploy adoption implies), never a create, delete or rebind."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from reconciler.manifest import load_manifests, parse_var_file
from tests.ops.test_schema_modeline import assert_manifests_load_their_schema
from tests.support import Api

Cli = Callable[..., tuple[int, str, str]]

LOGIN = (
    "exports.onExecutePostLogin = async (event, api) => "
    "{{ api.idToken.setCustomClaim('x', '{0}'); }};\n"
)
M2M = "exports.onExecuteCredentialsExchange = async (event, api) => {};\n"
VALUES = {
    "ENRICH_TOKEN_API_KEY": "enrich-api-key-value-0001",
    "ENRICH_TOKEN_PROFILE_URL": "https://profiles.example.com/v1",
    "M2M_QUOTA_QUOTA_TOKEN": "quota-token-value-0002",
}


def seed(api: Api) -> None:
    def trigger(tid: str, version: str) -> list[dict[str, str]]:
        return [{"id": tid, "version": version}]

    api.create(
        {
            "name": "enrich token",
            "supported_triggers": trigger("post-login", "v3"),
            "code": LOGIN.format("enrich"),
            "runtime": "node22",
            "dependencies": [{"name": "axios", "version": "1.7.9"}],
            "secrets": [
                {"name": "API_KEY", "value": VALUES["ENRICH_TOKEN_API_KEY"]},
                {"name": "PROFILE_URL", "value": VALUES["ENRICH_TOKEN_PROFILE_URL"]},
            ],
        },
        deploy=True,
    )
    api.create(
        {
            "name": "block/ips",
            "supported_triggers": trigger("post-login", "v3"),
            "code": LOGIN.format("block"),
        },
        deploy=True,
    )
    api.create(  # never deployed, and its file name collides with block/ips's
        {
            "name": "block-ips",
            "supported_triggers": trigger("post-login", "v3"),
            "code": LOGIN.format("draft"),
            "runtime": "node22",
        },
        deploy=False,
    )
    api.create(
        {
            "name": "m2m-quota",
            "supported_triggers": trigger("credentials-exchange", "v2"),
            "code": M2M,
            "runtime": "node22",
            "secrets": [{"name": "QUOTA_TOKEN", "value": VALUES["M2M_QUOTA_QUOTA_TOKEN"]}],
        },
        deploy=True,
    )

    def ref(name: str, display: str) -> dict[str, object]:
        return {"ref": {"type": "action_name", "value": name}, "display_name": display}

    login = [
        ref("block/ips", "Block IPs"),
        ref("Fraud Shield", "Fraud Shield"),
        ref("enrich token", "enrich token"),
    ]
    api.call("PATCH", "/actions/triggers/post-login/bindings", json={"bindings": login})
    m2m = [ref("m2m-quota", "m2m-quota")]
    api.call("PATCH", "/actions/triggers/credentials-exchange/bindings", json={"bindings": m2m})


def test_export_then_plan_shows_only_adoption(
    api: Api, tenant_env: str, run_cli: Cli, tmp_path: Path
) -> None:
    seed(api)
    out = tmp_path / "exported"
    code, stdout, stderr = run_cli("export", "--out", str(out), "--tenant", tenant_env)
    assert (code, stderr) == (0, "")
    assert "wrote 4 actions, 2 binding lists and 3 variables" in stdout
    assert f"reconciler plan {out} --var-file {out / '.env'}" in stdout
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == [
        ".env.example",
        ".exported-content.json",  # issue 11: what the tenant runs, for offline validate
        ".gitignore",
        "bindings.yaml",
        "credentials-exchange.yaml",
        "credentials-exchange/m2m-quota.js",
        "post-login.yaml",
        "post-login/block-ips-2.js",
        "post-login/block-ips.js",
        "post-login/enrich-token.js",
        "schemas/manifest.schema.json",  # the modeline's target: editors resolve it offline
    ]
    assert_manifests_load_their_schema(out)
    assert (out / "post-login/enrich-token.js").read_text() == LOGIN.format("enrich")
    env_names = [
        line.split("=")[0]
        for line in (out / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert env_names == sorted(VALUES)
    for value in VALUES.values():  # secret values appear nowhere: not in files, not in output
        assert all(value not in p.read_text() for p in out.rglob("*") if p.is_file())
        assert value not in stdout

    code, stdout, stderr = run_cli("validate", str(out))
    assert code == 0, stderr
    assert "valid (4 actions, 2 triggers bound)" in stdout

    (out / ".env").write_text("".join(f"{k}={v}\n" for k, v in VALUES.items()))
    args = ["plan", str(out), "--tenant", tenant_env, "--var-file", str(out / ".env")]
    code, stdout, stderr = run_cli(*args, "--format", "json", "--detailed-exitcode")
    assert code == 2, stderr
    plan = json.loads(stdout)
    summary = plan["summary"]
    assert summary["adopt"] == 4
    assert (summary["create"], summary["delete"], summary["rebind"]) == (0, 0, 0)
    assert summary["unmanaged"] == 1  # the marketplace action
    actions = {c["address"]: c["actions"] for c in plan["changes"] if c["actions"]}
    assert actions.pop("action.Fraud Shield") == ["unmanaged"]
    assert actions == {
        "action.block-ips": ["adopt", "update"],  # never deployed: exported with deploy: false
        "action.block/ips": ["adopt", "update"],  # no secrets: the deployed version still matches
        "action.enrich token": ["adopt", "update", "deploy"],  # secret digests go live
        "action.m2m-quota": ["adopt", "update", "deploy"],
    }
    assert not any(c["address"].startswith("bindings.") and c["actions"] for c in plan["changes"])


def test_export_then_apply_converges(
    api: Api, tenant_env: str, run_cli: Cli, tmp_path: Path
) -> None:
    seed(api)
    out = tmp_path / "exported"
    assert run_cli("export", "--out", str(out), "--tenant", tenant_env)[0] == 0
    (out / ".env").write_text("".join(f"{k}={v}\n" for k, v in VALUES.items()))
    common = [str(out), "--tenant", tenant_env, "--var-file", str(out / ".env")]
    code, _, stderr = run_cli("apply", *common, "--auto-approve")
    assert code == 0, stderr
    code, stdout, stderr = run_cli("plan", *common, "--detailed-exitcode")
    assert code == 0, stdout + stderr
    assert api.actions()["block-ips"].get("deployed_version") is None


def test_export_refuses_non_empty_directory_before_reading_the_tenant(
    run_cli: Cli, tmp_path: Path
) -> None:
    out = tmp_path / "taken"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    code, stdout, stderr = run_cli("export", "--out", str(out), "--tenant", "http://127.0.0.1:9")
    assert code == 1
    assert stdout == ""
    assert stderr == (
        f"reconciler: error: --out {out}: directory is not empty; choose a new directory, or pass "
        "--force to overwrite the files this command writes (other files are left alone)\n"
    )


def test_export_of_an_empty_tenant_writes_nothing(
    emu: object, tenant_env: str, run_cli: Cli, tmp_path: Path
) -> None:
    out = tmp_path / "empty"
    code, stdout, _ = run_cli("export", "--out", str(out), "--tenant", tenant_env)
    assert code == 0
    assert "nothing to export" in stdout
    assert not out.exists()


def test_export_of_a_managed_tenant_plans_no_changes(
    emu: object, tenant_env: str, run_cli: Cli, tmp_path: Path
) -> None:
    """Apply the examples, export them back: same code, same secret digests, nothing to do."""
    examples = Path(__file__).resolve().parents[2] / "examples" / "actions"
    example_env = examples / ".env.example"
    assert (
        run_cli(
            "apply",
            str(examples),
            "--tenant",
            tenant_env,
            "--auto-approve",
            "--var-file",
            str(example_env),
        )[0]
        == 0
    )
    values = parse_var_file(example_env.read_text(), str(example_env))[0]
    by_secret = {
        (a.name, s.name): values[s.var]
        for a in load_manifests(examples, resolve=False).actions
        for s in a.secrets
    }
    out = tmp_path / "exported"
    assert run_cli("export", "--out", str(out), "--tenant", tenant_env)[0] == 0
    exported = load_manifests(out, resolve=False)
    (out / ".env").write_text(
        "".join(
            f"{s.var}={by_secret[(a.name, s.name)]}\n" for a in exported.actions for s in a.secrets
        )
    )
    code, stdout, stderr = run_cli(
        "plan",
        str(out),
        "--tenant",
        tenant_env,
        "--var-file",
        str(out / ".env"),
        "--detailed-exitcode",
    )
    assert code == 0, stdout + stderr
    assert "No changes." in stdout

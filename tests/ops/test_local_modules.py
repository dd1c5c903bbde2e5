"""`reconciler test` with Actions Modules: `require("<module>")` loads the module's code from the
manifests (`--local`, `--all`) or, on the emulator, the module version the action pins."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from reconciler.emulator import Emulator
from tests.support import Api

Cli = Callable[..., tuple[int, str, str]]
NAMESPACE = "https://claims.example.com"
MODULE = """module.exports = {
  claim(name) {
    return `${actions.secrets.NS}/${name}`;
  },
  verdict(user) {
    return user.email_verified ? null : "verify your e-mail first";
  },
};
"""
GATE = """const helpers = require("claims-helpers");

exports.onExecutePostLogin = async (event, api) => {
  const why = helpers.verdict(event.user);
  if (why) {
    api.access.deny(why);
    return;
  }
  api.idToken.setCustomClaim(helpers.claim("verified"), true);
};
"""
MANIFEST = """modules:
  - name: claims-helpers
    code: claims-helpers.js
    secrets:
      NS: ${CLAIMS_NS}
actions:
  - name: gate
    trigger: post-login
    code: gate.js
    modules:
      - name: claims-helpers
        version: latest
    tests:
      - name: unverified users are denied
        payload: unverified.json
        commands:
          - access.deny: ["verify your e-mail first"]
      - name: verified users get a claim
        payload: verified.json
        commands:
          - idToken.setCustomClaim: ["%s/verified", true]
"""
UNVERIFIED = {"user": {"id": "u1", "email_verified": False}}
VERIFIED = {"user": {"id": "u2", "email_verified": True}}


def write_root(tmp_path: Path, manifest: str = MANIFEST % "***") -> Path:
    """A root whose test cases expect the module's secret masked, as every reply shows it."""
    root = tmp_path / "root"
    root.mkdir()
    (root / "claims-helpers.js").write_text(MODULE)
    (root / "gate.js").write_text(GATE)
    (root / "actions.yaml").write_text(manifest)
    (root / "unverified.json").write_text(json.dumps(UNVERIFIED))
    (root / "verified.json").write_text(json.dumps(VERIFIED))
    (tmp_path / "vars.env").write_text(f"CLAIMS_NS={NAMESPACE}\n")
    return root


def test_local_run_requires_the_module_from_the_manifests(run_cli: Cli, tmp_path: Path) -> None:
    root = write_root(tmp_path)
    argv = [
        "test",
        "gate",
        "--local",
        "--root",
        str(root),
        "--var-file",
        str(tmp_path / "vars.env"),
    ]
    code, out, err = run_cli(*argv, "--payload", str(root / "unverified.json"))
    assert (code, out, err) == (0, 'access.deny("verify your e-mail first")\n', "")
    code, out, err = run_cli(*argv, "--payload", str(root / "verified.json"))
    assert code == 0, err
    # the module read its secret as actions.secrets.NS; a secret value is never printed
    assert out == 'idToken.setCustomClaim("***/verified", true)\n'


def test_a_module_secret_without_a_value_is_a_located_error(run_cli: Cli, tmp_path: Path) -> None:
    root = write_root(tmp_path)
    code, out, err = run_cli(
        "test", "gate", "--local", "--root", str(root), "--payload", str(root / "verified.json")
    )
    assert (code, out) == (1, "")
    assert err.count("\n") == 1
    assert (
        "actions.yaml:2:5: variable CLAIMS_NS is not set (secret NS of module claims-helpers)"
        in err
    )


def test_all_runs_the_cases_of_an_action_using_a_module(run_cli: Cli, tmp_path: Path) -> None:
    root = write_root(tmp_path)
    code, out, err = run_cli(
        "test", "--all", "--root", str(root), "--var-file", str(tmp_path / "vars.env")
    )
    assert (code, err) == (0, "")
    assert out.splitlines()[-1] == "2 test cases passed"
    (tmp_path / "w").mkdir()
    wrong = write_root(tmp_path / "w", MANIFEST % "https://wrong.example.com")
    (tmp_path / "w" / "vars.env").write_text(f"CLAIMS_NS={NAMESPACE}\n")
    code, out, err = run_cli(
        "test", "--all", "--root", str(wrong), "--var-file", str(tmp_path / "w" / "vars.env")
    )
    assert code == 1
    assert "FAIL gate: verified users get a claim" in out
    assert err == "reconciler: error: 1 of 2 test cases failed\n"


def test_an_external_module_cannot_run_locally(run_cli: Cli, tmp_path: Path) -> None:
    manifest = (
        "actions:\n  - name: gate\n    trigger: post-login\n    code: gate.js\n"
        "    modules:\n      - name: claims-helpers\n        version: 1\n        external: true\n"
    )
    root = write_root(tmp_path, manifest)
    code, _, err = run_cli(
        "test", "gate", "--local", "--root", str(root), "--payload", str(root / "verified.json")
    )
    assert code == 1
    assert err.startswith("reconciler: error: actions.yaml:6:9: action gate uses module ")
    assert "not declared in these manifests (external)" in err


def test_the_emulator_runs_the_module_version_the_action_pins(
    emu: Emulator, api: Api, tenant_env: str, run_cli: Cli, tmp_path: Path
) -> None:
    old = MODULE.replace("verify your e-mail first", "old message")
    (module_id,) = emu.seed_modules(
        [{"name": "claims-helpers", "code": old, "secrets": [{"name": "NS", "value": "x"}]}]
    )
    first = api.call("GET", f"/actions/modules/{module_id}")["latest_version"]["id"]
    api.call("PATCH", f"/actions/modules/{module_id}", json={"code": MODULE})
    api.call("POST", f"/actions/modules/{module_id}/versions")  # version 2: not pinned below
    body = {"name": "gate", "supported_triggers": [{"id": "post-login", "version": "v3"}]}
    pins = [{"module_id": module_id, "module_version_id": first}]
    api.create({**body, "code": GATE, "modules": pins}, deploy=False)
    payload = tmp_path / "event.json"
    payload.write_text(json.dumps(UNVERIFIED))
    code, out, err = run_cli("test", "gate", "--payload", str(payload), "--tenant", tenant_env)
    assert (code, out, err) == (0, 'access.deny("old message")\n', "")
    payload.write_text(json.dumps({**VERIFIED, "secrets": {"NS": "https://pinned.example"}}))
    code, out, err = run_cli("test", "gate", "--payload", str(payload), "--tenant", tenant_env)
    assert (code, err) == (0, "")
    assert out == 'idToken.setCustomClaim("***/verified", true)\n'

"""`reconciler test` really runs the action's code in Node: against the emulator over loopback
HTTP (`--tenant`), and with no tenant at all (`--local`, from the manifests)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from reconciler.features.localrun.runner import Job, run
from tests.support import Api

Cli = Callable[..., tuple[int, str, str]]
SECRET = "s3cret-value-never-shown-42"
DENY = """exports.onExecutePostLogin = async (event, api) => {
  console.log(`checking ${event.user.email}`);
  api.access.deny("blocked");
};
"""
CLAIMS = """exports.onExecutePostLogin = async (event, api) => {
  api.idToken.setCustomClaim("https://example.com/plan", "gold");
  api.accessToken.setCustomClaim("https://example.com/n", { n: 1 });
  api.user.setAppMetadata("seen", true);
  api.cache.set("k", "v");
  if (api.cache.get("k").value === "v") api.multifactor.enable("any");
  api.redirect.sendUserTo("https://example.com/next", { query: { a: "1" } });
};
"""
THROWS = "exports.onExecutePostLogin = async () => { throw new RangeError('quota gone'); };\n"
LEAKS = """exports.onExecutePostLogin = async (event, api) => {
  console.log("key is " + event.secrets.API_KEY);
  api.idToken.setCustomClaim("k", event.secrets.API_KEY);
  throw new Error("bad key " + event.secrets.API_KEY);
};
"""


def create(api: Api, name: str, code: str, secrets: list[dict[str, str]] | None = None) -> str:
    body = {"name": name, "supported_triggers": [{"id": "post-login", "version": "v3"}]}
    return api.create({**body, "code": code, "secrets": secrets or []}, deploy=False)


def event_file(
    tmp_path: Path, text: str = '{"user": {"id": "u1", "email": "a@example.com"}}'
) -> str:
    path = tmp_path / "event.json"
    path.write_text(text)
    return str(path)


def test_tenant_run_shows_the_deny_command(
    api: Api, tenant_env: str, run_cli: Cli, tmp_path: Path
) -> None:
    create(api, "gate", DENY)
    code, out, err = run_cli(
        "test", "gate", "--payload", event_file(tmp_path), "--tenant", tenant_env
    )
    assert (code, err) == (0, "")
    assert out == 'access.deny("blocked")\nlog: checking a@example.com\n'
    code, out, _ = run_cli(
        "test", "gate", "--payload", event_file(tmp_path), "--tenant", tenant_env, "--json"
    )
    body = json.loads(out)["payload"]
    assert body["commands"] == [{"name": "access.deny", "args": ["blocked"]}]
    assert body["stats"]["total_request_duration_ms"] > 0


def test_commands_are_listed_in_order(
    api: Api, tenant_env: str, run_cli: Cli, tmp_path: Path
) -> None:
    create(api, "claims", CLAIMS)
    code, out, _ = run_cli(
        "test", "claims", "--payload", event_file(tmp_path), "--tenant", tenant_env
    )
    assert code == 0
    assert out.splitlines() == [
        'idToken.setCustomClaim("https://example.com/plan", "gold")',
        'accessToken.setCustomClaim("https://example.com/n", {"n": 1})',
        'user.setAppMetadata("seen", true)',
        'cache.set("k", "v")',
        'multifactor.enable("any")',
        'redirect.sendUserTo("https://example.com/next", {"query": {"a": "1"}})',
    ]


def test_a_throwing_action_shows_name_and_message_and_exits_1(
    api: Api, tenant_env: str, run_cli: Cli, tmp_path: Path
) -> None:
    create(api, "thrower", THROWS)
    code, out, err = run_cli(
        "test", "thrower", "--payload", event_file(tmp_path), "--tenant", tenant_env
    )
    assert code == 1
    assert out == ""
    assert err == "reconciler: error: action thrower failed: RangeError: quota gone\n"


def test_tenant_secrets_are_never_printed(
    api: Api, tenant_env: str, run_cli: Cli, tmp_path: Path
) -> None:
    """The emulator keeps no secret values: the payload's event.secrets are what the code sees,
    masked in the reply."""
    create(api, "leaky", LEAKS, [{"name": "API_KEY", "value": SECRET}])
    event = {"user": {"id": "u1"}, "secrets": {"API_KEY": SECRET}}
    for extra in ((), ("--json",)):
        code, out, err = run_cli(
            "test", "leaky", "--payload", event_file(tmp_path, json.dumps(event)),
            "--tenant", tenant_env, *extra,
        )  # fmt: skip
        assert code == 1
        assert SECRET not in out + err
        assert "***" in out + err


def write_root(tmp_path: Path, code: str, extra: str = "") -> Path:
    root = tmp_path / "root"
    root.mkdir()
    (root / "a.js").write_text(code)
    (root / "actions.yaml").write_text(
        "actions:\n  - name: a\n    trigger: post-login\n    code: a.js\n"
        "    secrets:\n      API_KEY: ${MY_KEY}\n" + extra
    )
    return root


def test_local_run_needs_no_tenant_and_masks_secrets(run_cli: Cli, tmp_path: Path) -> None:
    root = write_root(tmp_path, LEAKS)
    (tmp_path / "vars.env").write_text(f"MY_KEY={SECRET}\n")
    payload = event_file(tmp_path)
    argv = ["test", "a", "--payload", payload, "--local", "--root", str(root)]
    code, out, err = run_cli(*argv, "--var-file", str(tmp_path / "vars.env"))
    assert code == 1
    assert out == 'idToken.setCustomClaim("k", "***")\nlog: key is ***\n'
    assert err == "reconciler: error: action a failed: Error: bad key ***\n"
    assert SECRET not in out + err
    code, _, err = run_cli(*argv)
    assert code == 1
    assert "variable MY_KEY is not set (secret API_KEY of action a)" in err


def test_local_run_of_an_unknown_action_suggests(run_cli: Cli, tmp_path: Path) -> None:
    root = write_root(tmp_path, DENY)
    code, _, err = run_cli(
        "test", "ab", "--payload", event_file(tmp_path), "--local", "--root", str(root)
    )
    assert code == 1
    assert "no action named 'ab' in the manifests" in err
    assert "did you mean 'a'?" in err


def test_yaml_payload(run_cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MY_KEY", SECRET)
    root = write_root(tmp_path, DENY)
    (tmp_path / "event.yaml").write_text("user:\n  id: u1\n  email: y@example.com\n")
    code, out, _ = run_cli(
        "test", "a", "--payload", str(tmp_path / "event.yaml"), "--local", "--root", str(root)
    )
    assert (code, out) == (0, 'access.deny("blocked")\nlog: checking y@example.com\n')


def test_the_time_limit_stops_the_whole_process_group(
    run_cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker, pid_file = tmp_path / "child-still-ran", tmp_path / "child-pid"
    code = (
        "const { spawn } = require('child_process');\n"
        "exports.onExecutePostLogin = async () => {\n"
        f"  spawn('sh', ['-c', 'echo $$ > {pid_file}; sleep 2; touch {marker}'], "
        "{ stdio: 'ignore' });\n"
        "  while (true) {}\n};\n"
    )
    monkeypatch.setenv("RECONCILER_ACTION_TIME_LIMIT", "1")
    monkeypatch.setenv("MY_KEY", SECRET)
    root = write_root(tmp_path, code)
    began = time.monotonic()
    status, _, err = run_cli(
        "test", "a", "--payload", event_file(tmp_path), "--local", "--root", str(root)
    )
    assert time.monotonic() - began < 5
    assert status == 1
    assert "action a failed: TimeoutError: the action ran longer than 1 s" in err
    if pid_file.exists():  # it started: it must be gone now, not 2 s from now
        assert dead_within(int(pid_file.read_text()), 2.0), "the grandchild outlived the group"
    else:  # it had not even started: give it the time it would take to touch the marker
        time.sleep(2.5)
    assert not marker.exists()  # the grandchild was killed with the group


def dead_within(pid: int, seconds: float) -> bool:
    """Whether process `pid` has ended (or is a zombie waiting to be reaped) within `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            os.kill(pid, 0)
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (ProcessLookupError, FileNotFoundError):
            return True
        if state == "Z":
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)


def test_modules_are_required_by_name() -> None:
    code = (
        "const { greet } = require('shared-greeting');\n"
        "exports.onExecutePostLogin = async (event, api) => "
        "{ api.idToken.setCustomClaim('g', greet(event.user.id)); };\n"
    )
    modules = {"shared-greeting": "exports.greet = (who) => `hello ${who}`;\n"}
    reply = run(Job("m", "post-login", code, {"user": {"id": "u7"}}, modules=modules))
    assert reply["payload"]["commands"] == [
        {"name": "idToken.setCustomClaim", "args": ["g", "hello u7"]}
    ]


def test_output_and_the_handler_export_are_bounded() -> None:
    noisy = "exports.onExecutePostLogin = async () => { console.log('x'.repeat(200000)); };\n"
    reply = run(Job("n", "post-login", noisy, {"user": {"id": "u"}}))
    assert len(reply["payload"]["logs"]) < 70 * 1024
    assert reply["payload"]["logs"].endswith("(logs cut at 64 KB)")
    missing = run(Job("n", "post-login", "exports.other = 1;\n", {"user": {"id": "u"}}))
    assert missing["payload"]["error"]["message"] == "exports.onExecutePostLogin is not a function"

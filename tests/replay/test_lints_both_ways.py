"""Every lint that became a warning, both ways, on the recorded tenant: content unchanged from
the live action warns (plan exits 0), new or changed content errors (exit 1, nothing written).
The same for offline validate against the record `export` leaves, and for `apply` (it plans)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.replay.conftest import Cli, Replay, fill_env

FOO = "post-login/Test-Trigger-Binding-Foo-TestAccTriggerActions.js"
APR = "post-login/Test-Action-Apr-4-15-12-21.370.js"


@pytest.fixture
def exported(replay: Replay, run_cli: Cli, tmp_path: Path) -> Path:
    out = tmp_path / "exported"
    assert run_cli("export", "--out", str(out), "--tenant", replay.url)[0] == 0
    fill_env(out)
    return out


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def plan(run_cli: Cli, replay: Replay, out: Path, *extra: str) -> tuple[int, str, str]:
    return run_cli(
        "plan", str(out), "--tenant", replay.url, "--var-file", str(out / ".env"), *extra
    )


def errors(stderr: str) -> list[str]:
    """The problem lines of the error (notices and warnings left out)."""
    return [
        line.removeprefix("reconciler: error: ")
        for line in stderr.splitlines()
        if line.startswith("reconciler: error: ") or not line.startswith("reconciler: ")
    ]


def test_a_runtime_the_trigger_no_longer_offers(
    replay: Replay, run_cli: Cli, exported: Path
) -> None:
    # Apr 4 runs node18 on post-login v3 (offered by the live list); node18-actions is not
    edit(exported / "post-login.yaml", "runtime: node18\n", "runtime: node18-actions\n")
    code, stdout, stderr = plan(run_cli, replay, exported)
    assert code == 1
    assert errors(stderr) == [
        "post-login.yaml:8:14: actions[0].runtime: runtime 'node18-actions' is not available for "
        "post-login v3 (did you mean 'node18'?); use one of node12, node16, node18"
    ]
    assert stdout == ""
    # Foo and Bar still run node18-actions unchanged: warnings, so the plan goes through
    edit(exported / "post-login.yaml", "runtime: node18-actions\n", "runtime: node18\n")
    code, stdout, _ = plan(run_cli, replay, exported)
    assert code == 0
    assert stdout.count("runtime 'node18-actions' is not available") == 2


def test_changing_the_trigger_version_is_a_change(
    replay: Replay, run_cli: Cli, exported: Path
) -> None:
    yaml = exported / "post-login.yaml"
    text = yaml.read_text()
    foo = text.index("name: Test Trigger Binding Foo")
    yaml.write_text(text[:foo] + text[foo:].replace("trigger_version: v3", "trigger_version: v2"))
    code, _, stderr = plan(run_cli, replay, exported)
    assert code == 1
    assert errors(stderr) == [
        "post-login.yaml:46:14: actions[4].runtime: runtime 'node18-actions' is not available "
        "for post-login v2 (did you mean 'node18'?); use one of node12, node16, node18",
        f"post-login.yaml:47:11: actions[4].code: {FOO} does not export onExecutePostLogin, the "
        "function the post-login trigger calls (exports.onExecutePostLogin = async (event, api) "
        "=> { ... })",
        f"{FOO}:3:3: node --check: SyntaxError: Invalid or unexpected token (action Test Trigger "
        "Binding Foo TestAccTriggerActions)",
    ]


def test_code_without_the_handler_export(replay: Replay, run_cli: Cli, exported: Path) -> None:
    edit(exported / APR, "exports.onExecutePostLogin", "exports.onExecutePostLogin2")
    code, _, stderr = plan(run_cli, replay, exported)
    assert code == 1
    assert errors(stderr) == [
        f"post-login.yaml:9:11: actions[0].code: {APR} does not export onExecutePostLogin, the "
        "function the post-login trigger calls (exports.onExecutePostLogin = async (event, api) "
        "=> { ... })"
    ]


def test_code_node_check_rejects(replay: Replay, run_cli: Cli, exported: Path) -> None:
    edit(exported / APR, "=> {}", "=> {")
    code, _, stderr = plan(run_cli, replay, exported)
    assert code == 1
    assert len(errors(stderr)) == 1
    assert errors(stderr)[0].startswith(f"{APR}:1:")
    assert "node --check: SyntaxError" in stderr


def test_apply_settles_the_lints_the_same_way(replay: Replay, run_cli: Cli, exported: Path) -> None:
    edit(exported / FOO, 'console.log("foo")', 'console.log("edited")')
    args = ["apply", str(exported), "--tenant", replay.url, "--var-file", str(exported / ".env")]
    code, stdout, stderr = run_cli(*args, "--auto-approve")
    assert code == 1
    assert [e.split(": ", 1)[0] for e in errors(stderr)] == [
        "post-login.yaml:46:14",  # the edited Foo is new content as a whole: its runtime,
        "post-login.yaml:47:11",  # its handler
        f"{FOO}:3:3",  # and its syntax
    ]
    assert "Bar" not in stderr  # Bar is unchanged: still only a warning
    # the replay fixture asserts no write was sent


def test_offline_validate_against_the_export_record(run_cli: Cli, exported: Path) -> None:
    code, _, stderr = run_cli("validate", str(exported))
    assert code == 0
    assert stderr.count("unchanged since `reconciler export` read it from the tenant") == 15
    edit(exported / FOO, 'console.log("foo")', 'console.log("edited")')
    edit(exported / "post-login.yaml", "runtime: node16\n", "runtime: node12\n")
    code, _, stderr = run_cli("validate", str(exported))
    assert code == 1
    assert [e.split(": ", 1)[0] for e in errors(stderr)] == [
        "post-login.yaml:19:14",  # Jan 25: node12 is not offered by post-login v2 (built-in)
        "post-login.yaml:47:11",  # the edited Foo: its handler ...
        f"{FOO}:3:3",  # ... and its syntax
    ]
    (exported / ".exported-content.json").unlink()  # without the record every lint is an error
    code, _, stderr = run_cli("validate", str(exported))
    assert code == 1
    assert len(errors(stderr)) == 15  # every lint; Jan 25 on node12 is still one of them


def test_a_runtime_name_auth0_never_had_is_always_an_error(
    replay: Replay, run_cli: Cli, exported: Path
) -> None:
    edit(exported / "post-login.yaml", "runtime: node16\n", "runtime: nodejs16\n")
    code, _, stderr = run_cli("validate", str(exported))
    assert code == 1
    assert "runtime 'nodejs16' is not available for post-login v2" in stderr

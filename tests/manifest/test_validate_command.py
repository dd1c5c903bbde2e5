"""`reconciler validate` end to end through reconciler.cli.run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from reconciler.cli import run

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "actions"
REPO = EXAMPLES.parents[1]


def test_examples_are_valid(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["validate", str(EXAMPLES)]) == 0
    out, err = capsys.readouterr()
    assert out == f"{EXAMPLES}: valid (5 actions, 1 module, 4 triggers bound)\n"
    assert err == ""


def test_examples_resolve_with_the_example_var_file(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    args = ["validate", "examples/actions", "--resolve", "--var-file"]
    assert run([*args, "examples/actions/.env.example"]) == 0
    out = capsys.readouterr().out
    assert out == "examples/actions: valid (5 actions, 1 module, 4 triggers bound)\n"


def test_root_defaults_to_the_current_directory(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(EXAMPLES)
    assert run(["validate"]) == 0
    assert capsys.readouterr().out == ".: valid (5 actions, 1 module, 4 triggers bound)\n"


def test_resolve_without_variables_lists_every_missing_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["validate", str(EXAMPLES), "--resolve"]) == 1
    err = capsys.readouterr().err
    assert err.count("is not set") == 8
    assert (
        "phone/sms.yaml:12:20: actions[0].secrets.TWILIO_FROM: variable TWILIO_FROM_NUMBER is not "
        "set (secret TWILIO_FROM of action sms-via-twilio); set TWILIO_FROM_NUMBER in the "
        "environment or in a dotenv file passed with --var-file"
    ) in err.splitlines()


def test_resolved_values_never_reach_the_output(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    env_file = tmp_path / "v.env"
    lines = (EXAMPLES / ".env.example").read_text(encoding="utf-8").splitlines()
    env_file.write_text("\n".join(lines[:-2]) + "\nTWILIO_FROM_NUMBER=abc\n", encoding="utf-8")
    assert run(["validate", str(EXAMPLES), "--resolve", "--var-file", str(env_file)]) == 1
    err = capsys.readouterr().err
    for line in lines[2:-2]:
        assert line.split("=", 1)[1] not in err
    assert err.splitlines() == [
        "reconciler: error: phone/sms.yaml:11:26: actions[0].secrets.TWILIO_AUTH_TOKEN: variable "
        "TWILIO_AUTH_TOKEN is not set (secret TWILIO_AUTH_TOKEN of action sms-via-twilio); set "
        "TWILIO_AUTH_TOKEN in the environment or in a dotenv file passed with --var-file",
        "phone/sms.yaml:12:20: actions[0].secrets.TWILIO_FROM: the value of TWILIO_FROM_NUMBER is "
        "shorter than 4 characters, too short to be masked in output; use a longer value "
        "(secret TWILIO_FROM of action sms-via-twilio)",
    ]


def test_console_script_exits_0_on_the_examples() -> None:
    exe = Path(sys.executable).with_name("reconciler")
    if not exe.exists():
        pytest.skip("console script not installed in this environment")
    result = subprocess.run(
        [str(exe), "validate", "examples/actions"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert (result.returncode, result.stdout) == (
        0,
        "examples/actions: valid (5 actions, 1 module, 4 triggers bound)\n",
    )


def test_a_broken_reconciler_yaml_fails_validate_with_locations(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "a.js").write_text("exports.onExecutePostLogin = async () => {};\n")
    (tmp_path / "a.yaml").write_text(
        "actions:\n  - name: a\n    trigger: post-login\n    runtime: node22\n    code: a.js\n"
    )
    (tmp_path / "reconciler.yaml").write_text(
        "environments:\n  prod:\n    domian: x\n  staging:\n    domain: s.example\n"
        "    var_file: missing.env\n"
    )
    assert run(["validate", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "reconciler: error: reconciler.yaml:3:5: environments.prod: missing required key 'domain'",
        "reconciler.yaml:3:5: environments.prod.domian: unknown key 'domian' (did you mean "
        "'domain'?)",
    ]


def test_config_problems_are_reported_with_the_manifest_problems(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "a.yaml").write_text("actions:\n  - name: a\n    trigger: post-login\n")
    (tmp_path / "reconciler.yaml").write_text("environments: {}\n")
    assert run(["validate", str(tmp_path)]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert any(line.startswith("reconciler: error: a.yaml:2:5: actions[0]") for line in lines)
    assert any(line.startswith("reconciler.yaml:1:15: environments:") for line in lines)


def test_a_valid_reconciler_yaml_passes_and_a_missing_var_file_is_located(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "a.js").write_text("exports.onExecutePostLogin = async () => {};\n")
    (tmp_path / "a.yaml").write_text(
        "actions:\n  - name: a\n    trigger: post-login\n    runtime: node22\n    code: a.js\n"
    )
    config = tmp_path / "reconciler.yaml"
    config.write_text("environments:\n  prod:\n    domain: p.example\n    var_file: p.env\n")
    assert run(["validate", str(tmp_path)]) == 1
    assert capsys.readouterr().err == (
        "reconciler: error: reconciler.yaml:4:15: environments.prod.var_file: "
        "file not found: p.env\n"
    )
    (tmp_path / "p.env").write_text("X=1\n")
    assert run(["validate", str(tmp_path)]) == 0
    assert capsys.readouterr().out == f"{tmp_path}: valid (1 action, 0 triggers bound)\n"

"""`validate` reports every problem of every file in one run: a YAML syntax error in one file
does not hide the schema, code-file and binding errors of the others."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.cli import run


def test_a_syntax_error_does_not_hide_the_other_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a-broken.yaml").write_text("actions:\n  - name: a\n    trigger: [unclosed\n")
    (tmp_path / "b-schema.yaml").write_text(
        "actions:\n  - name: b\n    trigger: post-login\n    code: b.js\n    colour: red\n"
    )
    (tmp_path / "c-code.yaml").write_text(
        "actions:\n  - name: c\n    trigger: post-login\n    code: missing.js\n"
    )
    (tmp_path / "d-tabs.yml").write_text("settings:\n\tprune: true\n")
    (tmp_path / "b.js").write_text("exports.onExecutePostLogin = async () => {};\n")
    assert run(["validate", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "reconciler: error: a-broken.yaml:4:1: invalid YAML: expected ',' or ']', but got "
        "'<stream end>' (while parsing a flow sequence at line 3, column 14)",
        "b-schema.yaml:5:5: actions[0].colour: unknown key 'colour' (allowed: code, "
        "dependencies, deploy, modules, name, protect, runtime, secrets, tests, trigger, "
        "trigger_version)",
        "c-code.yaml:4:11: actions[0].code: code file 'missing.js' does not exist",
        "d-tabs.yml:2:1: invalid YAML: found character '\\t' that cannot start any token",
    ]

"""Names that could forge plan output are refused at validate time (issue 12, point 3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconciler.cli import run
from reconciler.manifest.names import name_problem

CODE = "exports.onExecutePostLogin = async () => {};\n"


def _root(tmp_path: Path, names: list[str], bindings: str = "") -> Path:
    (tmp_path / "a.js").write_text(CODE)
    body = "actions:\n"
    for name in names:
        body += f"  - name: {json.dumps(name)}\n    trigger: post-login\n    code: a.js\n"
    (tmp_path / "a.yaml").write_text(body + bindings, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("x\n+ create action.evil", "contains the control character \\x0a"),
        ("tab\there", "contains the control character \\x09"),
        ("red\x1b[31m", "contains the control character \\x1b"),
        ("del\x7f", "contains the control character \\x7f"),
        ("c1\x85next", "contains the control character \\x85"),
        ("bidi\u202eevil", "contains the control character \\u202e"),
        ("line\u2028sep", "contains the control character \\u2028"),
        ("para\u2029sep", "contains the control character \\u2029"),
        (" lead", "has leading or trailing whitespace"),
        ("trail ", "has leading or trailing whitespace"),
        ("   ", "is only whitespace"),
    ],
)
def test_unprintable_action_names_are_located_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, message: str
) -> None:
    root = _root(tmp_path, [name])
    assert run(["validate", str(root)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert lines[0].startswith(
        f"reconciler: error: a.yaml:2:11: actions[0].name: action name {message}"
    )
    assert len(lines) == 1
    assert not any(c in err for c in ("\x1b", "\u202e", "\x85", "\x7f"))


def test_the_message_names_why() -> None:
    assert name_problem("a\nb", "display name") == (
        "display name contains the control character \\x0a; names are printed in plans and "
        "logs, so control, format and line-separator characters are not allowed"
    )
    assert name_problem("Fraud Shield", "action name") is None
    assert name_problem("café-ünïcode", "action name") is None


def test_binding_display_and_external_names_are_checked(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bindings = (
        'bindings:\n  post-login:\n    - action: a\n      display_name: "A\\nB"\n'
        '    - action: " Fraud"\n      external: true\n'
    )
    root = _root(tmp_path, ["a"], bindings)
    assert run(["validate", str(root)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "reconciler: error: a.yaml:8:21: bindings.post-login[0].display_name: display name "
        "contains the control character \\x0a; names are printed in plans and logs, so "
        "control, format and line-separator characters are not allowed",
        "a.yaml:9:15: bindings.post-login[1].action: action name has leading or trailing "
        "whitespace",
    ]


def test_names_differing_only_by_case_name_both_locations(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root = _root(tmp_path, ["enrich", "Enrich"])
    assert run(["validate", str(root)]) == 1
    assert capsys.readouterr().err == (
        "reconciler: error: a.yaml:5:11: actions[1].name: action name 'Enrich' differs only by "
        "case from 'enrich' (declared at a.yaml:2:11); two such names are too easily confused\n"
    )

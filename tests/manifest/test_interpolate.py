"""${VAR} references: var files, precedence, masking, and resolve=False."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.core import masking
from reconciler.core.errors import ManifestError
from reconciler.core.model import SecretValue
from reconciler.manifest import load_manifests, parse_var_file, reference_var
from tests.manifest.conftest import Write

MANIFEST = {
    "a.yaml": """
    actions:
      - name: x
        trigger: post-login
        code: login.js
        secrets:
          API_KEY: ${API_KEY}
          TOKEN: ${TOKEN_VAR}
    """
}


def test_reference_syntax() -> None:
    assert [reference_var(v) for v in ["${A_1}", "${_x}", "${1A}", "$A", "${A}x", " ${A}"]] == [
        "A_1",
        "_x",
        None,
        None,
        None,
        None,
    ]


def test_parse_var_file_formats() -> None:
    text = (
        "# comment\n\nexport A=plain value  # trailing comment\nB='single # kept'\n"
        'C="double \\"quoted\\"\\nline"\nD=a#b\nE=\n'
    )
    assert parse_var_file(text, "v.env") == (
        {
            "A": "plain value",
            "B": "single # kept",
            "C": 'double "quoted"\nline',
            "D": "a#b",
            "E": "",
        },
        [],
    )


def test_bad_var_file_line_is_reported_without_its_content() -> None:
    values, problems = parse_var_file("OK=fine\nnot-a-var=s3cr3t-value\n", "v.env")
    assert values == {"OK": "fine"}
    assert [str(p) for p in problems] == ["v.env:2:1: expected KEY=value (KEY: letters, digits, _)"]


def test_resolve_reads_env_and_registers_values_with_the_masker(tree: Write) -> None:
    root = tree(MANIFEST)
    env = {"API_KEY": "key-from-env", "TOKEN_VAR": "token-from-env"}
    (action,) = load_manifests(root, env=env, node_check=False).actions
    assert [(s.name, s.var, s.value) for s in action.secrets] == [
        ("API_KEY", "API_KEY", SecretValue("key-from-env")),
        ("TOKEN", "TOKEN_VAR", SecretValue("token-from-env")),
    ]
    assert masking.mask("a key-from-env and token-from-env") == "a *** and ***"
    assert "key-from-env" not in repr(action)


def test_var_files_override_the_environment_and_later_files_win(
    tree: Write, tmp_path: Path
) -> None:
    root = tree(MANIFEST)
    first = tmp_path / "first.env"
    first.write_text("API_KEY=key-from-first\nTOKEN_VAR=token-from-first\n", encoding="utf-8")
    second = tmp_path / "second.env"
    second.write_text("TOKEN_VAR=token-from-second\n", encoding="utf-8")
    env = {"API_KEY": "key-from-env", "TOKEN_VAR": "token-from-env"}
    (action,) = load_manifests(root, env=env, var_files=[first, second], node_check=False).actions
    assert [s.value for s in action.secrets] == [
        SecretValue("key-from-first"),
        SecretValue("token-from-second"),
    ]


def test_missing_var_file_is_a_problem(tree: Write, tmp_path: Path) -> None:
    root = tree(MANIFEST)
    missing = tmp_path / "missing.env"
    with pytest.raises(ManifestError) as info:
        load_manifests(root, env={"API_KEY": "xxxx", "TOKEN_VAR": "yyyy"}, var_files=[missing])
    assert str(info.value) == f"{missing}:1:1: cannot read var file: No such file or directory"


def test_without_resolve_values_stay_unread(tree: Write) -> None:
    root = tree(MANIFEST)
    (action,) = load_manifests(root, resolve=False, env={}, node_check=False).actions
    assert [(s.name, s.var, s.value) for s in action.secrets] == [
        ("API_KEY", "API_KEY", None),
        ("TOKEN", "TOKEN_VAR", None),
    ]

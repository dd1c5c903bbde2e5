"""Var files as people write them (dotenv conventions, read by python-dotenv): quotes, values
spanning lines (PEM keys), `export`, comments; a malformed line is one Problem naming the file
and line, never the line's content; values never reach the output."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.cli import run
from reconciler.manifest import parse_var_file

PEM = (
    "-----BEGIN PRIVATE KEY-----\nMIIBVgIBADANBgkqhkiG9w0BAQEFAASC\nAUAwggE8AgEAAkEA0Z\n"
    "-----END PRIVATE KEY-----"
)


def test_dotenv_conventions() -> None:
    text = (
        "# a comment line\n"
        "\n"
        "export PLAIN=value-one   # a trailing comment\n"
        "SINGLE='literal $HOME \\n kept'\n"
        f'PEM_KEY="{PEM}"\n'
        f"PEM_SINGLE='{PEM}'\n"
        'ESCAPED="tab\\there \\"quoted\\""\n'
        "SPACED = around-equals\n"
        "EMPTY=\n"
        "DOLLAR=pa$$word${NOT_EXPANDED}\n"
    )
    assert parse_var_file(text, "v.env") == (
        {
            "PLAIN": "value-one",
            "SINGLE": "literal $HOME \\n kept",
            "PEM_KEY": PEM,
            "PEM_SINGLE": PEM,
            "ESCAPED": 'tab\there "quoted"',
            "SPACED": "around-equals",
            "EMPTY": "",
            "DOLLAR": "pa$$word${NOT_EXPANDED}",
        },
        [],
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an unterminated quote: the parser cannot go on past it
        (
            'OK=fine\nBROKEN="s3cr3t-value\n',
            ["v.env:2:1: cannot parse this line (expected KEY=value (KEY: letters, digits, _))"],
        ),
        (
            "OK=fine\nnot-a-var=s3cr3t-value\n",
            ["v.env:2:1: expected KEY=value (KEY: letters, digits, _)"],
        ),
        ("OK=fine\n\nJUST_A_NAME\n", ["v.env:3:1: expected KEY=value (KEY: letters, digits, _)"]),
    ],
)
def test_malformed_line_names_file_and_line(text: str, expected: list[str]) -> None:
    values, problems = parse_var_file(text, "v.env")
    assert values == {"OK": "fine"}
    assert [str(p) for p in problems] == expected


def test_pem_key_from_a_var_file_resolves_and_is_masked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.yaml").write_text(
        "actions:\n  - name: signer\n    trigger: post-login\n    code: a.js\n"
        "    secrets:\n      KEY: ${SIGNING_KEY}\n      OTHER: ${MISSING_ONE}\n"
    )
    (tmp_path / "a.js").write_text("exports.onExecutePostLogin = async () => {};\n")
    env_file = tmp_path / "v.env"
    env_file.write_text(f'export SIGNING_KEY="{PEM}"\n')
    code = run(["validate", str(tmp_path), "--resolve", "--var-file", str(env_file)])
    out, err = capsys.readouterr()
    assert code == 1
    assert err.splitlines() == [
        "reconciler: error: a.yaml:7:14: actions[0].secrets.OTHER: variable MISSING_ONE is not "
        "set (secret OTHER of action signer); set MISSING_ONE in the environment or in a dotenv "
        "file passed with --var-file",
    ]
    for part in PEM.splitlines():
        assert part not in out + err


def test_malformed_var_file_fails_validate_without_its_content(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.yaml").write_text(
        "actions:\n  - name: x\n    trigger: post-login\n    code: a.js\n"
    )
    (tmp_path / "a.js").write_text("exports.onExecutePostLogin = async () => {};\n")
    env_file = tmp_path / "v.env"
    env_file.write_text("GOOD=value-ok\nBAD='s3cr3t-never-shown\n")
    code = run(["validate", str(tmp_path), "--resolve", "--var-file", str(env_file)])
    out, err = capsys.readouterr()
    assert code == 1
    assert err == (
        f"reconciler: error: {env_file}:2:1: cannot parse this line "
        "(expected KEY=value (KEY: letters, digits, _))\n"
    )
    assert "s3cr3t" not in out + err

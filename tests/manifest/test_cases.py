"""Every class of bad input: the exact problem lines, and `reconciler validate` exiting 1."""

from __future__ import annotations

import pytest

from reconciler.cli import run
from tests.manifest.cases import CASES, Case
from tests.manifest.conftest import Write, problem_lines


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_loader_reports_exact_lines(case: Case, tree: Write) -> None:
    root = tree(case.files)
    resolve = case.env is not None
    assert problem_lines(root, resolve=resolve, env=case.env) == case.expected


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_validate_exits_1_with_the_lines(
    case: Case, tree: Write, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tree(case.files)
    args = ["validate", str(root)]
    if case.env is not None:
        args.append("--resolve")
        for name, value in case.env.items():
            monkeypatch.setenv(name, value)
    code = run(args)
    out, err = capsys.readouterr()
    assert code == 1
    assert out == ""
    assert "Traceback" not in err
    notice = ("reconciler: ", "reconciler: error: ")
    lines = [
        line
        for line in err.splitlines()
        if not (line.startswith(notice[0]) and not line.startswith(notice[1]))
    ]
    assert lines == [f"reconciler: error: {case.expected[0]}", *case.expected[1:]]


def test_literal_secret_value_is_never_echoed(
    tree: Write, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tree(
        {
            "a.yaml": """
            actions:
              - {name: x, trigger: post-login, code: login.js,
                 secrets: {TOKEN: hunter2-very-secret, OTHER: 12345678, BAD: "${hunter2-x}"}}
            """
        }
    )
    assert run(["validate", str(root)]) == 1
    err = capsys.readouterr().err
    assert "hunter2" not in err
    assert "12345678" not in err
    assert err.count("literal secret values are not allowed; use ${VAR}") == 1
    assert "actions[0].secrets.OTHER: expected a string, got a number" in err

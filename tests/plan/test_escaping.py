"""The shared escapers (reconciler.core.escaping) and the output points that use them."""

from __future__ import annotations

import json

import pytest

from reconciler.apply import FAILED, OK, StepResult
from reconciler.commands import output
from reconciler.commands.progress import step_line
from reconciler.core.errors import ApiError, Problem
from reconciler.core.escaping import json_text, markdown, markdown_code, terminal


def test_terminal_makes_every_unsafe_character_visible() -> None:
    text = "a\nb\tc\x1b[31m\x7f\x85\x9b\u202e\u2066\u2028\u2029\u200b\U000e0001 é ok"
    assert terminal(text) == (
        "a\\x0ab\\x09c\\x1b[31m\\x7f\\x85\\x9b\\u202e\\u2066\\u2028\\u2029\\u200b\\U000e0001 é ok"
    )
    assert terminal("code\tline", keep_tabs=True) == "code\tline"
    assert terminal("plain name") == "plain name"


def test_markdown_escapes_markup_after_controls() -> None:
    assert markdown("a|b</details><!-- m -->\n*x*") == (
        "a\\|b\\</details\\>\\<\\!-- m --\\>\\\\x0a\\*x\\*"
    )
    assert markdown_code("enrich-token") == "`enrich-token`"
    assert markdown_code("a`b") == "``a`b``"
    assert markdown_code("x</details>|y") == "<code>x\\</details\\>\\|y</code>"


def test_json_text_is_the_same_data_without_raw_controls() -> None:
    data = {"name": "x\n\x1b\x7f\x85\u202e\U000e0001 é"}
    text = json_text(json.dumps(data, indent=2, ensure_ascii=False))
    assert json.loads(text) == data
    assert text == '{\n  "name": "x\\n\\u001b\\u007f\\u0085\\u202e\\udb40\\udc01 é"\n}'


def test_step_lines_escape_names_and_build_errors() -> None:
    failed = StepResult("wait:x", "wait_build", "action.x\n+ y", FAILED, 1.0, "err\n+ create z")
    assert step_line(failed) == "! x\\x0a+ y wait_build failed: err\\x0a+ create z (1.0 s)"
    ok = StepResult("delete:x", "delete", "action.\x1b[2Jx", OK, 0.5, "deleted")
    assert step_line(ok) == "- \\x1b[2Jx deleted (0.5 s)"


def test_server_messages_and_problems_print_on_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    exc = ApiError("GET", "/api/v2/actions/actions", 400, "bad\n+ create action.evil", "x\x1b")
    assert str(exc) == ("GET /api/v2/actions/actions -> 400: bad\\x0a+ create action.evil (x\\x1b)")
    assert str(Problem("a.yaml", 1, 2, "actions[0].name", "n\u202e")) == (
        "a.yaml:1:2: actions[0].name: n\\u202e"
    )
    output.error("first\nsecond \x1b[31mred")
    output.warn("w\x85")
    assert capsys.readouterr().err == (
        "reconciler: error: first\nsecond \\x1b[31mred\nreconciler: warning: w\\x85\n"
    )

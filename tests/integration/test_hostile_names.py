"""Live names cannot forge plan or apply output (issue 12, point 3).

The tenant is seeded through the emulator's raw API (as real Auth0 may accept such names): a
managed action, an unmanaged one and a binding display name each carry a newline that would
start a forged plan line, ANSI escapes, bidi and line-separator characters, or Markdown/HTML
that would close a <details>, add a hidden marker or split a table row.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from reconciler.core.trailer import with_trailer
from tests.support import Api

Cli = Callable[..., tuple[int, str, str]]
FORGED = "+ create action.evil"
MANAGED = f"x\n{FORGED}"
UNMANAGED = "red\x1b[31mALERT\x1b[0m\x9b2J\x7f"
MARKUP = "close</details><!-- reconciler {} -->| a | b |`"
BIDI = "bidi\u202elive\u2028line\u2029para\x85next"
RAW = ("\x1b", "\x9b", "\x7f", "\x85", "\u202e", "\u2028", "\u2029", "\r")
CODE = "exports.onExecutePostLogin = async () => {};\n"


def _seed(api: Api) -> None:
    def body(name: str, code: str) -> dict[str, object]:
        return {
            "name": name,
            "supported_triggers": [{"id": "post-login", "version": "v3"}],
            "code": code,
            "runtime": "node22",
        }

    api.create(body(MANAGED, with_trailer(CODE, "")), deploy=False)
    api.create(body(MARKUP, with_trailer(CODE, "")), deploy=False)
    api.create(body(UNMANAGED, CODE), deploy=False)
    bound = api.create(body(BIDI, with_trailer(CODE, "")), deploy=True)
    for _ in range(200):
        if api.call("GET", f"/actions/actions/{bound}").get("deployed_version"):
            break
    binding = {"ref": {"type": "action_id", "value": bound}, "display_name": BIDI + UNMANAGED}
    api.call("PATCH", "/actions/triggers/post-login/bindings", json={"bindings": [binding]})


def _assert_unforged(text: str) -> None:
    for char in RAW:
        assert char not in text, repr(char)
    for line in text.splitlines():
        assert not line.lstrip().startswith(FORGED), line


def test_text_plan_escapes_live_names(cli: Cli, root: Path, api: Api) -> None:
    _seed(api)
    code, out, err = cli("plan", str(root), "--allow-delete")
    assert code == 0, err
    _assert_unforged(out + err)
    assert "- action.x\\x0a+ create action.evil (delete)" in out.splitlines()
    assert (
        "  red\\x1b[31mALERT\\x1b[0m\\x9b2J\\x7f: not in the manifests and has no ownership trailer"
        in out
    )
    assert "bidi\\u202elive\\u2028line\\u2029para\\x85next" in out


def test_markdown_plan_cannot_close_details_or_add_markers(cli: Cli, root: Path, api: Api) -> None:
    _seed(api)
    code, out, err = cli("plan", str(root), "--allow-delete", "--format", "markdown")
    assert code == 0, err
    _assert_unforged(out)
    lines = out.splitlines()
    assert out.count("<!--") == 1
    assert lines[0].startswith("<!-- reconciler ")
    assert [line for line in lines if "</details>" in line] == [
        line for line in lines if line == "</details>"
    ]
    assert out.count("<details>") == out.count("</details>")
    assert sum(1 for line in lines if line.startswith("|")) == 3  # the summary table only
    assert "close&lt;/details&gt;&lt;!-- reconciler {} --&gt;| a | b |`" in out


def test_json_plan_keeps_names_exactly_and_escaped(cli: Cli, root: Path, api: Api) -> None:
    _seed(api)
    code, out, err = cli("plan", str(root), "--allow-delete", "--format", "json")
    assert code == 0, err
    for char in RAW:
        assert char not in out, repr(char)
    addresses = {c["address"] for c in json.loads(out)["changes"]}
    for name in (MANAGED, MARKUP, BIDI):
        assert f"action.{name}" in addresses
    assert f"action.{UNMANAGED}" in addresses


def test_apply_progress_and_summary_escape_live_names(cli: Cli, root: Path, api: Api) -> None:
    _seed(api)
    code, out, err = cli("apply", str(root), "--allow-delete", "--auto-approve")
    assert code == 0, out + err
    _assert_unforged(out + err)
    assert any(line.startswith("- x\\x0a+ create action.evil deleted") for line in out.splitlines())
    assert MANAGED not in api.actions()
    assert UNMANAGED in api.actions()

"""The handler-export lint and `node --check`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reconciler.cli import run
from reconciler.core.catalogue import HANDLERS
from reconciler.manifest import exports_handler, load_manifests
from tests.manifest.conftest import Write, problem_lines

needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="node is not on PATH")
pytestmark = pytest.mark.real_node_check  # these test node's check itself: node every time


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("exports.onExecutePostLogin = async (event, api) => {};", True),
        ("exports.onExecutePostLogin=function(){}", True),
        ("module.exports.onExecutePostLogin = handler;", True),
        ("exports['onExecutePostLogin'] = handler;", True),
        ("module.exports = { onExecutePostLogin, other };", True),
        ("module.exports = {\n  onExecutePostLogin: async () => {},\n};", True),
        ("module.exports = { async onExecutePostLogin(event, api) {} };", True),
        ("Object.defineProperty(exports, 'onExecutePostLogin', { value: h });", True),
        ("exports.onExecutePostLoginX = h;", False),
        ("exports.onExecuteCredentialsExchange = h;", False),
        ("// exports.onExecutePostLogin = h;", False),
        ("/* exports.onExecutePostLogin = h; */", False),
        ("if (exports.onExecutePostLogin == null) {}", False),
        ("const onExecutePostLogin = async () => {};", False),
    ],
)
def test_exports_handler(code: str, expected: bool) -> None:
    assert exports_handler(code, "onExecutePostLogin") is expected


def test_every_trigger_has_a_handler_name() -> None:
    from reconciler.core.catalogue import BUILTIN_TRIGGERS

    assert {t.id for t in BUILTIN_TRIGGERS} == set(HANDLERS)


@needs_node
def test_node_check_syntax_error_names_file_line_and_column(tree: Write) -> None:
    root = tree(
        {
            "a.yaml": "actions:\n  - {name: broken, trigger: post-login, code: code/broken.js}\n",
            "code/broken.js": "exports.onExecutePostLogin = async (event, api) => {\n"
            "  const x = {\n  return x;\n};\n",
        }
    )
    assert problem_lines(root, node_check=True) == [
        "code/broken.js:3:10: node --check: SyntaxError: Unexpected identifier 'x' (action broken)"
    ]


@needs_node
def test_node_check_judges_a_file_again_once_its_source_changed(tree: Write) -> None:
    """The verdicts node gave stay for files whose source is unchanged, never for a changed one."""
    good = "exports.onExecutePostLogin = async (event, api) => {};\n"
    root = tree(
        {
            "a.yaml": "actions:\n  - {name: edited, trigger: post-login, code: code/edited.js}\n",
            "code/edited.js": good,
        }
    )
    assert len(load_manifests(root, resolve=False, node_check=True).actions) == 1
    (root / "code/edited.js").write_text("exports.onExecutePostLogin = async (event, api) => {\n")
    assert problem_lines(root, node_check=True) == [
        "code/edited.js:2:1: node --check: SyntaxError: Unexpected end of input (action edited)"
    ]
    (root / "code/edited.js").write_text(good)
    assert len(load_manifests(root, resolve=False, node_check=True).actions) == 1


@needs_node
def test_node_check_passes_the_examples() -> None:
    examples = Path(__file__).resolve().parents[2] / "examples" / "actions"
    notices: list[str] = []
    state = load_manifests(examples, resolve=False, node_check=True, notices=notices)
    assert (len(state.actions), notices) == (5, [])


def test_without_node_one_notice_line(
    tree: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tree({"a.yaml": "actions:\n  - {name: x, trigger: post-login, code: login.js}\n"})
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    notices: list[str] = []
    load_manifests(root, notices=notices)
    assert notices == [
        "node not found on PATH; skipped the syntax check (node --check) of 1 code file(s)"
    ]
    assert run(["validate", str(root)]) == 0
    out, err = capsys.readouterr()
    assert out == f"{root}: valid (1 action, 0 triggers bound)\n"
    assert err == (
        "reconciler: node not found on PATH; skipped the syntax check (node --check) "
        "of 1 code file(s)\n"
    )

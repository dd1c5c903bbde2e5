"""Actions Modules in manifests (issue 15): the model the fixture loads into, the defaults, the
limits at their boundary, secrets resolved like actions', node --check, the digest, `validate`,
and every bad-input case with its exact lines (through the loader and through `validate`)."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from reconciler.cli import run
from reconciler.core.model import (
    Dependency,
    DesiredModule,
    DesiredModuleRef,
    DesiredSecret,
    Location,
    SecretValue,
)
from reconciler.manifest import compute_digest, load_manifests
from reconciler.manifest.canonical import _canonical
from tests.manifest.conftest import Write, problem_lines
from tests.manifest.module_cases import MODULE, MODULE_CASES, MODULE_JS, Case, _action

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "modules_example"
needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="node is not on PATH")


def test_the_fixture_loads_one_module_used_by_two_actions() -> None:
    state = load_manifests(FIXTURE, resolve=False, node_check=False)
    assert state.modules == (
        DesiredModule(
            name="claims-helpers",
            code=(FIXTURE / "modules" / "claims-helpers.js").read_text(encoding="utf-8"),
            code_file="modules/claims-helpers.js",
            dependencies=(Dependency("lodash", "4.17.21"),),
            secrets=(DesiredSecret("CLAIMS_NAMESPACE", "CLAIMS_NAMESPACE"),),
            publish=True,
            protect=True,
            source=Location("modules.yaml", 5, 5),
        ),
    )
    assert state.module("claims-helpers") is state.modules[0]
    assert state.module("nope") is None
    used = {a.name: a.modules for a in state.actions}
    assert used == {
        "block-unverified": (
            DesiredModuleRef("claims-helpers", 1, False, Location("login.yaml", 16, 9)),
        ),
        "enrich-token": (
            DesiredModuleRef("claims-helpers", "latest", False, Location("login.yaml", 9, 9)),
        ),
    }


@needs_node
def test_node_check_passes_the_fixture() -> None:
    notices: list[str] = []
    state = load_manifests(FIXTURE, resolve=False, node_check=True, notices=notices)
    assert (len(state.actions), len(state.modules), notices) == (2, 1, [])


@needs_node
def test_node_check_names_a_module_syntax_error(tree: Write) -> None:
    root = tree({"m.yaml": MODULE, "helpers.js": "module.exports = {\n  greet(\n};\n"})
    (line,) = problem_lines(root, node_check=True)
    assert line.startswith("helpers.js:3:1: node --check: SyntaxError: ")
    assert line.endswith(" (module helpers)")


@needs_node
def test_a_module_syntax_error_is_an_error_even_when_lints_are_deferred(tree: Write) -> None:
    root = tree({"m.yaml": MODULE, "helpers.js": "module.exports = {\n  greet(\n};\n"})
    (line,) = problem_lines(root, node_check=True, defer_lints=True)
    assert line.endswith(" (module helpers)")


def test_defaults(tree: Write) -> None:
    root = tree(
        {
            "helpers.js": MODULE_JS,
            "m.yaml": MODULE,
            "a.yaml": "actions:\n  - {name: x, trigger: post-login, code: login.js}\n",
        }
    )
    state = load_manifests(root, node_check=False)
    (module,) = state.modules
    assert (module.publish, module.protect, module.dependencies, module.secrets) == (
        True,
        False,
        (),
        (),
    )
    assert state.actions[0].modules == ()


def test_publish_false_and_an_external_module(tree: Write) -> None:
    root = tree(
        {
            "helpers.js": MODULE_JS,
            "m.yaml": MODULE + "    publish: false\n",
            "a.yaml": _action(
                "      - {name: helpers, version: 2}\n"
                "      - {name: Dashboard Utils, version: latest, external: true}\n"
            ),
        }
    )
    state = load_manifests(root, node_check=False)
    assert state.modules[0].publish is False
    refs = [(r.name, r.version, r.external) for r in state.actions[0].modules]
    assert refs == [("helpers", 2, False), ("Dashboard Utils", "latest", True)]


def test_limits_at_their_value_are_accepted(tree: Write) -> None:
    root = tree(
        {
            "big.js": "//" + "x" * 65533 + "\n",  # 65,536 characters
            "m.js": MODULE_JS,
            "m.yaml": "modules:\n  - {name: m0, code: big.js}\n  - {name: m1, code: m.js}\n"
            + "  - name: m2\n    code: m.js\n    secrets:\n"
            + "".join(f"      S{i}: ${{VAR_{i}}}\n" for i in range(30))
            + "    dependencies:\n"
            + "".join(f"      pkg{i}: 1.0.0\n" for i in range(10)),
            "a.yaml": _action("".join(f"      - {{name: m{i}, version: 50}}\n" for i in range(3))),
        }
    )
    state = load_manifests(root, resolve=False, node_check=False)
    big, last = state.module("m0"), state.module("m2")
    assert big is not None
    assert last is not None
    assert len(big.code) == 65536
    assert (len(last.secrets), len(last.dependencies)) == (30, 10)
    assert len(state.actions[0].modules) == 3


def test_module_secrets_resolve_like_an_actions(tree: Write) -> None:
    root = tree(
        {"helpers.js": MODULE_JS, "m.yaml": MODULE + "    secrets:\n      KEY: ${HELPERS_KEY}\n"}
    )
    state = load_manifests(root, node_check=False, env={"HELPERS_KEY": "s3cr3t-value"})
    (secret,) = state.modules[0].secrets
    assert secret == DesiredSecret("KEY", "HELPERS_KEY", SecretValue("s3cr3t-value"))
    unresolved = load_manifests(root, node_check=False, resolve=False)
    assert unresolved.modules[0].secrets == (DesiredSecret("KEY", "HELPERS_KEY"),)
    assert unresolved.digest == state.digest  # the digest holds var names, never values


def test_the_digest_covers_modules_and_is_unchanged_without_them(tree: Write) -> None:
    state = load_manifests(FIXTURE, resolve=False, node_check=False)
    changed = replace(state, modules=(replace(state.modules[0], code="// other\n"),))
    assert compute_digest(changed) != state.digest
    enrich = state.actions[1]
    assert enrich.name == "enrich-token"
    pinned = replace(enrich, modules=(replace(enrich.modules[0], version=3),))
    assert compute_digest(replace(state, actions=(state.actions[0], pinned))) != state.digest
    plain = load_manifests(
        tree({"a.yaml": "actions:\n  - {name: x, trigger: post-login, code: login.js}\n"}),
        node_check=False,
    )
    canonical = _canonical(plain)
    assert sorted(canonical) == ["actions", "bindings", "format", "settings"]
    assert "modules" not in canonical["actions"][0]


def test_validate_counts_modules(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["validate", str(FIXTURE)]) == 0
    out = capsys.readouterr().out
    assert out == f"{FIXTURE}: valid (2 actions, 1 module, 1 trigger bound)\n"


@pytest.mark.parametrize("case", MODULE_CASES, ids=[c.id for c in MODULE_CASES])
def test_loader_reports_exact_lines(case: Case, tree: Write) -> None:
    root = tree(case.files)
    resolve = case.env is not None
    assert problem_lines(root, resolve=resolve, env=case.env) == case.expected


@pytest.mark.parametrize("case", MODULE_CASES, ids=[c.id for c in MODULE_CASES])
def test_validate_exits_1_with_the_lines(
    case: Case, tree: Write, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["validate", str(tree(case.files))] + (["--resolve"] if case.env is not None else [])
    assert run(args) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "Traceback" not in err
    errors = [
        line
        for line in err.splitlines()
        if not line.startswith("reconciler: ") or line.startswith("reconciler: error: ")
    ]
    assert errors == [f"reconciler: error: {case.expected[0]}", *case.expected[1:]]

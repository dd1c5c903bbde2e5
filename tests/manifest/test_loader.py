"""The loader on valid input: the model it builds, defaults, sorting, digest, roots."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from reconciler.core.errors import ManifestError
from reconciler.core.model import (
    Dependency,
    DesiredBinding,
    DesiredSecret,
    DesiredTriggerBindings,
    Location,
    Settings,
)
from reconciler.manifest import compute_digest, load_manifests
from tests.manifest.conftest import LOGIN_JS, Write

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "actions"


def test_examples_load_into_the_expected_model() -> None:
    state = load_manifests(EXAMPLES, resolve=False, node_check=False)
    assert [a.name for a in state.actions] == [
        "block-bad-ips",
        "enrich-token",
        "m2m-quota",
        "signup-domain-allowlist",
        "sms-via-twilio",
    ]
    enrich = state.action("enrich-token")
    assert enrich is not None
    assert (enrich.trigger, enrich.trigger_version, enrich.runtime, enrich.code_file) == (
        "post-login",
        "v3",
        "node22",
        "login/enrich-token.js",
    )
    assert enrich.dependencies == (Dependency("axios", "1.7.9"),)
    assert enrich.secrets == (
        DesiredSecret("API_KEY", "ENRICH_API_KEY"),
        DesiredSecret("PROFILE_API_URL", "ENRICH_PROFILE_API_URL"),
    )
    assert enrich.code == (EXAMPLES / "login" / "enrich-token.js").read_text(encoding="utf-8")
    assert enrich.source == Location("login.yaml", 13, 5)
    sms = state.action("sms-via-twilio")
    assert sms is not None
    assert sms.code_file == "phone/sms-via-twilio.js"
    assert [s.name for s in sms.secrets] == [
        "TWILIO_ACCOUNT_SID",
        "TWILIO_AUTH_TOKEN",
        "TWILIO_FROM",
    ]
    assert [b.trigger for b in state.bindings] == [
        "credentials-exchange",
        "post-login",
        "pre-user-registration",
        "send-phone-message",
    ]
    assert state.bindings[1] == DesiredTriggerBindings(
        "post-login",
        (
            DesiredBinding(
                "block-bad-ips", "Block bad IPs", False, Location("bindings.yaml", 6, 7)
            ),
            DesiredBinding("enrich-token", "enrich-token", False, Location("bindings.yaml", 8, 7)),
            DesiredBinding("Fraud Shield", "Fraud Shield", True, Location("bindings.yaml", 9, 7)),
        ),
        Location("bindings.yaml", 5, 3),
    )
    assert state.settings == Settings(prune=False, ignore=("legacy-*",))
    assert state.root == str(EXAMPLES)
    assert len(state.digest) == 64


def test_defaults_runtime_version_deploy_protect(tree: Write) -> None:
    root = tree(
        {"a.yaml": "actions:\n  - {name: x, trigger: credentials-exchange, code: m2m.js}\n"}
    )
    (action,) = load_manifests(root, node_check=False).actions
    assert (action.trigger_version, action.runtime, action.deploy, action.protect) == (
        "v2",
        "node22",
        True,
        False,
    )
    assert load_manifests(root, node_check=False).settings == Settings()


def test_deprecated_version_needs_an_explicit_runtime_and_gives_a_notice(tree: Write) -> None:
    root = tree(
        {
            "a.yaml": """
            actions:
              - {name: x, trigger: post-login, trigger_version: v2, runtime: node18, code: login.js}
            """
        }
    )
    notices: list[str] = []
    (action,) = load_manifests(root, node_check=False, notices=notices).actions
    assert action.runtime == "node18"
    assert notices == ["a.yaml:2:53: action 'x' uses post-login v2, which is deprecated"]


def test_single_file_root_uses_the_file_name(tree: Write) -> None:
    root = tree(
        {"sub/one.yml": "actions:\n  - {name: x, trigger: post-login, code: ../login.js}\n"}
    )
    with pytest.raises(ManifestError) as info:
        load_manifests(root / "sub" / "one.yml", node_check=False)
    assert (
        str(info.value)
        == "one.yml:2:42: actions[0].code: code path '../login.js' leaves the manifest root"
    )
    (root / "sub" / "login.js").write_text(LOGIN_JS, encoding="utf-8")
    (root / "sub" / "one.yml").write_text(
        "actions:\n  - {name: x, trigger: post-login, code: login.js}\n", encoding="utf-8"
    )
    state = load_manifests(root / "sub" / "one.yml", node_check=False, notices=[])
    assert state.actions[0].source == Location("one.yml", 2, 5)


def test_hidden_directories_and_node_modules_are_skipped(tree: Write) -> None:
    root = tree(
        {
            "a.yaml": "",
            ".github/workflows/ci.yml": "on: push\njobs: {}\n",
            "node_modules/x/y.yaml": "garbage: [",
        }
    )
    state = load_manifests(root, node_check=False)
    assert (state.actions, state.bindings) == ((), ())


def test_empty_directory_and_missing_root_are_errors(tmp_path: Path) -> None:
    with pytest.raises(ManifestError) as info:
        load_manifests(tmp_path)
    assert str(info.value) == f"{tmp_path}:1:1: no manifest files (*.yaml, *.yml) found"
    with pytest.raises(ManifestError) as info:
        load_manifests(tmp_path / "nope")
    assert str(info.value) == f"{tmp_path / 'nope'}:1:1: manifest root does not exist"


def test_symlinked_code_file_leaving_the_root_is_refused(tree: Write, tmp_path: Path) -> None:
    outside = tmp_path / "outside.js"
    outside.write_text(LOGIN_JS, encoding="utf-8")
    root = tree({"a.yaml": "actions:\n  - {name: x, trigger: post-login, code: link.js}\n"})
    (root / "link.js").symlink_to(outside)
    with pytest.raises(ManifestError) as info:
        load_manifests(root, node_check=False)
    assert str(info.value) == (
        "a.yaml:2:42: actions[0].code: code path 'link.js' is a symlink whose target leaves "
        "the manifest root"
    )
    (root / "inside.js").write_text(LOGIN_JS, encoding="utf-8")
    (root / "link.js").unlink()
    (root / "link.js").symlink_to(root / "inside.js")
    assert load_manifests(root, node_check=False).actions[0].code_file == "link.js"


def test_symlinked_manifest_leaving_the_root_is_refused(tree: Write, tmp_path: Path) -> None:
    outside = tmp_path / "evil.yaml"
    outside.write_text("settings: {prune: true}\n", encoding="utf-8")
    root = tree({"a.yaml": ""})
    (root / "b.yaml").symlink_to(outside)
    with pytest.raises(ManifestError) as info:
        load_manifests(root, node_check=False)
    assert str(info.value) == "b.yaml:1:1: symlink leaves the manifest root"


def test_digest_covers_the_desired_state_but_never_secret_values(tree: Write) -> None:
    root = tree(
        {
            "a.yaml": "actions:\n  - {name: x, trigger: post-login, code: login.js,\n"
            '     secrets: {K: "${V}"}}\n'
        }
    )
    one = load_manifests(root, env={"V": "first-value"}, node_check=False)
    two = load_manifests(root, env={"V": "second-value"}, node_check=False)
    unresolved = load_manifests(root, resolve=False, node_check=False)
    assert one.digest == two.digest == unresolved.digest == compute_digest(unresolved)
    changed = replace(one, actions=(replace(one.actions[0], code="// changed\n"),))
    assert compute_digest(changed) != one.digest
    moved = replace(one, actions=(replace(one.actions[0], code_file="elsewhere.js"),))
    assert compute_digest(moved) == one.digest


def test_loading_twice_is_deterministic(tree: Write) -> None:
    files = {
        "b.yaml": "actions:\n  - {name: b, trigger: post-login, code: login.js}\n",
        "a.yaml": "actions:\n  - {name: a, trigger: post-login, code: login.js}\n"
        "bindings: {post-login: [b, a]}\n",
    }
    root = tree(files)
    first = load_manifests(root, node_check=False)
    assert [a.name for a in first.actions] == ["a", "b"]
    assert [e.action for e in first.bindings[0].entries] == ["b", "a"]  # order kept
    assert load_manifests(root, node_check=False) == first

"""The secret values read ahead of the loader (manifest/early.py) and the digest pairs they are
hashed against (core/trailer.py `digest_checks`): a guess that never raises and never differs
from the loader on what both can read."""

from __future__ import annotations

from pathlib import Path

from reconciler.core.trailer import compute_digest, digest_checks, with_trailer
from reconciler.manifest.early import secret_values
from reconciler.manifest.loader import load_manifests

MANIFEST = """\
actions:
  - name: one
    trigger: post-login
    runtime: node22
    code: one.js
    secrets:
      API_KEY: ${ONE_KEY}
      OTHER: ${SHARED}
  - name: two
    trigger: post-login
    runtime: node22
    code: two.js
    secrets:
      API_KEY: ${MISSING}
  - name: three
    trigger: post-login
    runtime: node22
    code: three.js
"""
CODE = "exports.onExecutePostLogin = async (event, api) => {};\n"
ENV = {"ONE_KEY": "one-key-value-123", "SHARED": "shared-value-456"}


def _root(tmp_path: Path, manifest: str = MANIFEST) -> Path:
    root = tmp_path / "m"
    root.mkdir()
    (root / "actions.yaml").write_text(manifest)
    for name in ("one", "two", "three"):
        (root / f"{name}.js").write_text(CODE)
    return root


def test_resolved_actions_only_as_the_loader_resolves_them(tmp_path: Path) -> None:
    root = _root(tmp_path)
    assert secret_values(root, env=ENV) == {
        "one": {"API_KEY": "one-key-value-123", "OTHER": "shared-value-456"}
    }
    loaded = load_manifests(root, env=dict(ENV, MISSING="now-it-is-set-1"), node_check=False)
    one = next(a for a in loaded.actions if a.name == "one")
    assert {s.name: s.value.reveal() for s in one.secrets if s.value} == secret_values(
        root, env=ENV
    )["one"]


def test_var_files_override_the_environment(tmp_path: Path) -> None:
    root = _root(tmp_path)
    var_file = tmp_path / "prod.env"
    var_file.write_text("SHARED=from-the-var-file\nMISSING=found-in-the-file\n")
    assert secret_values(root, [var_file], env=ENV) == {
        "one": {"API_KEY": "one-key-value-123", "OTHER": "from-the-var-file"},
        "two": {"API_KEY": "found-in-the-file"},
    }


def test_too_short_values_are_left_to_the_loader(tmp_path: Path) -> None:
    root = _root(tmp_path)
    assert secret_values(root, env=dict(ENV, ONE_KEY="abc")) == {}


def test_unreadable_input_gives_nothing_and_raises_nothing(tmp_path: Path) -> None:
    assert secret_values(tmp_path / "absent", env=ENV) == {}
    assert secret_values(_root(tmp_path, "actions: [unclosed\n"), env=ENV) == {}
    other = tmp_path / "other"
    other.mkdir()
    (other / "a.yaml").write_text("actions:\n  - name: 5\n  - 7\n  - name: x\n    secrets: [1]\n")
    assert secret_values(other, env=ENV) == {}


def test_the_first_entry_of_a_name_wins(tmp_path: Path) -> None:
    twice = MANIFEST + "  - name: one\n    secrets:\n      API_KEY: ${SHARED}\n"
    assert secret_values(_root(tmp_path, twice), env=ENV)["one"]["API_KEY"] == "one-key-value-123"


def test_digest_checks_pair_each_trailer_with_its_values() -> None:
    digest = compute_digest({"API_KEY": "one-key-value-123"}, salt=b"s" * 16)
    codes = [
        ("one", with_trailer(CODE, digest)),
        ("two", with_trailer(CODE, "")),  # no secrets: nothing to hash
        ("three", CODE),  # not written by reconciler
        ("four", with_trailer(CODE, digest)),  # no desired values
    ]
    values = {"one": {"API_KEY": "v1"}, "two": {"API_KEY": "v2"}, "three": {"API_KEY": "v3"}}
    assert digest_checks(values, codes) == [(digest, {"API_KEY": "v1"})]

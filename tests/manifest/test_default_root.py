"""ROOT when none is given (issue 14): root: in ./reconciler.yaml, else the current directory,
used only when it holds manifests; YAML that is clearly not a manifest is skipped and named."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reconciler.cli import run
from reconciler.manifest.foreign import clearly_not_a_manifest, top_level
from tests.support import EXAMPLES

HINT = (
    "pass ROOT (the directory that holds the manifests) as the first argument, "
    "or set root: in reconciler.yaml"
)
WORKFLOW = "name: ci\non:\n  push:\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
COMPOSE = "services:\n  db:\n    image: postgres\n"


def invoke(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("text", "foreign"),
    [
        (WORKFLOW, True),
        (COMPOSE, True),
        ("- id: reconciler-validate\n  entry: reconciler validate\n", True),
        ("stages: [test]\ninclude:\n  - local: x.yml\n", True),
        ("actions: []\n", False),
        ("# comment\nsettings:\n  prune: false\n", False),
        ("action: []\n", False),  # a typo is a manifest with an error, never skipped
        ("bindigns: {}\n", False),
        ("", False),
        ("{actions: []}\n", False),
        ('"jobs": 1\n', True),
    ],
)
def test_classification(tmp_path: Path, text: str, foreign: bool) -> None:
    path = tmp_path / "f.yaml"
    path.write_text(text)
    assert clearly_not_a_manifest(path) is foreign


def test_top_level_keys_ignore_nested_and_comments() -> None:
    assert top_level("# x: 1\na: 1\n  b: 2\n'c d': 3\n---\ne:\n") == (False, ["a", "c d", "e"])


def test_cwd_with_manifests_and_foreign_yaml_skips_and_names_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(EXAMPLES, tmp_path, dirs_exist_ok=True)
    (tmp_path / "docker-compose.yml").write_text(COMPOSE)
    (tmp_path / "ci").mkdir()
    (tmp_path / "ci" / "workflow.yml").write_text(WORKFLOW)
    monkeypatch.chdir(tmp_path)
    code, out, err = invoke(capsys, "validate")
    assert code == 0, err
    assert out == ".: valid (5 actions, 1 module, 4 triggers bound)\n"
    assert (
        "reconciler: warning: skipped 2 YAML files in the current directory that are not "
        "manifests (no actions, bindings, modules or settings key): ci/workflow.yml, "
        f"docker-compose.yml; {HINT}\n"
    ) in err
    # an explicit ROOT still reports them: naming a directory means "these are manifests"
    code, _, err = invoke(capsys, "validate", ".")
    assert code == 1
    assert "docker-compose.yml:1:1: services: unknown key 'services'" in err


def test_cwd_without_manifests_fails_naming_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for i in range(7):
        (tmp_path / f"w{i}.yml").write_text(WORKFLOW)
    monkeypatch.chdir(tmp_path)
    code, out, err = invoke(capsys, "validate")
    assert code == 1
    assert out == ""
    assert err == (
        "reconciler: error: no manifests in the current directory: its 7 YAML files "
        f"(w0.yml, w1.yml, w2.yml, w3.yml, w4.yml and 2 more) are not manifests; {HINT}\n"
    )
    code, _, err = invoke(capsys, "plan", "--tenant", "local")
    assert code == 1
    assert "no manifests in the current directory" in err
    (tmp_path / "empty").mkdir()
    monkeypatch.chdir(tmp_path / "empty")
    code, _, err = invoke(capsys, "validate")
    assert err == (
        f"reconciler: error: no manifest files (*.yaml, *.yml) in the current directory; {HINT}\n"
    )


def test_root_from_reconciler_yaml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(EXAMPLES, tmp_path / "examples" / "actions")
    (tmp_path / ".github").mkdir()
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "bad.yaml").write_text("actions: 3\n")  # a fixture, not ours
    (tmp_path / "reconciler.yaml").write_text(
        "root: examples/actions\nenvironments:\n  dev:\n    domain: local\n"
    )
    monkeypatch.chdir(tmp_path)
    code, out, err = invoke(capsys, "validate")
    assert code == 0, err
    assert out == "examples/actions: valid (5 actions, 1 module, 4 triggers bound)\n"
    assert err == ""
    (tmp_path / "reconciler.yaml").write_text("root: nowhere\n")
    code, _, err = invoke(capsys, "validate")
    assert code == 1
    assert err == "reconciler: error: reconciler.yaml:1:7: root: manifest root not found: nowhere\n"
    (tmp_path / "reconciler.yaml").write_text("rot: examples/actions\n")
    code, _, err = invoke(capsys, "validate")
    assert code == 1
    assert "reconciler.yaml:1:1: rot: unknown key 'rot' (did you mean 'root'?)" in err


def test_environments_of_the_cwd_file_apply_to_its_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reconciler.features.environments import load_environments

    shutil.copytree(EXAMPLES, tmp_path / "actions")
    (tmp_path / "reconciler.yaml").write_text(
        "root: actions\nenvironments:\n  dev:\n    domain: local\n"
    )
    monkeypatch.chdir(tmp_path)
    assert [e.name for e in load_environments("actions")] == ["dev"]
    assert [e.name for e in load_environments(tmp_path / "actions")] == ["dev"]

"""Real plan outputs from emulator runs validate against schemas/plan.schema.json: the
`--format json` stdout and the `--out` plan file, for a fresh tenant and after an apply with a
change and a delete."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import jsonschema

from reconciler.plan.planfile import plan_schema

Cli = Callable[..., tuple[int, str, str]]


def check(doc: object) -> None:
    jsonschema.Draft202012Validator(plan_schema()).validate(doc)


def test_emulator_plan_outputs_validate(cli: Cli, root: Path, tmp_path: Path) -> None:
    code, out, err = cli("plan", str(root), "--format", "json", "--out", "fresh.json")
    assert code == 0, err
    check(json.loads(out))
    check(json.loads((tmp_path / "fresh.json").read_text()))
    assert json.loads(out)["summary"]["create"] >= 4

    code, _, err = cli("apply", str(root), "--auto-approve")
    assert code == 0, err
    login = root / "login" / "enrich-token.js"
    login.write_text(login.read_text() + "\n// changed\n")
    (root / "m2m.yaml").unlink()
    (root / "m2m-quota.js").unlink()
    bindings = root / "bindings.yaml"
    bindings.write_text(
        bindings.read_text().replace("  credentials-exchange:\n    - m2m-quota\n", "")
    )
    code, out, err = cli(
        "plan", str(root), "--format", "json", "--allow-delete", "--out", "changed.json"
    )
    assert code == 0, err
    doc = json.loads(out)
    check(doc)
    check(json.loads((tmp_path / "changed.json").read_text()))
    assert doc["summary"]["update"] >= 1
    assert doc["summary"]["delete"] == 1

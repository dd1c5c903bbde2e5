"""Environments (reconciler.yaml, --env NAME, --env all) against two emulator tenants."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from reconciler.cli import run
from reconciler.emulator import Emulator, EmulatorConfig, start_emulator
from tests.support import EXAMPLES, FRAUD_SHIELD, Api, env_values

FAST = {"build_seconds": 0.05, "rate_limit": 1000.0, "burst": 1000}


@pytest.fixture
def tenants() -> Iterator[tuple[Emulator, Emulator]]:
    with start_emulator(EmulatorConfig(**FAST)) as a, start_emulator(EmulatorConfig(**FAST)) as b:
        a.seed([FRAUD_SHIELD])
        b.seed([FRAUD_SHIELD])
        yield a, b


@pytest.fixture
def project(
    tmp_path: Path, tenants: tuple[Emulator, Emulator], monkeypatch: pytest.MonkeyPatch
) -> Path:
    staging, prod = tenants
    root = tmp_path / "actions"
    shutil.copytree(EXAMPLES, root)
    (root / "env").mkdir()
    values = "\n".join(f"{k}={v}" for k, v in env_values().items())
    (root / "env" / "staging.env").write_text(values + "\n")
    (root / "env" / "prod.env").write_text(values.replace("0000", "9999") + "\n")
    (root / "reconciler.yaml").write_text(
        "# yaml-language-server: $schema=../../schemas/environments.schema.json\n"
        "environments:\n"
        "  staging:\n"
        f"    domain: {staging.url}\n"
        "    client_id_env: STAGING_CLIENT_ID\n"
        "    client_secret_env: STAGING_CLIENT_SECRET\n"
        "    var_file: env/staging.env\n"
        "    rate_limit: 500\n"
        "  prod:\n"
        f"    domain: {prod.url}\n"
        "    client_id_env: PROD_CLIENT_ID\n"
        "    client_secret_env: PROD_CLIENT_SECRET\n"
        "    var_file: env/prod.env\n"
        "    rate_limit: 500\n"
    )
    monkeypatch.setenv("STAGING_CLIENT_ID", staging.client_id)
    monkeypatch.setenv("STAGING_CLIENT_SECRET", staging.client_secret)
    monkeypatch.setenv("PROD_CLIENT_ID", prod.client_id)
    monkeypatch.setenv("PROD_CLIENT_SECRET", prod.client_secret)
    monkeypatch.chdir(tmp_path)
    return root


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_apply_all_then_plan_all_is_clean(
    project: Path, tenants: tuple[Emulator, Emulator], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = cli(capsys, "apply", str(project), "--env", "all", "--auto-approve")
    assert code == 0, out + err
    assert "=== environment staging (" in out
    assert "=== environment prod (" in out
    assert "[prod] + enrich-token created" in out
    assert "  staging: exit 0" in out
    for emu in tenants:
        assert "enrich-token" in Api(emu).actions()
    code, out, err = cli(capsys, "plan", str(project), "--env", "all", "--detailed-exitcode")
    assert code == 0, out + err
    assert "  staging: no changes (exit 0)" in out
    assert "  prod: no changes (exit 0)" in out
    for value in ("example-enrich-api-key-9999", "example-enrich-api-key-0000"):
        assert value not in out + err


def test_plan_all_with_drift_in_one_and_an_error_in_the_other_exits_1(
    project: Path,
    tenants: tuple[Emulator, Emulator],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, out, err = cli(capsys, "apply", str(project), "--env", "all", "--auto-approve")
    assert code == 0, out + err
    staging = Api(tenants[0])
    quota = staging.actions()["m2m-quota"]
    staging.call(
        "PATCH", f"/actions/actions/{quota['id']}", json={"code": "// x\n" + quota["code"]}
    )
    monkeypatch.setenv("PROD_CLIENT_SECRET", "not-the-secret")
    code, out, err = cli(capsys, "plan", str(project), "--env", "all", "--detailed-exitcode")
    assert code == 1
    # a draft edited in the dashboard and never deployed: rewrite the draft, nothing to deploy
    assert "~ action.m2m-quota (update)" in out
    assert "undeployed-dashboard-draft" in out
    assert "  staging: 2 steps (exit 2)" in out
    assert "  prod: error (exit 1)" in out
    assert "reconciler: error: prod: POST /oauth/token -> 401" in err
    assert "not-the-secret" not in out + err


def test_env_name_selects_one_tenant(
    project: Path, tenants: tuple[Emulator, Emulator], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = cli(capsys, "apply", str(project), "--env", "prod", "--auto-approve")
    assert code == 0, out + err
    assert "enrich-token" in Api(tenants[1]).actions()
    assert "enrich-token" not in Api(tenants[0]).actions()
    assert "Environments:" not in out


def test_env_errors_are_one_line(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "plan", str(project), "--env", "prd")
    assert code == 1
    assert err.strip() == (
        "reconciler: error: --env prd: no such environment in reconciler.yaml "
        "(known: staging, prod) (did you mean 'prod'?)"
    )
    code, _, err = cli(capsys, "plan", str(project), "--env", "prod", "--tenant", "local")
    assert code == 1
    assert "--tenant and --env cannot be used together" in err
    (project / "reconciler.yaml").write_text("environments:\n  prod:\n    domian: x\n")
    code, _, err = cli(capsys, "plan", str(project), "--env", "prod")
    assert code == 1
    assert err.startswith("reconciler: error: reconciler.yaml:3:5:")
    assert "did you mean 'domain'?" in err


def test_reconciler_yaml_is_not_a_manifest(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = cli(capsys, "validate", str(project))
    assert code == 0, err
    assert out.strip().endswith("valid (5 actions, 1 module, 4 triggers bound)")

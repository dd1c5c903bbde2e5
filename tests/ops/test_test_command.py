"""`reconciler test NAME --payload FILE` against the emulator's deterministic echo."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reconciler.auth0.client import Auth0Client
from tests.support import Api

Cli = Callable[..., tuple[int, str, str]]
CODE = "exports.onExecutePostLogin = async (event, api) => {};\n"


@pytest.fixture
def seeded(api: Api) -> Api:
    api.create(
        {
            "name": "enrich-token",
            "supported_triggers": [{"id": "post-login", "version": "v3"}],
            "code": CODE,
        },
        deploy=False,
    )
    return api


def write(path: Path, text: str) -> str:
    path.write_text(text)
    return str(path)


def test_prints_the_echo(seeded: Api, tenant_env: str, run_cli: Cli, tmp_path: Path) -> None:
    payload = write(tmp_path / "event.json", '{"user": {"email": "a@example.com"}}')
    code, out, err = run_cli("test", "enrich-token", "--payload", payload, "--tenant", tenant_env)
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "payload": {"action": "enrich-token", "echo": {"user": {"email": "a@example.com"}}}
    }
    assert out.startswith('{\n  "payload": {\n    "action": "enrich-token",\n')
    tested = [r.path for r in seeded.emu.request_log if r.path.endswith("/test")]
    assert len(tested) == 1


def test_output_is_masked(
    seeded: Api, tenant_env: str, run_cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reconciler import masking

    masking.register("s3cret-value-123")
    payload = write(tmp_path / "event.json", '{"secrets": {"K": "s3cret-value-123"}}')
    code, out, _ = run_cli("test", "enrich-token", "--payload", payload, "--tenant", tenant_env)
    assert code == 0
    assert "s3cret-value-123" not in out
    assert '"K": "***"' in out


def test_unknown_action_suggests(
    seeded: Api, tenant_env: str, run_cli: Cli, tmp_path: Path
) -> None:
    payload = write(tmp_path / "event.json", "{}")
    code, out, err = run_cli("test", "enrich-tokn", "--payload", payload, "--tenant", tenant_env)
    assert (code, out) == (1, "")
    assert err == (
        f"reconciler: error: no action named 'enrich-tokn' in tenant {seeded.emu.domain} "
        "(did you mean 'enrich-token'?)\n"
    )


def test_marketplace_action_is_refused(
    seeded: Api, tenant_env: str, run_cli: Cli, tmp_path: Path
) -> None:
    payload = write(tmp_path / "event.json", "{}")
    code, _, err = run_cli("test", "Fraud Shield", "--payload", payload, "--tenant", tenant_env)
    assert code == 1
    assert err == (
        "reconciler: error: 'Fraud Shield' is a marketplace integration; reconciler test runs "
        "custom actions only\n"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '{\n  "user": {\n    "email": "a"\n    "x": 1}}',
            "event.json:4:5: invalid JSON: Expecting ',' delimiter",
        ),
        ("[1, 2]", "event.json:1:1: the payload must be a JSON object (an event), not a list"),
        ("", "event.json:1:1: invalid JSON: Expecting value"),
    ],
)
def test_bad_payload_file_names_the_place(
    run_cli: Cli, tmp_path: Path, text: str, message: str
) -> None:
    write(tmp_path / "event.json", text)
    code, out, err = run_cli(
        "test", "a", "--payload", "event.json", "--tenant", "http://127.0.0.1:9"
    )
    assert (code, out) == (1, "")
    assert err == f"reconciler: error: {message}\n"


def test_missing_payload_file(run_cli: Cli) -> None:
    code, _, err = run_cli("test", "a", "--payload", "nope.json", "--tenant", "http://127.0.0.1:9")
    assert code == 1
    assert (
        err == "reconciler: error: cannot read payload file nope.json: No such file or directory\n"
    )


def test_an_error_thrown_by_the_action_exits_1(
    seeded: Api, tenant_env: str, run_cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real API reports a thrown error inside the payload (GO1-REC); the emulator never does."""

    def failing(self: Auth0Client, action_id: str, payload: dict[str, Any]) -> dict[str, Any]:
        return {"payload": {"error": {"name": "TypeError", "message": "x is undefined"}}}

    monkeypatch.setattr(Auth0Client, "test_action", failing)
    payload = write(tmp_path / "event.json", "{}")
    code, out, err = run_cli("test", "enrich-token", "--payload", payload, "--tenant", tenant_env)
    assert code == 1
    assert json.loads(out)["payload"]["error"]["name"] == "TypeError"
    assert err == "reconciler: error: action enrich-token failed: TypeError: x is undefined\n"

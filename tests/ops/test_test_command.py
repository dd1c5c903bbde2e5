"""`reconciler test NAME --payload FILE` against the emulator's test endpoint, which runs the
draft in Node and answers in the recorded real shape `{"payload": {"error"?: {...}, "stats":
{...}}}`; `--json` prints that reply, the default output is the commands issued, one a line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

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


STATS = (
    "total_request_duration_ms", "total_runtime_execution_duration_ms",
    "runtime_processing_duration_ms", "action_duration_ms", "runtime_external_call_duration_ms",
    "boot_duration_ms", "network_duration_ms",
)  # fmt: skip


def test_prints_the_result(seeded: Api, tenant_env: str, run_cli: Cli, tmp_path: Path) -> None:
    payload = write(tmp_path / "event.json", '{"user": {"email": "a@example.com"}}')
    code, out, err = run_cli(
        "test", "enrich-token", "--payload", payload, "--tenant", tenant_env, "--json"
    )
    assert (code, err) == (0, "")
    stats = json.loads(out)["payload"]["stats"]
    assert list(json.loads(out)) == ["payload"]
    assert list(json.loads(out)["payload"]) == ["stats"]
    assert set(stats) == set(STATS)
    assert all(isinstance(v, int) and v >= 0 for v in stats.values())  # measured, not zeros
    assert out.startswith('{\n  "payload": {\n    "stats": {\n')
    tested = [r.path for r in seeded.emu.request_log if r.path.endswith("/test")]
    assert len(tested) == 1


def test_output_is_masked(
    seeded: Api, tenant_env: str, run_cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reconciler.core import masking

    masking.register("reading 'id'")  # a registered value inside the reply is masked
    payload = write(tmp_path / "event.json", '{"secrets": {"K": "s3cret-value-123"}}')
    code, out, _ = run_cli(
        "test", "enrich-token", "--payload", payload, "--tenant", tenant_env, "--json"
    )
    assert code == 1  # a post-login event without a user: the recorded TypeError
    assert "reading 'id'" not in out
    assert '"message": "Cannot read properties of undefined (***)"' in out


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
    seeded: Api, tenant_env: str, run_cli: Cli, tmp_path: Path
) -> None:
    """The real API reports a thrown error inside the payload (GO1-REC Test #4); so does the
    emulator, for a post-login event without a `user`."""
    payload = write(tmp_path / "event.json", "{}")
    code, out, err = run_cli(
        "test", "enrich-token", "--payload", payload, "--tenant", tenant_env, "--json"
    )
    assert code == 1
    assert json.loads(out)["payload"]["error"]["name"] == "TypeError"
    assert err == (
        "reconciler: error: action enrich-token failed: TypeError: "
        "Cannot read properties of undefined (reading 'id')\n"
    )

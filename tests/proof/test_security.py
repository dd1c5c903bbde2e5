"""Security checks: no secret value or token in anything the tool writes, code paths cannot
escape the manifest root, YAML bombs are refused fast, plain http:// only for loopback, and TLS
verification cannot be switched off from the environment."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reconciler.auth0.transport import Endpoint, Transport
from reconciler.cli import run
from reconciler.emulator import Emulator, EmulatorConfig, start_emulator
from tests.proof.conftest import FRAUD_SHIELD, Cli, env_values, finish, spawn


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    dest = tmp_path / "actions"
    shutil.copytree(Path(__file__).resolve().parents[2] / "examples" / "actions", dest)
    monkeypatch.chdir(tmp_path)
    return dest


@pytest.fixture
def tokens(emu: Emulator) -> set[str]:
    """Every access token the emulator issues during the test."""
    issued: set[str] = set()
    issue = emu.auth.token_endpoint

    def spy(*args: Any, **kwargs: Any) -> Any:
        response = issue(*args, **kwargs)
        body = json.loads(response.get_data())
        if "access_token" in body:
            issued.add(body["access_token"])
        return response

    emu.auth.token_endpoint = spy  # type: ignore[method-assign]
    return issued


def secrets_in(text: str, extra: set[str]) -> list[str]:
    values = {*env_values().values(), *extra}
    return sorted(v[:8] + "..." for v in values if v in text)


@pytest.mark.emulator(fail_dependencies=("twilio",))
def test_no_secret_or_token_in_any_output_file_or_error(
    cli: Cli, root: Path, emu: Emulator, tokens: set[str], tmp_path: Path
) -> None:
    """validate, plan (every format, saved), apply (a failing build included), rollback,
    a second apply, all with --verbose and a journal; then every byte is searched."""
    outputs: list[str] = []

    def run(*args: str) -> int:
        code, out, err = cli(*args)
        outputs.extend([out, err])
        return code

    assert run("validate", str(root)) == 0
    for fmt in ("text", "json", "markdown"):
        assert run("plan", str(root), "--format", fmt, "--verbose") == 0
    assert run("plan", str(root), "--out", str(tmp_path / "plan.json"), "-v") == 0
    journal = tmp_path / "journal.jsonl"
    # sms-via-twilio's build fails (twilio is a failing dependency): error paths print too
    assert run("apply", str(root), "--auto-approve", "-v", "--journal", str(journal)) == 1
    sms = root / "phone" / "sms.yaml"
    sms.write_text(sms.read_text().replace("    dependencies:\n      twilio: 5.4.0\n", ""))
    assert run("apply", str(root), "--auto-approve", "-v", "--journal", str(journal)) == 0
    enrich = root / "login" / "enrich-token.js"
    enrich.write_text(enrich.read_text() + "// second version\n")
    assert run("apply", str(root), "--auto-approve", "-v", "--journal", str(journal)) == 0
    assert run("rollback", "enrich-token", "-v") == 0
    assert run("plan", str(root), "--out", str(tmp_path / "after.json"), "-v") == 0
    saved = ["apply", str(root), "--plan", str(tmp_path / "after.json"), "-v"]
    assert run(*saved, "--journal", str(journal)) == 0
    files = [tmp_path / "plan.json", tmp_path / "after.json", journal]
    outputs += [f.read_text() for f in files]
    assert tokens, "the spy saw no token"
    everything = "\n".join(outputs)
    assert "API_KEY" in everything  # secret names are shown ...
    assert secrets_in(everything, {*tokens, emu.client_secret}) == []  # ... values never


def test_credentials_and_tokens_stay_out_of_error_text(
    cli: Cli, root: Path, emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = "wrong-client-secret-7f3a9c"  # noqa: S105 - a test value
    monkeypatch.setenv("AUTH0_CLIENT_SECRET", wrong)
    code, out, err = cli("plan", str(root), "-v")
    assert code == 1
    assert "401" in err or "403" in err
    assert wrong not in out + err
    monkeypatch.delenv("AUTH0_CLIENT_ID")
    monkeypatch.delenv("AUTH0_CLIENT_SECRET")
    bogus = "bogus-access-token-0c1d2e3f4a5b"  # noqa: S105 - a test value
    monkeypatch.setenv("AUTH0_ACCESS_TOKEN", bogus)
    code, out, err = cli("plan", str(root), "-v")
    assert code == 1
    assert "401" in err
    assert bogus not in out + err


def test_a_plan_file_holding_a_secret_is_not_echoed_in_its_error(
    root: Path, emu: Emulator, tmp_path: Path, creds: dict[str, str]
) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"format_version": 1, "secret": creds["ENRICH_API_KEY"]}))
    proc = spawn(["apply", str(root), "--plan", str(plan), "--tenant", emu.url], tmp_path)
    code, out, err = finish(proc)
    assert code == 1
    assert "Traceback" not in err
    assert secrets_in(out + err, {emu.client_secret}) == []


# ---------------------------------------------------------------------------- code paths


def write_action(root: Path, code_path: str) -> None:
    (root / "escape.yaml").write_text(
        f"actions:\n  - name: escaper\n    trigger: post-login\n    code: {json.dumps(code_path)}\n"
    )


@pytest.mark.parametrize(
    ("code_path", "reason"),
    [
        ("../outside.js", "leaves the manifest root"),
        ("login/../../outside.js", "leaves the manifest root"),
        ("/etc/passwd", "must be relative to this file, not absolute"),
        ("link.js", "is a symlink whose target leaves the manifest root"),
        ("linkdir/inner.js", "is a symlink whose target leaves the manifest root"),
    ],
)
def test_code_paths_cannot_leave_the_root(
    cli: Cli, root: Path, tmp_path: Path, code_path: str, reason: str
) -> None:
    outside = tmp_path / "outside.js"
    outside.write_text("exports.onExecutePostLogin = async () => { /* outside */ };\n")
    (tmp_path / "outdir").mkdir()
    (tmp_path / "outdir" / "inner.js").write_text(outside.read_text())
    os.symlink(outside, root / "link.js")
    os.symlink(tmp_path / "outdir", root / "linkdir")
    write_action(root, code_path)
    code, out, err = cli("validate", str(root))
    assert code == 1
    assert [ln for ln in err.splitlines() if "escape.yaml" in ln] == [
        f"reconciler: error: escape.yaml:4:11: actions[0].code: code path '{code_path}' {reason}"
    ]
    assert "outside */" not in out + err  # nothing of the outside file was read out


# ---------------------------------------------------------------------------- YAML bombs

BILLION_LAUGHS = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]"
        for i in range(8)
    ]
)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (BILLION_LAUGHS, "alias bomb"),
        ("actions: " + "[" * 5000 + "]" * 5000, "nesting is deeper"),
        ("actions:\n" + "  - {name: x}\n" * 120_000, "larger than"),
        ("a: &a [*a]\n", "recursive alias"),
    ],
    ids=["billion-laughs", "deep-nesting", "huge-file", "self-alias"],
)
def test_yaml_bombs_are_refused_fast(cli: Cli, root: Path, content: str, message: str) -> None:
    (root / "bomb.yaml").write_text(content)
    started, cpu = time.monotonic(), time.thread_time()
    code, out, err = cli("validate", str(root))
    # fast = little work: the CPU this thread spent, which a busy machine does not inflate (the
    # wall clock did: 2 cores shared by the suite's workers); the wall bound still catches a hang
    assert time.thread_time() - cpu < 5
    assert time.monotonic() - started < 30
    assert code == 1
    assert "bomb.yaml" in err
    assert message in err, err
    assert "Traceback" not in err


# ---------------------------------------------------------------------------- transport policy


@pytest.mark.parametrize(
    "tenant",
    ["http://example.com", "http://10.0.0.1:8080", "http://evil.localhost", "http://0.0.0.0"],
)
def test_plain_http_to_a_non_loopback_host_is_refused(
    cli: Cli, root: Path, emu: Emulator, tenant: str
) -> None:
    emu.clear_log()
    code, out, err = cli("plan", str(root), tenant=tenant)
    assert code == 1
    assert "refusing plain http://" in err
    assert "use https://" in err


def test_plain_http_from_auth0_domain_is_refused_too(
    cli: Cli, root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AUTH0_DOMAIN", "http://tenant.example.com")
    code, _, err = cli("validate", str(root))  # validate needs no tenant: still fine
    assert code == 0
    assert run(["plan", str(root)]) == 1  # plan without --tenant reads AUTH0_DOMAIN
    assert (
        "refusing plain http:// for non-loopback host tenant.example.com" in capsys.readouterr().err
    )


@pytest.fixture
def tls_emu() -> Iterator[Emulator]:
    with start_emulator(EmulatorConfig(tls=True, build_seconds=0.05)) as emulator:
        emulator.seed(actions=[FRAUD_SHIELD])
        yield emulator


DISABLE_TLS = {"REQUESTS_CA_BUNDLE": "", "CURL_CA_BUNDLE": "", "PYTHONHTTPSVERIFY": "0"}


@pytest.mark.slow
def test_tls_verification_cannot_be_turned_off_by_the_environment(
    tls_emu: Emulator, root: Path, tmp_path: Path, creds: dict[str, str]
) -> None:
    assert tls_emu.ca_file is not None
    env = {**DISABLE_TLS, "SSL_CERT_FILE": "", "SSL_CERT_DIR": ""}
    plan = ["plan", str(root), "--tenant", tls_emu.url]
    code, out, err = finish(spawn(plan, tmp_path, env))
    assert code == 1, out + err
    assert "TLS" in err
    assert "certificate" in err
    assert "Traceback" not in err
    assert [r for r in tls_emu.request_log if r.path.startswith("/api/")] == []
    code, out, err = finish(spawn([*plan, "--ca-bundle", tls_emu.ca_file], tmp_path, env))
    assert code == 0, out + err
    assert "Plan:" in out


@pytest.mark.parametrize(
    "env",
    [DISABLE_TLS, {"CURL_CA_BUNDLE": ""}, {"REQUESTS_CA_BUNDLE": "0"}, {"PYTHONHTTPSVERIFY": "0"}],
)
def test_the_environment_never_yields_verify_false_for_a_real_tenant(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str]
) -> None:
    """For non-loopback tenants requests honours the environment (corporate proxies and CAs);
    whatever it holds, the settings of each request still verify certificates."""
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    transport = Transport(Endpoint.parse("https://acme.eu.auth0.com"))
    try:
        merged = transport.session.merge_environment_settings(
            "https://acme.eu.auth0.com/api/v2/actions/actions", {}, False, transport._verify, None
        )
    finally:
        transport.close()
    # True, or a CA bundle path (a bogus one fails closed); only False would skip checks
    assert merged["verify"] is True or isinstance(merged["verify"], str), merged
    assert merged["verify"] not in ("",), merged

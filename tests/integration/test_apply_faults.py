"""Apply under faults and a killed apply: the tenant converges, nothing is duplicated."""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from reconciler.emulator import Emulator
from tests.support import Api

Cli = Callable[..., tuple[int, str, str]]


def write_manifests(root: Path, count: int, bound: int) -> None:
    root.mkdir(parents=True, exist_ok=True)
    lines = ["actions:"]
    for i in range(count):
        name = f"act-{i:03d}"
        (root / f"{name}.js").write_text(
            f"// action {i}\nexports.onExecutePostLogin = async (event, api) => {{}};\n"
        )
        lines += [
            f"  - name: {name}",
            "    trigger: post-login",
            f"    code: {name}.js",
            "    secrets:",
            "      TOKEN: ${FAULT_TEST_TOKEN}",
        ]
    lines += ["bindings:", "  post-login:"] + [f"    - act-{i:03d}" for i in range(bound)]
    (root / "actions.yaml").write_text("\n".join(lines) + "\n")


def assert_no_duplicates(api: Api) -> None:
    names = [a["name"] for a in api.call("GET", "/actions/actions?per_page=100")["actions"]]
    dupes = [n for n, c in collections.Counter(names).items() if c > 1]
    assert dupes == []


#: The tenant's limit and the client's cap: equal, as a user who sets --rate-limit to the tenant's
#: rate would. 10/s, not the free tier's 2/s: the same pacing against the same bucket (rate and
#: burst equal on both sides) in a fifth of the time (~6 s instead of ~30 s, mostly waiting).
LOW_RATE = 10


@pytest.mark.slow
@pytest.mark.emulator(rate_limit=float(LOW_RATE), burst=LOW_RATE, fault_rate=0.2, seed=11)
def test_thirty_actions_converge_under_faults_and_a_low_rate_limit(
    cli: Cli, tmp_path: Path, emu: Emulator, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FAULT_TEST_TOKEN", "fault-test-token-value")
    root = tmp_path / "many"
    write_manifests(root, 30, 10)
    for _attempt in range(4):
        code, out, err = cli("apply", str(root), "--auto-approve", "--rate-limit", str(LOW_RATE))
        if code == 0:
            break
    assert code == 0, out + err
    emu.set_fault_rate(0.0)
    assert_no_duplicates(api)
    code, out, err = cli("plan", str(root), "--detailed-exitcode")
    assert code == 0, out + err
    assert len(api.actions()) == 31  # 30 + the seeded marketplace action
    assert api.bindings("post-login") == [f"act-{i:03d}" for i in range(10)]
    throttled = [r for r in emu.request_log if r.status == 429]
    assert len(throttled) <= 0.05 * len(emu.request_log)


@pytest.mark.slow
@pytest.mark.emulator(latency_ms=40.0)
def test_killed_apply_then_rerun_converges(
    cli: Cli, tmp_path: Path, emu: Emulator, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FAULT_TEST_TOKEN", "fault-test-token-value")
    root = tmp_path / "many"
    write_manifests(root, 12, 12)
    env = dict(os.environ)
    argv = [sys.executable, "-m", "reconciler", "apply", str(root), "--auto-approve"]
    argv += ["--tenant", emu.url, "--parallelism", "1", "--rate-limit", "500"]
    proc = subprocess.Popen(
        argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            creates = [r for r in emu.request_log if r.method == "POST" and r.status == 201]
            if len(creates) >= 5:
                break
            time.sleep(0.02)
        assert len(creates) >= 5
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        assert proc.stdout is not None
        assert proc.stderr is not None
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    assert 5 <= len(api.actions()) - 1 < 12
    code, out, err = cli("apply", str(root), "--auto-approve")
    assert code == 0, out + err
    assert_no_duplicates(api)
    code, out, _ = cli("plan", str(root), "--detailed-exitcode")
    assert code == 0
    assert api.bindings("post-login") == [f"act-{i:03d}" for i in range(12)]

"""`reconciler emulator serve` in a subprocess: prints where it listens, serves, stops cleanly."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from reconciler.cli import run


def test_serve_prints_domain_and_credentials_and_stops_cleanly(tmp_path: Path) -> None:
    state = tmp_path / "tenant.json"
    cmd = [sys.executable, "-m", "reconciler", "emulator", "serve", "--port", "0",
           "--state", str(state), "--build-seconds", "0.01"]  # fmt: skip
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(5)]
        text = "".join(lines)
        assert "loopback only" in text
        assert "This is not Auth0." in text
        match = re.search(r"^AUTH0_DOMAIN=(http://127\.0\.0\.1:\d+)$", text, re.M)
        assert match, text
        assert "AUTH0_CLIENT_ID=local-client" in text
        assert "AUTH0_CLIENT_SECRET=local-secret" in text
        url = match.group(1)
        r = requests.post(
            url + "/oauth/token",
            data={"grant_type": "client_credentials", "client_id": "local-client",
                  "client_secret": "local-secret"},
            timeout=10,
        )  # fmt: skip
        assert r.status_code == 200
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=15)
        assert proc.returncode == 0
        assert "emulator stopped" in err
        assert state.exists()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def test_serve_rejects_bad_flags(capsys: object) -> None:
    assert run(["emulator", "serve", "--fault-rate", "2"]) == 1


def test_loopback_detection() -> None:
    from reconciler.emulator.config import is_loopback

    assert [is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "127.0.0.2")] == [True] * 4
    assert [is_loopback(h) for h in ("0.0.0.0", "10.0.0.1", "example.com")] == [False] * 3


def test_a_taken_port_is_one_clear_error() -> None:
    from reconciler.core.errors import ReconcilerError
    from reconciler.emulator import EmulatorConfig, start_emulator

    with start_emulator(EmulatorConfig()) as emu:
        taken = rf"cannot listen on 127\.0\.0\.1:{emu.port}: "
        with pytest.raises(ReconcilerError, match=taken):
            start_emulator(EmulatorConfig(port=emu.port))

"""HTTPS with a generated self-signed certificate."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from reconciler.emulator import EmulatorConfig, start_emulator


def test_tls_serves_https_verified_by_the_ca_file() -> None:
    with start_emulator(EmulatorConfig(tls=True)) as emu:
        assert emu.url.startswith("https://127.0.0.1:")
        assert emu.ca_file is not None
        ca = emu.ca_file
        assert Path(ca).read_text().startswith("-----BEGIN CERTIFICATE-----")
        r = requests.post(
            emu.url + "/oauth/token",
            data={"grant_type": "client_credentials", "client_id": emu.client_id,
                  "client_secret": emu.client_secret},
            verify=ca,
            timeout=10,
        )  # fmt: skip
        assert r.status_code == 200
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(emu.url + "/api/v2/actions/triggers", timeout=10)  # default trust store
    assert not Path(ca).exists()  # removed on stop

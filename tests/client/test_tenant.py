"""--tenant resolution, credentials from the environment, the in-process `local` tenant."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from reconciler.auth0.client import Auth0Client
from reconciler.auth0.tenant import credentials_from_env, open_tenant, tenant_url
from reconciler.core.errors import ApiError, ReconcilerError
from reconciler.emulator import Emulator

from .helpers import action_seed

CREDS = {"AUTH0_CLIENT_ID": "local-client", "AUTH0_CLIENT_SECRET": "local-secret"}


@pytest.mark.parametrize(
    ("spec", "url"),
    [
        ("acme.eu.auth0.com", "https://acme.eu.auth0.com"),
        (" acme.auth0.com/ ", "https://acme.auth0.com"),
        ("login.example.com:8443", "https://login.example.com:8443"),
        ("https://acme.auth0.com/", "https://acme.auth0.com"),
        ("http://127.0.0.1:5000", "http://127.0.0.1:5000"),
    ],
)
def test_tenant_url(spec: str, url: str) -> None:
    assert tenant_url(spec) == url


@pytest.mark.parametrize("spec", ["acme", "acme..auth0.com", "-x.auth0.com", "a b.com"])
def test_tenant_url_refuses_what_is_not_a_domain(spec: str) -> None:
    with pytest.raises(ReconcilerError, match="is not a domain"):
        tenant_url(spec)


def test_no_tenant_and_no_auth0_domain() -> None:
    with (
        pytest.raises(ReconcilerError, match=r"^no tenant: pass --tenant or set AUTH0_DOMAIN$"),
        open_tenant(None, env=CREDS),
    ):
        pass


def test_local_is_never_taken_from_the_environment() -> None:
    with (
        pytest.raises(ReconcilerError, match="pass --tenant local"),
        open_tenant(None, env={"AUTH0_DOMAIN": "local", **CREDS}),
    ):
        pass


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "set AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET, or AUTH0_ACCESS_TOKEN"),
        ({"AUTH0_CLIENT_ID": "x"}, "AUTH0_CLIENT_SECRET is not set"),
        ({"AUTH0_CLIENT_SECRET": "secret-value"}, "AUTH0_CLIENT_ID is not set"),
    ],
)
def test_missing_credentials_name_the_variables(env: dict[str, str], message: str) -> None:
    with pytest.raises(ReconcilerError, match=message):
        credentials_from_env(env)
    with pytest.raises(ReconcilerError, match=message), open_tenant("acme.auth0.com", env=env):
        pass


def test_plain_http_for_a_remote_host_is_refused() -> None:
    with (
        pytest.raises(ReconcilerError, match="refusing plain http:// for non-loopback host"),
        open_tenant("http://acme.auth0.com", env=CREDS),
    ):
        pass


def test_domain_from_auth0_domain_and_client_credentials(emu: Emulator) -> None:
    emu.seed([action_seed("one")])
    with open_tenant(None, env={"AUTH0_DOMAIN": emu.url, **CREDS}) as session:
        assert session.name == emu.domain
        assert [a["name"] for a in session.client.list_actions()] == ["one"]


def test_pre_issued_access_token(emu: Emulator) -> None:
    helper = Auth0Client(emu.url, credentials_from_env(CREDS))
    token = helper.engine.tokens.get()
    helper.close()
    emu.clear_log()
    with open_tenant(emu.url, env={"AUTH0_ACCESS_TOKEN": token}) as session:
        assert session.client.list_actions() == []
    assert [r.path for r in emu.request_log] == ["/api/v2/actions/actions"]


def _refused(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def test_local_runs_the_emulator_in_process_and_stops_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state_dir = tmp_path / ".reconciler"
    with open_tenant("local", env={}, state_dir=state_dir, verbose=True) as session:
        assert session.name == "local"
        # a new local tenant starts with the demo marketplace action installed
        installed = session.client.list_actions(installed=True)
        assert [a["name"] for a in installed] == ["Fraud Shield"]
        created = session.client.create_action(action_seed("kept"))
        port = int(session.client.domain.rsplit(":", 1)[1])
    assert _refused(port)
    assert (state_dir / "local-tenant.json").is_file()
    assert "POST /api/v2/actions/actions -> 201" in capsys.readouterr().err
    ports: list[int] = []

    def fail_inside() -> None:
        with open_tenant("local", env={}, state_dir=state_dir) as session:
            custom = session.client.list_actions(installed=False)
            assert [a["id"] for a in custom] == [created["id"]]
            ports.append(int(session.client.domain.rsplit(":", 1)[1]))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        fail_inside()
    assert _refused(ports[0])


def test_errors_leave_no_credentials_in_their_text(emu: Emulator) -> None:
    env = {"AUTH0_CLIENT_ID": "local-client", "AUTH0_CLIENT_SECRET": "wrong-secret-value"}
    with open_tenant(emu.url, env=env) as session, pytest.raises(ApiError) as caught:
        session.client.list_actions()
    assert "wrong-secret-value" not in str(caught.value)
    assert caught.value.status == 401

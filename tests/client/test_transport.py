"""Transport policy: URLs, loopback-only http, TLS verification, the request log line."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from reconciler.auth0.client import Auth0Client
from reconciler.auth0.token import Credentials
from reconciler.auth0.transport import Endpoint, is_loopback
from reconciler.core.errors import ApiError, ReconcilerError
from reconciler.emulator import Emulator

CREDS = Credentials("client-id", "client-secret-xyz")


@pytest.mark.parametrize(
    ("url", "base", "domain"),
    [
        ("https://acme.eu.auth0.com", "https://acme.eu.auth0.com", "acme.eu.auth0.com"),
        ("https://acme.eu.auth0.com/", "https://acme.eu.auth0.com", "acme.eu.auth0.com"),
        ("https://Acme.Auth0.com:8443", "https://acme.auth0.com:8443", "acme.auth0.com:8443"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080", "127.0.0.1:8080"),
        ("http://127.1.2.3:1", "http://127.1.2.3:1", "127.1.2.3:1"),
        ("http://localhost:9000", "http://localhost:9000", "localhost:9000"),
        ("http://[::1]:9000", "http://[::1]:9000", "[::1]:9000"),
    ],
)
def test_accepted_urls(url: str, base: str, domain: str) -> None:
    assert Endpoint.parse(url) == Endpoint(base, domain)


@pytest.mark.parametrize(
    "url",
    ["http://acme.eu.auth0.com", "http://10.0.0.5:8080", "http://[2001:db8::1]", "http://0.0.0.0"],
)
def test_plain_http_is_refused_for_non_loopback_hosts(url: str) -> None:
    with pytest.raises(ReconcilerError, match="refusing plain http:// for non-loopback host"):
        Auth0Client(url, CREDS)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://acme.auth0.com", "not a tenant URL"),
        ("https://", "not a tenant URL"),
        ("https://user:pw@acme.auth0.com", "takes no user, password"),
        ("https://acme.auth0.com/api/v2", "has no path"),
        ("https://acme.auth0.com:99999", "bad port"),
    ],
)
def test_malformed_urls_are_refused(url: str, message: str) -> None:
    with pytest.raises(ReconcilerError, match=message):
        Endpoint.parse(url)


def test_loopback_detection() -> None:
    assert [is_loopback(h) for h in ("127.0.0.1", "127.9.9.9", "::1", "[::1]", "localhost")] == [
        True
    ] * 5
    assert [is_loopback(h) for h in ("10.0.0.1", "example.com", "0.0.0.0", "::")] == [False] * 4


def test_tls_is_verified_against_the_ca_bundle(
    make_emulator: Callable[..., Emulator], make_client: Callable[..., Auth0Client]
) -> None:
    emu = make_emulator(tls=True)
    assert emu.url.startswith("https://")
    assert emu.ca_file
    trusted = make_client(emu, ca_bundle=emu.ca_file)
    assert trusted.list_actions() == []
    untrusted = make_client(emu)  # system store only: the emulator's CA is unknown
    with pytest.raises(ApiError) as caught:
        untrusted.list_actions()
    assert caught.value.status is None
    assert "--ca-bundle" in (caught.value.hint or "")
    # only the trusted client got through the handshake
    assert [r.path for r in emu.request_log] == ["/oauth/token", "/api/v2/actions/actions"]


def test_verbose_log_has_one_line_per_request(
    client: Auth0Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="reconciler.http")
    client.list_actions(trigger_id="post-login", deployed=True)
    lines = [r.getMessage() for r in caplog.records if r.name == "reconciler.http"]
    assert [line.rsplit(" (", 1)[0] for line in lines] == [
        "POST /oauth/token -> 200",
        "GET /api/v2/actions/actions?triggerId=post-login&deployed=true&page=0&per_page=100 -> 200",
    ]
    assert all(line.endswith(" ms)") for line in lines)

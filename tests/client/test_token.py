"""The token cache (fake clock) and renewal against the emulator (its fake clock)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from reconciler.auth0.client import Auth0Client
from reconciler.auth0.token import Credentials, IssuedToken, TokenCache, leeway
from reconciler.core import masking
from reconciler.emulator import Emulator, FakeClock

from .fakes import FakeTime


def issuing(t: FakeTime, ttl: float) -> tuple[Callable[[], IssuedToken], list[str]]:
    issued: list[str] = []

    def fetch() -> IssuedToken:
        issued.append(f"token-number-{len(issued) + 1}")
        return IssuedToken(issued[-1], ttl)

    return fetch, issued


def test_token_is_cached_and_renewed_shortly_before_expiry() -> None:
    t = FakeTime()
    fetch, issued = issuing(t, 600)
    cache = TokenCache(Credentials("id", "client-secret-1"), fetch, clock=t.time)
    assert cache.get() == "token-number-1"
    t.now += 600 - 30 - 0.001  # leeway for a 10 min token is 30 s
    assert cache.get() == "token-number-1"
    t.now += 0.002
    assert cache.get() == "token-number-2"
    assert issued == ["token-number-1", "token-number-2"]


def test_leeway_is_a_tenth_of_short_lifetimes_and_at_most_30_s() -> None:
    assert [leeway(2), leeway(100), leeway(86400)] == [0.2, 10.0, 30.0]


def test_invalidate_forces_a_fetch_but_only_for_the_token_that_failed() -> None:
    t = FakeTime()
    fetch, issued = issuing(t, 86400)
    cache = TokenCache(Credentials("id", "client-secret-1"), fetch, clock=t.time)
    first = cache.get()
    assert cache.invalidate(first)
    second = cache.get()
    assert cache.invalidate(first)  # a stale 401 from another thread: keep the new token
    assert cache.get() == second == "token-number-2"
    assert len(issued) == 2


def test_a_pre_issued_token_is_used_as_is_and_cannot_be_renewed() -> None:
    cache = TokenCache(Credentials(access_token="pre-issued-token"), lambda: 1 / 0)  # type: ignore[arg-type,return-value]
    assert cache.get() == "pre-issued-token"
    assert cache.invalidate("pre-issued-token") is False


def test_credentials_register_their_secrets_and_hide_them_from_repr() -> None:
    creds = Credentials("client-id", "very-secret-value")
    assert "very-secret-value" not in repr(creds)
    assert masking.mask("x very-secret-value y") == "x *** y"
    with pytest.raises(ValueError, match="client id and secret, or an access token"):
        Credentials("client-id")


def test_client_renews_before_expiry_using_expires_in(
    make_emulator: Callable[..., Emulator], make_client: Callable[..., Auth0Client]
) -> None:
    clock = FakeClock()
    emu = make_emulator(clock=clock, token_ttl=60)
    client = make_client(emu, clock=clock.time, sleep=clock.advance)
    client.list_triggers()
    clock.advance(50)  # 60 s token, 6 s leeway: still good
    client.list_triggers()
    clock.advance(5)  # now inside the leeway: renewed before it expires
    client.list_triggers()
    paths = [r.path for r in emu.request_log]
    assert paths == [
        "/oauth/token",
        "/api/v2/actions/triggers",
        "/api/v2/actions/triggers",
        "/oauth/token",
        "/api/v2/actions/triggers",
    ]
    assert all(r.status == 200 for r in emu.request_log)


def test_client_renews_once_on_a_401_expired(
    make_emulator: Callable[..., Emulator], make_client: Callable[..., Auth0Client]
) -> None:
    server_clock = FakeClock()
    emu = make_emulator(clock=server_clock, token_ttl=60)
    client = make_client(emu)  # the client's own clock does not move: only the server's does
    client.list_triggers()
    server_clock.advance(120)
    assert len(client.list_triggers()) > 0
    statuses = [(r.path, r.status) for r in emu.request_log]
    assert statuses == [
        ("/oauth/token", 200),
        ("/api/v2/actions/triggers", 200),
        ("/api/v2/actions/triggers", 401),
        ("/oauth/token", 200),
        ("/api/v2/actions/triggers", 200),
    ]
    assert client.stats.token_fetches == 2

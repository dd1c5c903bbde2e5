"""/oauth/token and the bearer-token/scope checks on every /api/v2 route, with exact bodies."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
import requests

from reconciler.emulator import Emulator, EmulatorConfig, FakeClock, start_emulator
from reconciler.emulator.app import ROUTES

if TYPE_CHECKING:
    from tests.emulator.conftest import Api

EXPIRED = "Expired token received for JSON Web Token validation"


def _token(emu: Emulator, **overrides: str) -> requests.Response:
    form = {
        "grant_type": "client_credentials",
        "client_id": emu.client_id,
        "client_secret": emu.client_secret,
        "audience": f"https://{emu.domain}/api/v2/",
        **overrides,
    }
    return requests.post(emu.url + "/oauth/token", data=form, timeout=10)


def test_token_by_form_and_json(emu: Emulator) -> None:
    r = _token(emu)
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"access_token", "scope", "expires_in", "token_type"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 86400
    assert body["scope"] == "read:actions create:actions update:actions delete:actions"
    r = requests.post(
        emu.url + "/oauth/token",
        json={"grant_type": "client_credentials", "client_id": emu.client_id,
              "client_secret": emu.client_secret},
        timeout=10,
    )  # fmt: skip
    assert r.status_code == 200
    assert r.json()["access_token"] != body["access_token"]


def test_token_errors(emu: Emulator) -> None:
    r = _token(emu, client_secret="wrong")
    assert r.status_code == 401
    assert r.json() == {
        "error": "invalid_client",
        "error_description": "Client authentication failed.",
    }
    r = _token(emu, grant_type="")
    assert r.status_code == 400
    assert r.json() == {
        "error": "invalid_request",
        "error_description": "Missing required parameter: grant_type",
    }
    r = _token(emu, audience="https://elsewhere/api/v2/")
    assert r.status_code == 403
    assert r.json() == {
        "error": "access_denied",
        "error_description": "Service not found: https://elsewhere/api/v2/",
    }


def test_missing_and_invalid_tokens(emu: Emulator) -> None:
    url = emu.url + "/api/v2/actions/actions"
    r = requests.get(url, timeout=10)
    assert r.status_code == 401
    assert r.json() == {
        "statusCode": 401,
        "error": "Unauthorized",
        "message": "Missing authentication",
    }
    r = requests.get(url, headers={"Authorization": "Bearer made-up"}, timeout=10)
    assert r.json() == {
        "statusCode": 401,
        "error": "Unauthorized",
        "message": "Invalid token",
        "attributes": {"error": "Invalid token"},
    }


def test_expired_token(clock: FakeClock) -> None:
    with start_emulator(EmulatorConfig(clock=clock, token_ttl=60)) as emu:
        token = _token(emu).json()["access_token"]
        url = emu.url + "/api/v2/actions/actions"
        headers = {"Authorization": f"Bearer {token}"}
        assert requests.get(url, headers=headers, timeout=10).status_code == 200
        clock.advance(60)
        r = requests.get(url, headers=headers, timeout=10)
        assert r.status_code == 401
        assert r.json() == {
            "statusCode": 401,
            "error": "Unauthorized",
            "message": EXPIRED,
            "attributes": {"error": EXPIRED},
        }


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.methods[0]} {r.rule}")
def test_every_route_checks_its_scope(emu: Emulator, make_api: type[Api], route: object) -> None:
    from reconciler.emulator.routing import Route

    assert isinstance(route, Route)
    others = tuple(s for s in ("read:actions", "create:actions", "update:actions",
                               "delete:actions") if s != route.scope)  # fmt: skip
    emu.add_client("limited", "limited-secret", others)
    api = make_api(emu, "limited", "limited-secret")
    path = route.rule.replace("<action_id>", "x").replace("<version_id>", "y")
    path = path.replace("<trigger_id>", "post-login").replace("<execution_id>", "z")
    r = api.call(route.methods[0], path, json={})
    assert r.status_code == 403
    assert r.json() == {
        "statusCode": 403,
        "error": "Forbidden",
        "message": f"Insufficient scope, expected any of: {route.scope}",
        "errorCode": "insufficient_scope",
    }
    r = requests.request(route.methods[0], emu.url + "/api/v2" + path, timeout=10)
    assert r.status_code == 401


def test_unknown_path_and_method(api: Api) -> None:
    r = api.get("/users")
    assert r.json() == {"statusCode": 404, "error": "Not Found", "message": "Not Found"}
    r = api.call("PUT", "/actions/actions")
    assert r.status_code == 405

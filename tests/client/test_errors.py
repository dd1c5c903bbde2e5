"""Error mapping: Auth0's message and errorCode, hints, no retry on answers, broken bodies."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable

import pytest
from werkzeug.wrappers import Request, Response

from reconciler.auth0 import transport
from reconciler.auth0.client import Auth0Client
from reconciler.auth0.token import Credentials
from reconciler.core.errors import ApiError
from reconciler.emulator import Emulator

from .canned import canned_server
from .helpers import action_seed, api_requests


def test_401_wrong_secret_hints_at_credentials_or_domain(
    emu: Emulator, make_client: Callable[..., Auth0Client]
) -> None:
    client = make_client(emu, credentials=Credentials("local-client", "not-the-secret"))
    with pytest.raises(ApiError) as caught:
        client.list_actions()
    err = caught.value
    assert (err.method, err.path, err.status) == ("POST", "/oauth/token", 401)
    assert err.message == "Client authentication failed."
    assert err.error_code == "invalid_client"
    assert err.hint is not None
    assert err.hint.startswith("wrong credentials or domain")
    assert "not-the-secret" not in str(err)
    assert len(emu.request_log) == 1  # not retried


def test_403_insufficient_scope_names_the_missing_scope(
    emu: Emulator, make_client: Callable[..., Auth0Client]
) -> None:
    emu.add_client("reader", "reader-secret", ["read:actions"])
    client = make_client(emu, credentials=Credentials("reader", "reader-secret"))
    assert client.list_actions() == []
    with pytest.raises(ApiError) as caught:
        client.create_action(action_seed("new-one"))
    err = caught.value
    assert (err.method, err.path, err.status) == ("POST", "/api/v2/actions/actions", 403)
    assert err.error_code == "insufficient_scope"
    assert err.hint is not None
    assert "lacks the create:actions scope" in err.hint
    assert [(m, p, s) for m, p, _q, s in api_requests(emu)][-1] == (
        "POST",
        "/api/v2/actions/actions",
        403,
    )
    assert len(emu.request_log) == 3


def test_403_feature_not_enabled_and_404_on_a_non_auth0_host() -> None:
    body = {
        "statusCode": 403,
        "error": "Forbidden",
        "message": "You cannot use Actions on this tenant",
        "errorCode": "feature_not_enabled",
    }
    with canned_server() as server:
        server.json("/api/v2/actions/actions", body, 403)
        client = Auth0Client(server.url, Credentials("cid", "csecret"), backoff=(0.01, 0.01))
        with pytest.raises(ApiError) as caught:
            client.list_actions()
        assert caught.value.error_code == "feature_not_enabled"
        assert caught.value.hint == "Actions are not enabled on this tenant"
    with canned_server(token=False) as server:
        client = Auth0Client(server.url, Credentials("cid", "csecret"), backoff=(0.01, 0.01))
        with pytest.raises(ApiError) as caught:
            client.list_actions()
        err = caught.value
        assert (err.path, err.status) == ("/oauth/token", 404)
        assert err.message == "response is not JSON (text/html, 21 bytes)"
        assert err.hint is not None
        assert "does not look like an Auth0 tenant" in err.hint
        assert server.seen == ["POST /oauth/token"]


def test_404_for_a_missing_action_is_an_answer_without_hint(client: Auth0Client) -> None:
    with pytest.raises(ApiError) as caught:
        client.get_action("no-such-id")
    assert str(caught.value) == (
        "GET /api/v2/actions/actions/no-such-id -> 404: That action does not exist."
    )


def test_connection_refused_fails_fast_with_a_tenant_hint() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = Auth0Client(f"http://127.0.0.1:{port}", Credentials("cid", "csecret"))
    with pytest.raises(ApiError) as caught:
        client.list_triggers()
    err = caught.value
    assert err.status is None
    assert err.hint == f"nothing answers at 127.0.0.1:{port}: check --tenant / AUTH0_DOMAIN"
    assert client.stats.requests == 1


def test_409_is_never_retried(client: Auth0Client, emu: Emulator) -> None:
    (action_id,) = emu.seed([action_seed("bound-one")])
    client.update_bindings("post-login", [{"ref": {"type": "action_id", "value": action_id}}])
    emu.clear_log()
    with pytest.raises(ApiError) as caught:
        client.delete_action(action_id)
    assert caught.value.status == 409
    assert caught.value.message == "Unable to delete an action bound to a trigger."
    assert api_requests(emu) == [("DELETE", f"/api/v2/actions/actions/{action_id}", "", 409)]
    client.delete_action(action_id, force=True)
    assert api_requests(emu)[-1] == (
        "DELETE",
        f"/api/v2/actions/actions/{action_id}",
        "force=true",
        204,
    )


def test_400_is_never_retried(client: Auth0Client, emu: Emulator) -> None:
    with pytest.raises(ApiError) as caught:
        client.create_action({"name": "x", "supported_triggers": [], "code": ""})
    assert caught.value.status == 400
    assert caught.value.error_code == "invalid_body"
    assert [(m, s) for m, _p, _q, s in api_requests(emu)] == [("POST", 200), ("POST", 400)]
    assert client.stats.retries == 0


def test_5xx_gives_up_after_max_tries(
    emu: Emulator, make_client: Callable[..., Auth0Client]
) -> None:
    client = make_client(emu, max_tries=3)
    client.authenticate()
    emu.faults.script(
        method="GET", path_glob="/api/v2/actions/triggers", nth=1, fault="503", times=5
    )
    with pytest.raises(ApiError) as caught:
        client.list_triggers()
    assert caught.value.status == 503
    assert caught.value.hint == "the Management API kept failing after retries; try again later"
    assert [s for _m, p, _q, s in api_requests(emu) if p.endswith("triggers")] == [503] * 3
    assert client.stats.retries == 2


def test_total_wait_is_bounded(emu: Emulator, make_client: Callable[..., Auth0Client]) -> None:
    client = make_client(emu, backoff=(1.0, 1.0), max_total_wait=0.4)
    client.authenticate()
    emu.faults.script(method="GET", path_glob="/api/v2/actions/triggers", nth=1, fault="500")
    with pytest.raises(ApiError) as caught:
        client.list_triggers()
    assert caught.value.status == 500
    assert client.stats.retries == 0  # the next wait would have passed the bound


@pytest.mark.parametrize(
    ("data", "ctype", "message"),
    [
        (b"<html>oops</html>", "text/html", "malformed response: response is not JSON"),
        (b'{"actions": [', "application/json", "malformed response: response is not JSON"),
        (b"[1, 2]", "application/json", "malformed response: expected a JSON object"),
        (b'{"actions": {"a": 1}}', "application/json", "'actions' is not a list of objects"),
        (b'{"actions": [1]}', "application/json", "'actions' is not a list of objects"),
        (b"[" * 100000 + b"]" * 100000, "application/json", "response is not JSON"),
        (b"\xff\xfe garbage", "application/json", "response is not JSON"),
    ],
)
def test_malformed_bodies_become_api_errors(data: bytes, ctype: str, message: str) -> None:
    with canned_server() as server:
        server.raw("/api/v2/actions/actions", data, 200, ctype)
        client = Auth0Client(server.url, Credentials("cid", "csecret"))
        with pytest.raises(ApiError, match=message) as caught:
            client.list_actions()
        assert caught.value.status == 200


def test_huge_bodies_are_cut_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(transport, "MAX_BODY", 1024 * 1024)
    big = json.dumps({"actions": [{"code": "x" * 2_000_000}]}).encode()
    with canned_server() as server:
        server.raw("/api/v2/actions/actions", big, 200, "application/json")
        client = Auth0Client(server.url, Credentials("cid", "csecret"))
        with pytest.raises(ApiError, match="response body larger than 1 MB"):
            client.list_actions()
        # the connection was closed rather than drained, and the client still works
        server.json("/api/v2/actions/triggers", {"triggers": []})
        assert client.list_triggers() == []


def test_secrets_echoed_by_the_server_are_masked_in_errors(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def echo(request: Request) -> Response:
        body = {
            "statusCode": 400,
            "error": "Bad Request",
            "message": f"bad header {request.headers.get('Authorization')}",
            "errorCode": "canned-access-token-abc",
        }
        return Response(json.dumps(body), status=400, content_type="application/json")

    with canned_server() as server:
        server.routes["/api/v2/actions/triggers"] = echo
        client = Auth0Client(server.url, Credentials("cid", "client-secret-123"))
        transport.enable_request_log()
        with pytest.raises(ApiError) as caught:
            client.list_triggers()
    text = str(caught.value) + repr(caught.value.args)
    assert "bad header Bearer ***" in text
    assert "canned-access-token-abc" not in text
    captured = capsys.readouterr()
    assert "GET /api/v2/actions/triggers -> 400" in captured.err
    for output in (captured.out, captured.err, text):
        assert "client-secret-123" not in output
        assert "canned-access-token-abc" not in output

"""Every ErrorKind from the replies that carry it: recorded real replies where a recording has
one (tests/fixtures/recorded: only the 404s), the reference's quoted replies (auth0-actions-api.md
§4.2-4.4, §6) for the rest, and the emulator's replies over HTTP for the ones the applier
retries or tolerates."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.auth0 import errormap
from reconciler.auth0.client import Auth0Client
from reconciler.core.errors import ApiError, ErrorKind
from reconciler.emulator import Emulator
from tests.conformance.recorded import load

from .helpers import action_seed

ACTIONS = "/api/v2/actions/actions"


def kind_of(method: str, status: int, body: Any, path: str = ACTIONS) -> ErrorKind:
    return errormap.from_response(method, path, status, body, "t.example").kind


def auth0(status: int, error: str, message: str, code: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"statusCode": status, "error": error, "message": message}
    if code is not None:
        body["errorCode"] = code
    return body


def test_recorded_404s_are_not_found() -> None:
    replies = [
        (it["method"], it["status"], it["response"])
        for it in load("go-auth0", "TestActionManager_Delete")["interactions"]
        if it["status"] == 404
    ]
    assert {m for m, _, _ in replies} == {"GET", "DELETE"}
    assert {kind_of(m, s, b) for m, s, b in replies} == {ErrorKind.NOT_FOUND}


@pytest.mark.parametrize(
    ("method", "status", "message", "code", "kind"),
    [
        ("POST", 400, "A draft must be in the 'built' state before it can be deployed.", None,
         ErrorKind.NOT_BUILT_YET),
        ("POST", 400, "A version must be in the 'built' state before it can be deployed.", None,
         ErrorKind.NOT_BUILT_YET),
        ("PATCH", 400, "Trying to create a binding for an action that has not been deployed yet.",
         None, ErrorKind.NOT_DEPLOYED_YET),
        ("POST", 409, "An action with the name 'x' already exists.", None,
         ErrorKind.ALREADY_EXISTS),
        ("DELETE", 409, "Unable to delete an action bound to a trigger.", None,
         ErrorKind.STILL_BOUND),
        ("GET", 400, "cannot list action bindings for an entity-bound trigger", None,
         ErrorKind.ENTITY_BOUND),
        ("POST", 400, "Payload validation error: 'Too long'.", "invalid_body", ErrorKind.INVALID),
        ("GET", 401, "Invalid token", None, ErrorKind.UNAUTHORIZED),
        ("GET", 403, "Insufficient scope, expected any of: read:actions", "insufficient_scope",
         ErrorKind.FORBIDDEN),
        ("GET", 429, "Global limit has been reached", "too_many_requests",
         ErrorKind.RATE_LIMITED),
        ("GET", 503, "Service Unavailable", None, ErrorKind.SERVER),
        ("PATCH", 409, "Conflict", None, ErrorKind.CONFLICT),
        ("GET", 418, "I'm a teapot", None, ErrorKind.OTHER),
    ],
)  # fmt: skip
def test_reference_replies_are_classified(
    method: str, status: int, message: str, code: str | None, kind: ErrorKind
) -> None:
    error = {401: "Unauthorized", 403: "Forbidden", 409: "Conflict"}.get(status, "Bad Request")
    assert kind_of(method, status, auth0(status, error, message, code)) is kind


def test_malformed_and_unreachable_are_their_own_kinds() -> None:
    assert errormap.malformed("GET", ACTIONS, 200, "x").kind is ErrorKind.MALFORMED
    gone = errormap.connection_error("GET", ACTIONS, "refused", "refused", "t.example")
    assert gone.kind is ErrorKind.UNREACHABLE
    assert ApiError("GET", ACTIONS, 400, "x").kind is ErrorKind.OTHER  # made by hand


def error_of(call: Any) -> ApiError:
    with pytest.raises(ApiError) as caught:
        call()
    return caught.value


def test_emulator_replies_carry_the_kinds_the_applier_decides_on(
    make_emulator: Any, make_client: Any
) -> None:
    emu: Emulator = make_emulator(build_seconds=30.0)
    client: Auth0Client = make_client(emu)
    created = client.create_action(action_seed("slow"))
    assert error_of(lambda: client.deploy_action(created["id"])).kind is ErrorKind.NOT_BUILT_YET
    body = [{"ref": {"type": "action_id", "value": created["id"]}, "display_name": "x"}]
    bind = error_of(lambda: client.update_bindings("post-login", body))
    assert bind.kind is ErrorKind.NOT_DEPLOYED_YET
    again = error_of(lambda: client.create_action(action_seed("slow")))
    assert again.kind is ErrorKind.ALREADY_EXISTS
    missing = error_of(lambda: client.get_action("no-such-id"))
    assert missing.kind is ErrorKind.NOT_FOUND


def test_deleting_a_bound_action_is_still_bound(client: Auth0Client, emu: Emulator) -> None:
    emu.seed([action_seed("bound")])  # seeded actions are deployed
    action = client.list_actions()[0]
    client.update_bindings(
        "post-login", [{"ref": {"type": "action_id", "value": action["id"]}, "display_name": "b"}]
    )
    assert error_of(lambda: client.delete_action(action["id"])).kind is ErrorKind.STILL_BOUND

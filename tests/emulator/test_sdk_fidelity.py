"""Fidelity: Auth0's own Python SDK (auth0-python 6.8.0) drives the emulator, unchanged.

The SDK always builds `https://{domain}`, so the emulator runs with TLS and the SDK trusts its CA
through `httpx.Client(verify=...)` and, for its token provider, `SSL_CERT_FILE`.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

pytest.importorskip("auth0.management")

from auth0.management import ManagementClient  # noqa: E402
from auth0.management.core.api_error import ApiError  # noqa: E402
from auth0.management.errors import ForbiddenError, TooManyRequestsError  # noqa: E402

from reconciler.emulator import Emulator, EmulatorConfig, start_emulator  # noqa: E402

CODE = "exports.onExecutePostLogin = async (event, api) => {};\n"
NO_RETRY: Any = {"max_retries": 0}
# Fields the real API sends that the SDK's models do not declare (auth0-actions-api.md §2.1).
UNDECLARED_OK = {"current_version", "errors"}


@pytest.fixture
def tls_emu(monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    emu = start_emulator(EmulatorConfig(tls=True, build_seconds=0.05))
    try:
        assert emu.ca_file is not None
        monkeypatch.setenv("SSL_CERT_FILE", emu.ca_file)
        yield emu
    finally:
        emu.stop()


def _client(emu: Emulator, client_id: str = "", secret: str = "") -> ManagementClient:
    return ManagementClient(
        domain=emu.domain,
        client_id=client_id or emu.client_id,
        client_secret=secret or emu.client_secret,
        httpx_client=httpx.Client(
            verify=ssl.create_default_context(cafile=emu.ca_file), timeout=10
        ),
    )


def _undeclared(model: Any) -> set[str]:
    """Keys of the parsed response that the SDK model does not declare."""
    extra = getattr(model, "model_extra", None) or {}
    return set(extra) - UNDECLARED_OK


def _wait_built(client: ManagementClient, action_id: str) -> Any:
    deadline = time.monotonic() + 5
    while True:
        action = client.actions.get(action_id)
        if action.status in ("built", "failed") or time.monotonic() > deadline:
            return action
        time.sleep(0.02)


def test_sdk_full_lifecycle(tls_emu: Emulator) -> None:
    client = _client(tls_emu)
    created = client.actions.create(
        name="sdk-one",
        supported_triggers=[{"id": "post-login", "version": "v3"}],  # type: ignore[list-item]
        code=CODE,
        runtime="node22",
        secrets=[{"name": "API_KEY", "value": "value-never-returned"}],  # type: ignore[list-item]
        dependencies=[{"name": "axios", "version": "1.7.9"}],  # type: ignore[list-item]
    )
    assert created.name == "sdk-one"
    assert created.status == "pending"
    assert created.created_at is not None
    assert _undeclared(created) == set()
    for i in range(2, 4):
        client.actions.create(
            name=f"sdk-{i}",
            supported_triggers=[{"id": "post-login"}],  # type: ignore[list-item]
            code=CODE,
        )

    # list with paging: the SDK pager walks pages until an empty one
    pager = client.actions.list(per_page=2)
    names = [a.name for a in pager]
    assert names == ["sdk-one", "sdk-2", "sdk-3"]
    first_page = client.actions.list(per_page=2, page=0)
    assert first_page.response is not None
    assert first_page.response.total == 3
    assert first_page.response.page is None or first_page.response.page == 0

    # update, wait for the build, deploy, and see deployed_version follow
    built = _wait_built(client, created.id)
    assert built.status == "built"
    updated = client.actions.update(created.id, code=CODE + "// v2\n")
    assert updated.status == "pending"
    assert [s.name for s in updated.secrets or []] == ["API_KEY"]
    assert _wait_built(client, created.id).status == "built"
    v1 = client.actions.deploy(created.id)
    assert v1.number == 1
    assert _undeclared(v1) == set()
    client.actions.update(created.id, code=CODE + "// v3\n")
    _wait_built(client, created.id)
    v2 = client.actions.deploy(created.id)
    assert v2.number == 2
    got = client.actions.get(created.id)
    assert got.deployed_version is not None
    assert got.deployed_version.id == v2.id
    assert _undeclared(got) == set()
    assert _undeclared(got.deployed_version) == set()

    # versions and rollback
    versions = list(client.actions.versions.list(created.id, per_page=50))
    assert [v.number for v in versions] == [2, 1]
    assert _undeclared(versions[0]) == set()
    one = client.actions.versions.get(created.id, v1.id)
    assert one.code == CODE + "// v2\n"
    rolled = client.actions.versions.deploy(created.id, v1.id, request={"update_draft": True})
    assert rolled.number == 3
    after = client.actions.get(created.id)
    assert after.deployed_version is not None
    assert after.deployed_version.id == rolled.id
    assert after.code == CODE + "// v2\n"

    # triggers and bindings
    triggers = client.actions.triggers.list()
    assert any(t.id == "post-login" and t.binding_policy == "trigger-bound"
               for t in triggers.triggers or [])  # fmt: skip
    bound = client.actions.triggers.bindings.update_many(
        "post-login",
        bindings=[{"ref": {"type": "action_id", "value": created.id},  # type: ignore[list-item]
                   "display_name": "SDK one"}],
    )  # fmt: skip
    assert [b.display_name for b in bound.bindings or []] == ["SDK one"]
    listed = list(client.actions.triggers.bindings.list("post-login", per_page=50))
    assert [b.action.id for b in listed if b.action] == [created.id]
    assert _undeclared(listed[0]) == set()
    assert _undeclared(listed[0].action) == set()
    assert all(_undeclared(t) == set() for t in triggers.triggers or [])

    # delete: 409 while bound (SDK retries 409, so turn retries off; the SDK has no typed
    # ConflictError for this route because the spec does not document the 409), then force
    with pytest.raises(ApiError) as conflict:
        client.actions.delete(created.id, request_options=NO_RETRY)
    assert conflict.value.status_code == 409
    assert conflict.value.body["message"] == "Unable to delete an action bound to a trigger."
    client.actions.delete(created.id, force=True)
    others = [a.name for a in client.actions.list(per_page=50)]
    assert others == ["sdk-2", "sdk-3"]
    client.actions.delete(client.actions.list(per_page=50).items[0].id)
    assert [a.name for a in client.actions.list(per_page=50)] == ["sdk-3"]


def test_sdk_forbidden_with_a_read_only_client(tls_emu: Emulator) -> None:
    tls_emu.add_client("read-only", "read-only-secret", ["read:actions"])
    client = _client(tls_emu, "read-only", "read-only-secret")
    assert list(client.actions.list(per_page=50)) == []
    with pytest.raises(ForbiddenError) as forbidden:
        client.actions.create(name="nope", supported_triggers=[{"id": "post-login"}])  # type: ignore[list-item]
    assert forbidden.value.body == {
        "statusCode": 403,
        "error": "Forbidden",
        "message": "Insufficient scope, expected any of: create:actions",
        "errorCode": "insufficient_scope",
    }


def test_sdk_rate_limited(monkeypatch: pytest.MonkeyPatch) -> None:
    with start_emulator(EmulatorConfig(tls=True, rate_limit=0.5, burst=3)) as emu:
        assert emu.ca_file is not None
        monkeypatch.setenv("SSL_CERT_FILE", emu.ca_file)
        client = _client(emu)
        for _ in range(3):
            client.actions.triggers.list()
        with pytest.raises(TooManyRequestsError) as limited:
            client.actions.triggers.list(request_options=NO_RETRY)
        assert limited.value.body["message"] == "Global limit has been reached"
        headers = limited.value.headers or {}
        assert headers["x-ratelimit-remaining"] == "0"
        assert int(headers["x-ratelimit-reset"]) >= int(time.time())


def test_sdk_retries_a_scripted_429_and_succeeds(tls_emu: Emulator) -> None:
    client = _client(tls_emu)
    tls_emu.faults.script(method="GET", path_glob="/api/v2/actions/triggers", nth=1, fault="429")
    triggers = client.actions.triggers.list()
    assert triggers.triggers
    statuses = [r.status for r in tls_emu.request_log if r.path.endswith("/triggers")]
    assert statuses == [429, 200]

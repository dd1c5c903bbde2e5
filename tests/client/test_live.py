"""read_live: the LiveState it builds and the number of requests it takes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from reconciler.auth0.client import Auth0Client
from reconciler.auth0.live import to_action, triggers_to_read
from reconciler.auth0.live_read import read_live
from reconciler.core.catalogue import BUILTIN_TRIGGERS
from reconciler.core.livemodel import LiveBinding, LiveSecret, LiveVersion
from reconciler.core.model import Dependency
from reconciler.emulator import Emulator

from .helpers import action_seed

TRIGGERS = ["post-login", "credentials-exchange", "pre-user-registration", "post-change-password"]


def seed_tenant(emu: Emulator, client: Auth0Client) -> None:
    """100 actions on four trigger-bound triggers (one action per trigger managed, one bound
    each), plus one marketplace action and one on an entity-bound trigger."""
    seeds = [action_seed(f"act-{i:03d}", TRIGGERS[i % 4], managed=i < 3) for i in range(98)]
    seeds.append({**action_seed("Fraud Shield"), "installed_integration_id": "int-1"})
    seeds.append(action_seed("cte", "custom-token-exchange", managed=True))
    ids = emu.seed(seeds)
    for i, trigger in enumerate(TRIGGERS):
        refs = [{"ref": {"type": "action_id", "value": ids[i]}, "display_name": f"Step {i}"}]
        client.update_bindings(trigger, refs)
    emu.clear_log()


def test_full_read_uses_one_request_per_thing(
    emu: Emulator, make_client: Callable[..., Auth0Client]
) -> None:
    seed_tenant(emu, make_client(emu))
    client = make_client(emu)
    live = read_live(
        client,
        tenant="local",
        owned_triggers=["post-login", "send-phone-message", "custom-token-exchange"],
    )
    # T = owned trigger-bound (post-login, send-phone-message) + served by a managed action
    # (credentials-exchange, pre-user-registration); not post-change-password (act-003 there
    # is not managed), never the entity-bound custom-token-exchange.
    paths = sorted((r.method, r.path, r.query) for r in emu.request_log)
    binding = "/api/v2/actions/triggers/{}/bindings"
    assert paths == sorted(
        [
            ("POST", "/oauth/token", ""),
            ("GET", "/api/v2/actions/triggers", ""),
            ("GET", "/api/v2/actions/actions", "page=0&per_page=100"),
        ]
        + [
            ("GET", binding.format(t), "page=0&per_page=100")
            for t in (
                "post-login",
                "send-phone-message",
                "credentials-exchange",
                "pre-user-registration",
            )
        ]
    )
    assert len(emu.request_log) == 1 + 1 + 1 + 4
    assert len(live.actions) == 100
    assert [b.trigger for b in live.bindings] == [
        "credentials-exchange",
        "post-login",
        "pre-user-registration",
        "send-phone-message",
    ]
    post_login = live.bindings_for("post-login")
    assert post_login is not None
    assert post_login.entries == (
        LiveBinding(
            post_login.entries[0].id, live.action_named("act-000")[0].id, "act-000", "Step 0"
        ),
    )
    assert live.bindings_for("send-phone-message").entries == ()  # type: ignore[union-attr]
    assert {t.id for t in live.triggers} >= set(TRIGGERS)
    shield = live.action_named("Fraud Shield")[0]
    assert shield.marketplace
    assert not live.action_named("act-000")[0].marketplace


def test_live_action_fields(client: Auth0Client, emu: Emulator) -> None:
    emu.seed([action_seed("one", managed=True)])
    (action,) = read_live(client, tenant="t").actions
    assert (action.name, action.trigger, action.trigger_version) == ("one", "post-login", "v3")
    assert action.dependencies == (Dependency("lodash", "4.17.21"),)
    assert [s.name for s in action.secrets] == ["API_KEY"]
    assert isinstance(action.secrets[0], LiveSecret)
    assert action.status == "built"
    assert action.all_changes_deployed
    deployed = action.deployed_version
    assert isinstance(deployed, LiveVersion)
    assert (deployed.number, deployed.deployed, deployed.status) == (1, True, "built")
    assert deployed.code == action.code
    assert deployed.secret_names == ("API_KEY",)


def test_to_action_sorts_and_drops_what_is_not_modelled() -> None:
    raw = {
        "id": "a1",
        "name": "n",
        "supported_triggers": [{"id": "post-login", "version": "v3"}],
        "code": "c",
        "runtime": "node22",
        "status": "BUILT",
        "dependencies": [
            {"name": "zod", "version": "3.0.0", "registry_url": "https://r"},
            {"name": "axios", "version": "1.7.9"},
        ],
        "secrets": [{"name": "B", "updated_at": "t2"}, {"name": "A", "updated_at": "t1"}],
        "integration": {"id": "x"},
        "deployed_version": {
            "id": "v1",
            "number": 4,
            "status": "failed",
            "secrets": [{"name": "Z"}, {"name": "A"}],
            "errors": [{"id": "e", "msg": "boom", "url": "u"}],
        },
    }
    action = to_action(raw)
    assert action.dependencies == (Dependency("axios", "1.7.9"), Dependency("zod", "3.0.0"))
    assert action.secrets == (LiveSecret("A", "t1"), LiveSecret("B", "t2"))
    assert action.status == "built"
    assert action.marketplace
    assert action.deployed_version is not None
    assert action.deployed_version.secret_names == ("A", "Z")
    assert action.deployed_version.status == "failed"
    assert action.deployed_version.errors[0].msg == "boom"


def test_unknown_and_entity_bound_triggers_are_never_read() -> None:
    assert triggers_to_read(
        (), [], ["post-login", "no-such-trigger", "event-stream"], BUILTIN_TRIGGERS
    ) == ["post-login"]


@pytest.mark.slow
def test_full_read_survives_faults_at_a_free_tenant_rate(
    tmp_path: Path,
    make_emulator: Callable[..., Emulator],
    make_client: Callable[..., Auth0Client],
) -> None:
    state = str(tmp_path / "tenant.json")
    fast = make_emulator(state_file=state)
    seed_tenant(fast, make_client(fast))
    expected = read_live(make_client(fast), tenant="local", owned_triggers=["post-login"])
    fast.stop()  # persists the tenant; the free-tier emulator starts from it
    emu = make_emulator(state_file=state, rate_limit=2.0, burst=2, seed=7, slow_ms=50)
    emu.set_fault_rate(0.2)
    total = 0
    for _ in range(3):
        client = make_client(emu, rate_limit=None, burst=None, backoff=(0.5, 4.0))
        live = read_live(client, tenant="local", owned_triggers=["post-login"])
        assert live == expected
        total += client.stats.requests
    log = emu.request_log
    too_many = sum(1 for r in log if r.status == 429)
    faults = sum(1 for r in log if r.status in (0, 500, 503))
    assert len(log) == total
    assert faults > 0  # the faults did happen
    assert too_many < 0.05 * len(log), (too_many, len(log))


def test_owned_bindings_are_read_alongside_the_action_list(
    make_emulator: Callable[..., Emulator], make_client: Callable[..., Auth0Client]
) -> None:
    """The owned trigger's bindings do not wait for the action list's answer (issue 16)."""
    emu = make_emulator(latency_ms=300)
    client = make_client(emu)
    known = read_live(client, tenant="local").triggers
    emu.clear_log()
    read_live(client, tenant="local", owned_triggers=["post-login"], known_triggers=known)
    arrived = {r.path: r.ts for r in emu.request_log}
    listed = arrived["/api/v2/actions/actions"]
    bindings = arrived["/api/v2/actions/triggers/post-login/bindings"]
    # sent one after the other, the bindings would arrive a whole 300 ms answer later
    assert abs(bindings - listed) < 0.2

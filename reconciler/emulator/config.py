"""Emulator configuration: one frozen dataclass, every field defaulted."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any

from reconciler.emulator.clock import Clock, RealClock

DEFAULT_CLIENT_ID = "local-client"
DEFAULT_CLIENT_SECRET = "local-secret"  # noqa: S105 - the emulator's public, documented default
ALL_SCOPES: tuple[str, ...] = ("read:actions", "create:actions", "update:actions", "delete:actions")


def is_loopback(host: str) -> bool:
    """True for `localhost` and loopback addresses (127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True, slots=True)
class ClientSpec:
    """A machine-to-machine client the emulator accepts at /oauth/token."""

    client_id: str
    secret: str = field(repr=False)
    scopes: tuple[str, ...] = ALL_SCOPES


DEFAULT_CLIENTS: tuple[ClientSpec, ...] = (
    ClientSpec(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, ALL_SCOPES),
)


@dataclass(frozen=True)
class EmulatorConfig:
    """How the emulator behaves. Defaults model an Enterprise production tenant."""

    host: str = "127.0.0.1"
    port: int = 0
    state_file: str | None = None
    rate_limit: float = 16.0  # sustained requests per second (token bucket refill)
    burst: int = 50  # bucket size
    latency_ms: float = 0.0  # added to every request
    build_seconds: float = 1.0  # pending -> building -> built
    fault_rate: float = 0.0  # probability of a random fault per /api/v2 request
    tls: bool = False
    fail_dependencies: tuple[str, ...] = ()  # npm names whose builds fail
    clients: tuple[ClientSpec, ...] | None = None  # None: local-client with all scopes
    seed: int | None = None  # random seed for random faults
    clock: Clock = field(default_factory=RealClock)
    token_ttl: int = 86400  # seconds, the `expires_in` of issued tokens
    slow_ms: float = 1500.0  # delay of a "slow" fault
    # the `GET /actions/triggers` items this tenant offers; None: the newest recorded list
    # (trigger_data.RECORDED_TRIGGERS). The conformance suite replays older recordings against
    # the trigger list recorded in the same era.
    triggers: tuple[dict[str, Any], ...] | None = None

    def all_clients(self) -> tuple[ClientSpec, ...]:
        return DEFAULT_CLIENTS if self.clients is None else self.clients
